// The data tools PyTorch users reach for: Dataset and IterableDataset base classes, plain
// arrays, default collation, samplers, ConcatDataset, and loading in worker threads.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { SlowDataset } from '../fixtures/slow_dataset.mjs';

const { data } = kd;

class Squares extends data.Dataset<{ x: number[]; y: number; name: string }> {
  get length() { return 5; }
  get(i: number) { return { x: [i, i * i], y: i, name: `item${i}` }; }
}

describe('datasets and collation', () => {
  it('collates objects, nested arrays, integers (int32), floats, booleans and strings like PyTorch', () => {
    const b = [...new data.DataLoader(new Squares(), { batchSize: 3 })][0] as unknown as { x: Tensor[]; y: Tensor; name: string[] };
    expect(b.y.dtype).toBe('int32');
    expect(b.y.tolist()).toEqual([0, 1, 2]);
    expect(b.x.map((t) => t.tolist())).toEqual([[0, 1, 2], [0, 1, 4]]);
    expect(b.name).toEqual(['item0', 'item1', 'item2']);
    const floats = [...new data.DataLoader([[0.5, true], [1, false]] as [number, boolean][], { batchSize: 2 })][0] as unknown as Tensor[];
    expect(floats[0].dtype).toBe('float32');
    expect(floats[1].dtype).toBe('bool');
    const rows = [...new data.DataLoader([Float32Array.from([1, 2]), Float32Array.from([3, 4])], { batchSize: 2 })][0] as unknown as Tensor;
    expect(rows.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(() => [...new data.DataLoader([[1, 2], [3]], { batchSize: 2 })]).toThrow(/each element in list of batch should be of equal size/);
    expect(() => [...new data.DataLoader([new Map()], { batchSize: 1 })]).toThrow(/cannot collate sample of type an object \(Map\); pass a collateFn/);
  });

  it('takes a plain array of [x, y] pairs, a collateFn, batchSize null, and ConcatDataset', () => {
    const pairs = [[kd.tensor([1, 2]), 0], [kd.tensor([3, 4]), 1], [kd.tensor([5, 6]), 2]] as [Tensor, number][];
    const [[x, y]] = new data.DataLoader(pairs, { batchSize: 3 }) as unknown as Iterable<[Tensor, Tensor]>;
    expect(x.shape).toEqual([3, 2]);
    expect(y.dtype).toBe('int32');
    const sums = [...new data.DataLoader(pairs, { batchSize: 2, collateFn: (items) => items.length })];
    expect(sums).toEqual([2, 1]);
    expect([...new data.DataLoader([7, 8], { batchSize: null })]).toEqual([7, 8]);
    const cat = new data.ConcatDataset([new Squares(), new Squares()]);
    expect(cat.length).toBe(10);
    expect(cat.get(7).y).toBe(2);
    expect(() => cat.get(10)).toThrow(/index 10 is out of range/);
  });

  it('iterates an IterableDataset in batches and refuses shuffling it', () => {
    class Counter extends data.IterableDataset<number> {
      *[Symbol.iterator]() { for (let i = 0; i < 7; i++) yield i; }
    }
    const batches = [...new data.DataLoader(new Counter(), { batchSize: 3 })] as unknown as Tensor[];
    expect(batches.map((b) => b.tolist())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...new data.DataLoader(new Counter(), { batchSize: 3, dropLast: true })]).toHaveLength(2);
    expect(() => new data.DataLoader(new Counter(), { shuffle: true })).toThrow(/IterableDataset has no indices/);
  });
});

describe('samplers', () => {
  it('sequential, random (seeded, with replacement), subset, weighted and batch samplers', () => {
    expect([...new data.SequentialSampler(4)]).toEqual([0, 1, 2, 3]);
    const g1 = new kd.Generator(7);
    const g2 = new kd.Generator(7);
    const a = [...new data.RandomSampler(10, { generator: g1 })];
    expect(a.slice().sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    expect([...new data.RandomSampler(10, { generator: g2 })]).toEqual(a);
    const withRep = [...new data.RandomSampler(3, { replacement: true, numSamples: 50, generator: g1 })];
    expect(withRep).toHaveLength(50);
    expect(withRep.every((i) => i >= 0 && i < 3)).toBe(true);
    expect([...new data.SubsetRandomSampler([5, 9, 11])].sort((x, y) => x - y)).toEqual([5, 9, 11]);
    const weighted = [...new data.WeightedRandomSampler([0, 1, 3], 4000, { generator: g1 })];
    const counts = [0, 1, 2].map((k) => weighted.filter((i) => i === k).length);
    expect(counts[0]).toBe(0);
    expect(counts[2] / counts[1]).toBeGreaterThan(2.5);
    expect(counts[2] / counts[1]).toBeLessThan(3.5);
    expect([...new data.WeightedRandomSampler([1, 1, 1], 3, { replacement: false })].sort()).toEqual([0, 1, 2]);
    expect(() => new data.WeightedRandomSampler([1, 0], 2, { replacement: false })).toThrow(/cannot draw 2 samples without replacement from 1/);
    expect([...new data.BatchSampler(new data.SequentialSampler(5), 2, false)]).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('drive the DataLoader, with PyTorch\'s exclusivity rules', () => {
    const ds = new data.TensorDataset(kd.arange(0, 6, 1, { dtype: 'float32' }));
    const loader = new data.DataLoader(ds, { batchSampler: [[5, 0], [2]] });
    expect([...loader].map((b) => (b as Tensor[])[0].tolist())).toEqual([[5, 0], [2]]);
    const bySampler = new data.DataLoader(ds, { batchSize: 4, sampler: [3, 1, 4, 0, 5] });
    expect(bySampler.length).toBe(2);
    expect([...bySampler].map((b) => (b as Tensor[])[0].tolist())).toEqual([[3, 1, 4, 0], [5]]);
    expect(() => new data.DataLoader(ds, { sampler: [0], shuffle: true })).toThrow(/sampler option is mutually exclusive with shuffle/);
    expect(() => new data.DataLoader(ds, { batchSampler: [[0]], batchSize: 2 })).toThrow(/batchSampler option is mutually exclusive/);
  });
});

describe('loading in worker threads', () => {
  it('delivers every batch in order, the same as without workers', () => {
    const ds = new SlowDataset(37, 0);
    const plain = [...new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new kd.Generator(3) })] as unknown as Tensor[][];
    const threaded = [...new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new kd.Generator(3), numWorkers: 2 })] as unknown as Tensor[][];
    expect(threaded.map(([x, y]) => [x.tolist(), y.tolist()])).toEqual(plain.map(([x, y]) => [x.tolist(), y.tolist()]));
  }, 30_000);

  it('surfaces a sample\'s error in the loop with its index, and stops the workers when the loop breaks', () => {
    expect(() => [...new data.DataLoader(new SlowDataset(20, 0, 13), { batchSize: 4, numWorkers: 2 })])
      .toThrow(/DataLoader worker 1, batch 3: dataset\.get\(13\) threw: sample 13 is corrupt/);
    let n = 0;
    for (const _ of new data.DataLoader(new SlowDataset(100, 0), { batchSize: 2, numWorkers: 2 })) if (++n === 3) break;
    expect(n).toBe(3);
    expect(() => [...new data.DataLoader(new Squares(), { numWorkers: 1 })]).toThrow(/needs a dataset its workers can rebuild: give the dataset a workerSource\(\) method/);
  }, 30_000);
});
