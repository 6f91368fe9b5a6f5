// Randomly configured transformers against PyTorch 1.13 in float64
// (test/fixtures/transformer_random.json, from make_transformer_random.py): PyTorch's state
// dict loaded as is, then the output and the gradients of the inputs and every parameter.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;
interface Fx { shape: number[]; data: number[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Case = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'transformer_random.json'), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
const T = (f: Fx) => kd.tensor(f.data, { dtype: 'float64' }).reshape(f.shape).requiresGrad_();
type Runner = { forward(...args: unknown[]): Tensor };

describe('randomly configured transformers match PyTorch (float64)', () => {
  cases.forEach((c, k) => {
    const kw = { ...Object.fromEntries(Object.entries(c.kw as Record<string, unknown>).map(([key, v]) => [camel(key), v])), dtype: 'float64' as const };
    it(`#${k} ${c.kind} ${JSON.stringify(kw)} padding mask ${c.skpm !== null}, causal ${c.tmask}`, () => {
      const m = c.kind === 'enc'
        ? new nn.TransformerEncoder(new nn.TransformerEncoderLayer(c.d, c.h, kw), 2)
        : c.kind === 'dec'
          ? new nn.TransformerDecoder(new nn.TransformerDecoderLayer(c.d, c.h, kw), 2, { norm: new nn.LayerNorm(c.d, { dtype: 'float64' }) })
          : new nn.Transformer({ dModel: c.d, nhead: c.h, numEncoderLayers: 1, numDecoderLayers: 1, ...kw });
      m.loadStateDict(Object.fromEntries(Object.entries(c.sd as Record<string, Fx>).map(([key, v]) => [key, kd.tensor(v.data, { dtype: 'float64' }).reshape(v.shape)])));
      if (c.kind === 'enc') m.eval();
      const src = T(c.src);
      const tgt = T(c.tgt);
      const kpm = c.skpm ? kd.tensor(c.skpm.data.map(Boolean), { dtype: 'bool' }).reshape(c.skpm.shape) : null;
      const tMask = c.tmask ? nn.generateSquareSubsequentMask(c.tgt.shape[c.kw.batch_first ? 1 : 0], { dtype: 'float64' }) : null;
      const run = m as unknown as Runner;
      const out = c.kind === 'enc'
        ? run.forward(src, { srcKeyPaddingMask: kpm })
        : c.kind === 'dec'
          ? run.forward(tgt, src, { tgtMask: tMask, memoryKeyPaddingMask: kpm })
          : run.forward(src, tgt, { tgtMask: tMask, srcKeyPaddingMask: kpm, memoryKeyPaddingMask: kpm });
      expectClose(out.detach().contiguous().toTypedArray(), c.out, 1e-9, 1e-12);
      out.mul(kd.tensor(c.G, { dtype: 'float64' }).reshape([...out.shape])).sum().backward();
      if (c.gsrc) expectClose(src.grad!.toTypedArray(), c.gsrc, 1e-8, 1e-12);
      if (c.gtgt) expectClose(tgt.grad!.toTypedArray(), c.gtgt, 1e-8, 1e-12);
      for (const [name, p] of m.namedParameters()) {
        if (!c.gparams[name]) {
          expect(p.grad === null || p.grad.abs().max().item() === 0, `${name} gets no gradient in PyTorch`).toBe(true);
          continue;
        }
        expectClose(p.grad!.toTypedArray(), c.gparams[name], 1e-8, 1e-12);
      }
    });
  });
});
