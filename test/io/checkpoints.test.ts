// Checkpoints that never lie: a full disk, a killed process, concurrent savers, hostile files,
// files other writers made, and files over 2 GiB. Every test is bounded in time.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const distIndex = join(here, '..', '..', 'dist', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'kindling-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temporaries = (d: string) => readdirSync(d).filter((f) => f.includes('tmp-'));

function raw(header: unknown, data: Buffer = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([head, json, data]);
}

describe('a full disk', () => {
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)('fails loudly and leaves the last good checkpoint in place (1 MiB tmpfs)', () => {
    const mnt = join(dir, 'small-disk');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0;
    if (!mounted) return;  // no mount privilege in this sandbox: nothing to test here
    try {
      const file = join(mnt, 'model.safetensors');
      kd.save({ w: kd.full([1000], 1.5) }, file);
      const good = readFileSync(file);
      expect(() => kd.save({ w: kd.ones([400_000]) }, file)).toThrow(/save: could not write .*model\.safetensors: .*(ENOSPC|no space).*previous file, if any, is unchanged/i);
      expect(readFileSync(file).equals(good)).toBe(true);
      expect(temporaries(mnt)).toEqual([]);
      expect(kd.load<Record<string, Tensor>>(file).w.sum().item()).toBe(1500);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('reports a missing folder with the path, and writes nothing', () => {
    const file = join(dir, 'no-such-folder', 'm.safetensors');
    expect(() => kd.save({ w: kd.ones([2]) }, file)).toThrow(/save: could not write .*no-such-folder.*ENOENT/);
  });
});

describe('a process killed while saving', () => {
  it('leaves the old file intact, and the next save removes its temporary file', async () => {
    const file = join(dir, 'killed.safetensors');
    kd.save({ w: kd.full([10], 7) }, file);
    const good = readFileSync(file);
    // A child saves a 64 MiB checkpoint over and over; kill it while a temporary file exists.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const kd = await import(${JSON.stringify(distIndex)});
      const big = { w: kd.ones([16 * 1024 * 1024]) };
      for (;;) kd.save(big, ${JSON.stringify(file)});
    `], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (temporaries(dir).filter((f) => f.startsWith('killed')).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = temporaries(dir).filter((f) => f.startsWith('killed'));
    expect(left.length).toBeGreaterThan(0);
    // whatever the child managed, the file is a whole checkpoint: the old one or a complete new one
    const now = readFileSync(file);
    if (!now.equals(good)) expect(kd.load<Record<string, Tensor>>(file).w.numel()).toBe(16 * 1024 * 1024);
    kd.save({ w: kd.full([10], 8) }, file);
    expect(temporaries(dir).filter((f) => f.startsWith('killed'))).toEqual([]);
    expect(kd.load<Record<string, Tensor>>(file).w.tolist()).toEqual(new Array(10).fill(8));
  }, 30_000);

  it('cleans up temporary files of kindling 0.1 too, but never those of a live process', () => {
    const file = join(dir, 'legacy.safetensors');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${file}.tmp-${dead}-lk2j3`, 'partial');
    writeFileSync(`${file}.kindling-tmp-${process.pid}-7-0`, 'in use by this process');
    kd.save({ w: kd.ones([1]) }, file);
    expect(temporaries(dir).filter((f) => f.startsWith('legacy'))).toEqual([`legacy.safetensors.kindling-tmp-${process.pid}-7-0`]);
  });
});

describe('concurrent saves to one path', () => {
  it('from four worker threads never collide, and every load sees one whole checkpoint', async () => {
    const file = join(dir, 'shared.safetensors');
    kd.save({ w: kd.zeros([50_000]) }, file);
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.dist).then((kd) => {
        const errors = [];
        for (let i = 0; i < 25; i++) {
          try {
            if (workerData.id === 0) {
              const w = kd.load(workerData.file).w;
              const first = w.toTypedArray()[0];
              if (w.numel() !== 50000 || w.ne(first).sum().item() !== 0) errors.push('torn read');
            } else {
              kd.save({ w: kd.full([50000], workerData.id) }, workerData.file);
            }
          } catch (e) { errors.push(String(e.message)); }
        }
        parentPort.postMessage(errors);
      });
    `;
    const results = await Promise.all([0, 1, 2, 3].map((id) => new Promise<string[]>((resolve, reject) => {
      const w = new Worker(source, { eval: true, workerData: { id, file, dist: distIndex } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    expect(results.flat()).toEqual([]);
    expect(temporaries(dir).filter((f) => f.startsWith('shared'))).toEqual([]);
    expect([1, 2, 3]).toContain(kd.load<Record<string, Tensor>>(file).w.toTypedArray()[0]);
  }, 60_000);
});

describe('hostile or odd files', () => {
  const timed = (fn: () => unknown) => {
    const t0 = Date.now();
    expect(fn).toThrow();
    expect(Date.now() - t0).toBeLessThan(2000);
  };

  it('refuses anything that is not a regular file, at once', () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) expect(() => kd.load(dev)).toThrow(/not a regular file/);
    expect(() => kd.load(dir)).toThrow(/not a regular file/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    timed(() => kd.load(fifo));
    expect(() => kd.load(fifo)).toThrow(/not a regular file/);
  });

  it('bounds header size and nesting', () => {
    const deep = join(dir, 'deep.safetensors');
    const text = Buffer.from(`{"a":${'['.repeat(40_000_000)}`);
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(text.length));
    writeFileSync(deep, Buffer.concat([head, text]));
    timed(() => kd.load(deep));
    expect(() => kd.load(deep)).toThrow(/nests deeper than 64 levels/);
    const skeleton = join(dir, 'deep-skeleton.safetensors');
    writeFileSync(skeleton, raw({ __metadata__: { 'kindling.structure': '['.repeat(100_000) } }));
    expect(() => kd.load(skeleton)).toThrow(/metadata "kindling.structure" nests deeper/);
  });

  it('rejects names that are not valid UTF-8', () => {
    const json = Buffer.concat([Buffer.from('{"w'), Buffer.from([0xff, 0xfe]), Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')]);
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(json.length));
    const file = join(dir, 'utf8.safetensors');
    writeFileSync(file, Buffer.concat([head, json, Buffer.alloc(4)]));
    expect(() => kd.load(file)).toThrow(/header is not valid UTF-8/);
  });

  it('never lets file contents reach prototypes', () => {
    const file = join(dir, 'proto.safetensors');
    writeFileSync(file, raw({ __metadata__: { 'kindling.structure': `{"__proto__":{"$tensor":"w"},"n":1}` }, w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)));
    const loaded = kd.load<Record<string, unknown>>(file);
    expect(loaded).not.toBeInstanceOf(kd.Tensor);
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(Object.hasOwn(loaded, '__proto__')).toBe(true);
    const flat = join(dir, 'proto-flat.safetensors');
    writeFileSync(flat, raw(JSON.parse('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'), Buffer.alloc(4)));
    const sd = kd.load<Record<string, Tensor>>(flat);
    expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
    expect(Object.keys(sd)).toEqual(['__proto__']);
  });

  it('says what is wrong with reserved property names as dtypes', () => {
    for (const dtype of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const file = join(dir, `dtype-${dtype}.safetensors`);
      writeFileSync(file, raw({ w: { dtype, shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)));
      expect(() => kd.load(file)).toThrow(new RegExp(`dtype "${dtype}", which kindling cannot read`));
    }
  });
});

describe('files written by other tools', () => {
  const fixtures = join(here, '..', 'fixtures');
  const expected: Record<string, { shape: number[]; values: (number | string)[] }> = JSON.parse(readFileSync(join(fixtures, 'foreign-dtypes.json'), 'utf8'));

  it('loads every dtype the format allows, converted to float32 or int32', () => {
    const loaded = kd.load<Record<string, Tensor>>(join(fixtures, 'foreign-dtypes.safetensors'));
    expect(Object.keys(loaded)).toEqual(Object.keys(expected));
    for (const [name, e] of Object.entries(expected)) {
      const t = loaded[name];
      expect(t.shape, name).toEqual(e.shape);
      const want = e.values.map(Number);
      const got = Array.from(t.toTypedArray());
      if (t.dtype === 'float32') expect(got, name).toEqual(Array.from(Float32Array.from(want)));
      else expect(got, name).toEqual(want);
    }
    expect(loaded.half.dtype).toBe('float32');
    expect(loaded.int64.dtype).toBe('int32');
    expect(loaded.num_batches_tracked.shape).toEqual([]);
    expect(loaded.bool.dtype).toBe('bool');
  });

  it('refuses int64 values int32 cannot hold, naming the tensor', () => {
    const data = Buffer.alloc(16);
    data.writeBigInt64LE(5n, 0);
    data.writeBigInt64LE(1n << 40n, 8);
    const file = join(dir, 'i64.safetensors');
    writeFileSync(file, raw({ steps: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data));
    expect(() => kd.load(file)).toThrow(/tensor "steps" \(I64\) holds the value 1099511627776, which int32/);
  });
});

describe('checkpoints over 2 GiB', () => {
  const bytes = 2 ** 31 + 2 ** 22;
  const room = (() => {
    try {
      const s = statfsSync(dir);
      return s.bavail * s.bsize > 3 * bytes && freemem() > 3 * bytes;
    } catch {
      return false;
    }
  })();
  it.runIf(room)('saves and loads one tensor of 2 GiB + 4 MiB', () => {
    const n = bytes / 4;
    const big = kd.empty([n]);
    const s = big.toTypedArray();
    for (let i = 0; i < n; i += 4096) s[i] = i;
    s[n - 1] = -1;
    const file = join(dir, 'big.safetensors');
    kd.save({ big, small: kd.ones([3]) }, file);
    const back = kd.load<Record<string, Tensor>>(file);
    const b = back.big.toTypedArray();
    expect(b.length).toBe(n);
    for (const i of [0, 4096, 2 ** 29, n - 4097 - ((n - 4097) % 4096)]) expect(b[i]).toBe(i);
    expect(b[n - 1]).toBe(-1);
    expect(back.small.tolist()).toEqual([1, 1, 1]);
    rmSync(file);
    expect(existsSync(file)).toBe(false);
  }, 120_000);
});
