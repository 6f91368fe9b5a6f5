// kd.save / kd.load: round trips of models and optimizer state, files Python's safetensors
// can read, and malformed files rejected with a clear error (never a crash).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(obj: unknown, data: Buffer = Buffer.alloc(0), lengthOverride?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(obj));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  return Buffer.concat([head, json, data]);
}

describe('save and load', () => {
  it('round-trips a model state dict of every dtype, and the reloaded model predicts the same', () => {
    kd.manualSeed(0);
    const model = new kd.nn.Sequential(new kd.nn.Linear(5, 7), new kd.nn.ReLU(), new kd.nn.Linear(7, 3));
    const file = join(dir, 'model.safetensors');
    kd.save(model.stateDict(), file);
    expect(readdirSync(dir).filter((f) => f.includes('tmp-'))).toEqual([]);
    const loaded = kd.load<Record<string, kd.Tensor>>(file);
    expect(Object.keys(loaded)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const copy = new kd.nn.Sequential(new kd.nn.Linear(5, 7), new kd.nn.ReLU(), new kd.nn.Linear(7, 3));
    copy.loadStateDict(loaded);
    const x = kd.randn([4, 5]);
    expect(copy.forward(x).tolist()).toEqual(model.forward(x).tolist());

    const mixed = { d: kd.tensor([1.5, 2.5], { dtype: 'float64' }), i: kd.tensor([[1, -2]], { dtype: 'int32' }), b: kd.tensor([true, false]), e: kd.zeros([0, 3]), v: kd.tensor([[1, 2], [3, 4]]).t() };
    kd.save(mixed, join(dir, 'mixed.safetensors'));
    const back = kd.load<Record<string, kd.Tensor>>(join(dir, 'mixed.safetensors'));
    for (const k of Object.keys(mixed) as (keyof typeof mixed)[]) {
      expect(back[k].dtype).toBe(mixed[k].dtype);
      expect(back[k].shape).toEqual(mixed[k].shape);
      expect(back[k].tolist()).toEqual(mixed[k].tolist());
    }
  });

  it('saves optimizer state alongside, so training resumes with identical steps', () => {
    const run = (resumeAt: number | null) => {
      kd.manualSeed(1);
      const model = new kd.nn.Linear(3, 2);
      let opt = new kd.optim.Adam(model.parameters(), { lr: 0.1, amsgrad: true });
      const x = kd.randn([8, 3]);
      for (let i = 0; i < 6; i++) {
        if (i === resumeAt) {
          const file = join(dir, 'ckpt.safetensors');
          kd.save({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: i }, file);
          const ck = kd.load<{ model: Record<string, kd.Tensor>; optimizer: kd.optim.OptimizerStateDict<{ lr: number }>; epoch: number }>(file);
          expect(ck.epoch).toBe(i);
          model.loadStateDict(ck.model);
          opt = new kd.optim.Adam(model.parameters(), { lr: 0.5 });
          opt.loadStateDict(ck.optimizer as never);
          expect(opt.paramGroups[0].lr).toBe(0.1);
        }
        opt.zeroGrad();
        model.forward(x).pow(2).sum().backward();
        opt.step();
      }
      return model.weight.tolist();
    };
    expect(run(3)).toEqual(run(null));
  });

  it.runIf(spawnSync('/usr/bin/python3', ['-c', 'import safetensors'], { stdio: 'ignore' }).status === 0)(
    'writes files Python\'s safetensors reads', () => {
      const file = join(dir, 'py.safetensors');
      kd.save({ w: kd.tensor([[1, 2], [3, 4]]) }, file);
      const r = spawnSync('/usr/bin/python3', ['-c', `from safetensors.numpy import load_file; print(load_file("${file}")["w"].tolist())`], { encoding: 'utf8' });
      expect(r.stdout.trim()).toBe('[[1.0, 2.0], [3.0, 4.0]]');
    },
  );

  it('rejects malformed files with a clear error', () => {
    const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(3), /shorter than the 8-byte header length/],
      ['absurd header length', header(good, Buffer.alloc(8), 1n << 60n), /header length 1152921504606846976 is over the 100000000-byte limit/],
      ['header past the end', header(good, Buffer.alloc(8), 500n), /runs past the end/],
      ['bad JSON', Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"w":')]), /not valid JSON/],
      ['not an object', header([1, 2]), /not a JSON object/],
      ['unknown dtype', header({ w: { dtype: 'F4', shape: [2], data_offsets: [0, 4] } }, Buffer.alloc(4)), /dtype "F4", which kindling cannot read \(it reads F32, F64/],
      ['bad shape', header({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, Buffer.alloc(4)), /invalid shape/],
      ['offsets past the end', header({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, Buffer.alloc(8)), /outside the 8 data bytes/],
      ['size mismatch', header({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8)), /needs 12 bytes of F32 but its offsets span 8/],
      ['overlap', header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, Buffer.alloc(8)), /overlaps/],
      ['truncated data', header(good, Buffer.alloc(4)), /outside the 4 data bytes/],
      ['trailing bytes', header(good, Buffer.alloc(12)), /4 bytes after the last tensor/],
      ['bad metadata', header({ __metadata__: { a: 1 } }), /__metadata__ must map strings to strings/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = join(dir, `bad-${name.replace(/\W+/g, '-')}.safetensors`);
      writeFileSync(file, bytes);
      expect(() => kd.load(file), name).toThrow(message);
    }
    const truncated = join(dir, 'truncated.safetensors');
    kd.save({ w: kd.ones([100]) }, truncated);
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 200));
    expect(() => kd.load(truncated)).toThrow(/not a valid safetensors file/);
    expect(() => kd.save({ m: new Map() } as never, join(dir, 'x.safetensors'))).toThrow(/cannot store/);
    expect(existsSync(join(dir, 'x.safetensors'))).toBe(false);
  });
});
