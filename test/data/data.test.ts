// Datasets and the DataLoader, the IDX reader on Debian's Fashion-MNIST and on corrupted
// copies of it, and standardisation.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { data } = kd;

describe('TensorDataset and DataLoader', () => {
  const x = kd.arange(10).float().reshape([10, 1]).mul(kd.tensor([[1, 10]]));
  const y = kd.arange(10);
  const ds = new data.TensorDataset(x, y);

  it('indexes rows and checks sizes', () => {
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(3);
    expect(xi.tolist()).toEqual([3, 30]);
    expect(yi.item()).toBe(3);
    expect(() => ds.get(10)).toThrow(/index 10 is out of range for a dataset of 10 items/);
    expect(() => new data.TensorDataset(x, kd.arange(9))).toThrow(/size mismatch/);
  });

  it('covers every sample once per epoch, with a last partial batch or without it', () => {
    const dl = new data.DataLoader(ds, { batchSize: 4, shuffle: true });
    expect(dl.length).toBe(3);
    const sizes: number[] = [];
    const seen: number[] = [];
    for (const [xb, yb] of dl) {
      sizes.push(yb.numel());
      seen.push(...(yb.tolist() as number[]));
      expect(xb.narrow(1, 1, 1).squeeze(1).tolist()).toEqual((yb.tolist() as number[]).map((v) => v * 10));
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dropped = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect([...dropped].map(([, yb]) => yb.tolist())).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('is reproducible under a seed and different across epochs', () => {
    const order = (seed: number) => {
      kd.manualSeed(seed);
      const dl = new data.DataLoader(ds, { batchSize: 10, shuffle: true });
      return [...dl, ...dl].map(([, yb]) => yb.tolist());
    };
    const a = order(7);
    expect(order(7)).toEqual(a);
    expect(a[0]).not.toEqual(a[1]);
    const g = new kd.Generator(3);
    const viaGen = [...new data.DataLoader(ds, { batchSize: 10, shuffle: true, generator: g })][0][1].tolist();
    expect([...new data.DataLoader(ds, { batchSize: 10, shuffle: true, generator: new kd.Generator(3) })][0][1].tolist()).toEqual(viaGen);
  });

  it('batchSize 1 is SGD and batchSize n is full batch; collates plain datasets', () => {
    expect(new data.DataLoader(ds, { batchSize: 1 }).length).toBe(10);
    expect([...new data.DataLoader(ds, { batchSize: 10 })]).toHaveLength(1);
    const plain = { length: 3, get: (i: number) => ({ a: kd.tensor([i, i]), n: i * 2 }) };
    const [batch] = [...new data.DataLoader(plain, { batchSize: 3 })] as unknown as { a: kd.Tensor; n: kd.Tensor }[];
    expect(batch.a.shape).toEqual([3, 2]);
    expect(batch.n.tolist()).toEqual([0, 2, 4]);
    expect(() => new data.DataLoader(ds, { batchSize: -3 })).toThrow('DataLoader: expected positive integer for batchSize but received -3');
    expect(() => new data.DataLoader({} as never)).toThrow(/expected a dataset/);
  });

  it('refuses samplers, batch samplers and collate functions of the wrong kind, and takes null options as defaults', () => {
    expect(() => new data.DataLoader(ds, { sampler: 3 as never })).toThrow(/DataLoader: expected sampler to be an iterable of indices/);
    expect(() => new data.DataLoader(ds, { sampler: '12' as never })).toThrow(/expected sampler to be an iterable/);
    expect(() => new data.DataLoader(ds, { batchSampler: {} as never })).toThrow(/expected batchSampler to be an iterable of index arrays/);
    expect(() => new data.DataLoader(ds, { collateFn: 2 as never })).toThrow(/DataLoader: expected collateFn to be a function/);
    expect(new data.DataLoader(ds, null as never).length).toBe(10);
    expect([...new data.DataLoader(ds, { sampler: [3, 1], batchSize: 2 })]).toHaveLength(1);
    expect(() => data.randomSplit(null as never, [5, 5])).toThrow(/randomSplit: expected a dataset/);
    expect(() => new data.Subset(ds, null as never)).toThrow(/Subset: expected indices to be an array or an Int32Array/);
    expect(new data.Subset(ds, [1, 2] as never).length).toBe(2);
  });

  it('randomSplit partitions by counts or fractions', () => {
    const [a, b] = data.randomSplit(ds, [7, 3], new kd.Generator(1));
    expect(a.length + b.length).toBe(10);
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [c, d] = data.randomSplit(ds, [0.75, 0.25]);
    expect([c.length, d.length]).toEqual([8, 2]);
    const [xb] = [...new data.DataLoader(c, { batchSize: 8 })][0];
    expect(xb.shape).toEqual([8, 2]);
    expect(() => data.randomSplit(ds, [5, 4])).toThrow(/does not equal the length/);
  });

  it('Standardize fits on one split and applies to another', () => {
    const train = kd.tensor([[1, 100], [3, 300], [5, 500]]);
    const s = data.Standardize.fit(train);
    const z = s.apply(train);
    expect(z.mean(0).abs().max().item()).toBeLessThan(1e-6);
    expect(z.std(0, { correction: 0 }).sub(1).abs().max().item()).toBeLessThan(1e-6);
    expect(s.apply(kd.tensor([[3, 300]])).tolist()).toEqual([[0, 0]]);
    expect(s.inverse(z).sub(train).abs().max().item()).toBeLessThan(1e-4);
    expect(data.Standardize.fit(kd.ones([4, 2])).apply(kd.ones([1, 2])).tolist()).toEqual([[0, 0]]);
  });
});

const root = data.DEBIAN_FASHION_MNIST;
const hasFashion = existsSync(join(root, 't10k-images-idx3-ubyte.gz'));

describe.runIf(hasFashion)('Fashion-MNIST from Debian\'s dataset-fashion-mnist', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kindling-idx-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads the test split: 10,000 images in [0, 1] and int32 labels', () => {
    const ds = new data.FashionMNIST({ root, train: false });
    expect(ds.length).toBe(10000);
    const [img, label] = ds.get(0);
    expect(img.shape).toEqual([1, 28, 28]);
    expect(img.dtype).toBe('float32');
    expect(label.dtype).toBe('int32');
    expect(label.item()).toBe(9);  // the first test image is an ankle boot
    expect(ds.data.min().item()).toBe(0);
    expect(ds.data.max().item()).toBe(1);
    const counts = new Array(10).fill(0);
    for (const v of ds.targets.toTypedArray()) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    const [xb, yb] = [...new data.DataLoader(ds, { batchSize: 256 })][0];
    expect(xb.shape).toEqual([256, 1, 28, 28]);
    expect(yb.shape).toEqual([256]);
  });

  it('rejects corrupted copies with a message naming the problem', () => {
    const images = gunzipSync(readFileSync(join(root, 't10k-images-idx3-ubyte.gz')));
    const labels = readFileSync(join(root, 't10k-labels-idx1-ubyte.gz'));
    const attempt = (imgBytes: Buffer, lblBytes: Buffer = labels, gz = false) => {
      writeFileSync(join(tmp, gz ? 't10k-images-idx3-ubyte.gz' : 't10k-images-idx3-ubyte'), gz ? gzipSync(imgBytes) : imgBytes);
      writeFileSync(join(tmp, 't10k-labels-idx1-ubyte.gz'), lblBytes);
      try {
        new data.FashionMNIST({ root: tmp, train: false });
        return 'loaded';
      } catch (e) {
        return (e as Error).message;
      } finally {
        rmSync(join(tmp, gz ? 't10k-images-idx3-ubyte.gz' : 't10k-images-idx3-ubyte'), { force: true });
      }
    };
    expect(attempt(images)).toBe('loaded');
    const badMagic = Buffer.from(images);
    badMagic[0] = 0x12;
    expect(attempt(badMagic)).toMatch(/bad magic number 0x12000803/);
    expect(attempt(images.subarray(0, images.length - 100))).toMatch(/truncated: the header promises 7840000 values/);
    expect(attempt(images.subarray(0, 10))).toMatch(/truncated header/);
    expect(attempt(Buffer.concat([images, Buffer.alloc(5)]), labels, true)).toMatch(/5 unexpected bytes/);
    const fewer = Buffer.from(images);
    fewer.writeUInt32BE(9999, 4);
    expect(attempt(fewer.subarray(0, 16 + 9999 * 784))).toMatch(/holds 9999 images but .* holds 10000 labels/);
    expect(attempt(images, Buffer.from(labels.subarray(0, 30)))).toMatch(/corrupt gzip data/);
    expect(() => new data.FashionMNIST({ root: join(tmp, 'nowhere') })).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});
