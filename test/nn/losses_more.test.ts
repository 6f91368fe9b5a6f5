// The wider set of loss modules against PyTorch 1.13 (test/fixtures/losses.json, from
// make_losses.py): values and input gradients.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

interface Case { name: string; module: string; options: Record<string, unknown>; inputs: { shape: number[]; data: number[] }[]; out: { shape: number[]; data: number[] }; grads: (number[] | null)[] }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'losses.json'), 'utf8')).cases;

describe('loss modules match PyTorch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const Loss = (kd.nn as unknown as Record<string, new (o: unknown) => kd.nn.Module>)[c.module];
      const m = new Loss(c.options);
      const intTarget = c.module === 'MultiMarginLoss';
      const inputs = c.inputs.map((f, i) => {
        const t = kd.tensor(f.data, { dtype: intTarget && i === 1 ? 'int32' : 'float32' }).reshape(f.shape);
        return c.grads[i] ? t.requiresGrad_() : t;
      });
      const out = m<Tensor>(...inputs);
      expect(out.shape).toEqual(c.out.shape);
      expectClose(out.toTypedArray(), c.out.data, 1e-5, 1e-6);
      (out.dim() === 0 ? out : out.sum()).backward();
      c.grads.forEach((g, i) => {
        if (g) expectClose(inputs[i].grad!.toTypedArray(), g, 1e-4, 1e-6);
      });
    });
  }

  it('refuse bad input clearly', () => {
    expect(() => kd.nn.functional.multiMarginLoss(kd.randn([2, 3]), kd.tensor([0]), {})).toThrow(/target has 1 entries for 2 samples/);
    expect(() => kd.nn.functional.multiMarginLoss(kd.randn([2, 3]), kd.tensor([0, 1]), { p: 3 })).toThrow(/only p = 1 and p = 2/);
    expect(() => kd.nn.functional.gaussianNllLoss(kd.ones([2]), kd.ones([2]), kd.tensor([1, -1]))).toThrow(/var has negative entries/);
    expect(() => kd.nn.functional.cosineEmbeddingLoss(kd.ones([2, 3]), kd.ones([2, 4]), kd.ones([2]))).toThrow(/input2 has shape \[2, 4\] but input1 has \[2, 3\]/);
  });
});
