// Cross-entropy and NLL with random settings against PyTorch 1.13 in float64
// (test/fixtures/losses_random.json, from make_losses_random.py): class indices and soft
// targets, [N, C, d...] layouts, class weights, ignoreIndex, label smoothing, every reduction.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const F = kd.nn.functional;
interface Case {
  op: 'ce' | 'nll'; x: { shape: number[]; data: number[] }; t: { shape: number[]; data: number[]; soft: boolean };
  w: number[] | null; red: 'mean' | 'sum' | 'none'; ls: number; ii: number; out: (number | string)[]; G: number[]; gx: (number | string)[];
}
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'losses_random.json'), 'utf8'));

describe('cross-entropy and NLL with random settings match PyTorch (float64)', () => {
  cases.forEach((c, k) => {
    it(`#${k} ${c.op} ${JSON.stringify({ shape: c.x.shape, soft: c.t.soft, weight: c.w !== null, reduction: c.red, labelSmoothing: c.ls, ignoreIndex: c.ii })}`, () => {
      const x = kd.tensor(c.x.data, { dtype: 'float64' }).reshape(c.x.shape).requiresGrad_();
      const t = kd.tensor(c.t.data, { dtype: c.t.soft ? 'float64' : 'int32' }).reshape(c.t.shape);
      const opts = { weight: c.w ? kd.tensor(c.w, { dtype: 'float64' }) : null, reduction: c.red };
      const out = c.op === 'nll'
        ? F.nllLoss(x.logSoftmax(1), t, { ...opts, ignoreIndex: c.ii })
        : F.crossEntropy(x, t, c.t.soft ? { ...opts, labelSmoothing: c.ls } : { ...opts, labelSmoothing: c.ls, ignoreIndex: c.ii });
      expectClose(out.toTypedArray(), c.out.map(Number), 1e-9, 1e-12);
      out.mul(kd.tensor(c.G, { dtype: 'float64' }).reshape([...out.shape])).sum().backward();
      expect(x.grad).not.toBeNull();
      expectClose(x.grad!.toTypedArray(), c.gx.map(Number), 1e-8, 1e-12);
    });
  });
});
