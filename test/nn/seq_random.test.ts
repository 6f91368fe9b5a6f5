// Randomly configured recurrent layers and attention against PyTorch 1.13 in float64
// (test/fixtures/seq_random.json, from make_seq_random.py): PyTorch's state dict loaded
// as is, then outputs, final states and the gradients of every input and parameter.
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
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'seq_random.json'), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
const T = (f: Fx) => kd.tensor(f.data, { dtype: 'float64' }).reshape(f.shape).requiresGrad_();
const flat = (t: Tensor) => t.detach().contiguous().toTypedArray();
const weigh = (t: Tensor, g: number[]) => t.mul(kd.tensor(g, { dtype: 'float64' }).reshape([...t.shape])).sum();

describe('randomly configured RNN/LSTM/GRU and MultiheadAttention match PyTorch (float64)', () => {
  cases.forEach((c, k) => {
    const kw = Object.fromEntries(Object.entries(c.kw as Record<string, unknown>).filter(([, v]) => v !== null).map(([key, v]) => [camel(key), v]));
    it(`#${k} ${c.kind} ${JSON.stringify(kw)}`, () => {
      const m = c.kind === 'MHA'
        ? new nn.MultiheadAttention(c.E, c.heads, { ...kw, dtype: 'float64' })
        : new (nn as unknown as Record<string, new (i: number, h: number, o: object) => kd.nn.Module>)[c.kind](c.I, c.H, { ...kw, dtype: 'float64' });
      m.loadStateDict(Object.fromEntries(Object.entries(c.sd as Record<string, Fx>).map(([key, v]) => [key, kd.tensor(v.data, { dtype: 'float64' }).reshape(v.shape)])));
      let loss: Tensor;
      const grads: [Tensor, number[]][] = [];
      if (c.kind === 'MHA') {
        const [q, key, v] = [T(c.q), T(c.k), T(c.v)];
        const kpm = c.kpm ? kd.tensor(c.kpm.data.map(Boolean), { dtype: 'bool' }).reshape(c.kpm.shape) : null;
        const am = c.am ? kd.tensor(c.am.bool ? c.am.data.map(Boolean) : c.am.data, { dtype: c.am.bool ? 'bool' : 'float64' }).reshape(c.am.shape) : null;
        const [out, w] = (m as kd.nn.MultiheadAttention).forward(q, key, v, { keyPaddingMask: kpm, attnMask: am, needWeights: true, averageAttnWeights: c.avg });
        expectClose(flat(out), c.out, 1e-9, 1e-12);
        expectClose(flat(w!), c.w, 1e-9, 1e-12);
        loss = weigh(out, c.G).add(weigh(w!, c.Gw));
        grads.push([q, c.gq], [key, c.gk], [v, c.gv]);
      } else {
        const x = T(c.x);
        const h0 = c.h0 ? T({ shape: c.h0shape, data: c.h0 }) : null;
        const c0 = c.c0 ? T({ shape: c.c0shape, data: c.c0 }) : null;
        const run = m as unknown as { forward(x: Tensor, s?: unknown): [Tensor, Tensor | [Tensor, Tensor]] };
        const [out, state] = c.kind === 'LSTM' ? run.forward(x, h0 ? [h0, c0] : null) : run.forward(x, h0);
        const [hn, cn] = Array.isArray(state) ? state : [state, null];
        expectClose(flat(out), c.out, 1e-9, 1e-12);
        expectClose(flat(hn), c.hn, 1e-9, 1e-12);
        if (cn) expectClose(flat(cn), c.cn, 1e-9, 1e-12);
        loss = weigh(out, c.G).add(weigh(hn, c.Gh));
        if (cn) loss = loss.add(weigh(cn, c.Gc));
        grads.push([x, c.gx]);
        if (h0) grads.push([h0, c.gh0]);
        if (c0) grads.push([c0, c.gc0]);
      }
      loss.backward();
      for (const [t, want] of grads) expectClose(t.grad!.toTypedArray(), want, 1e-8, 1e-12);
      for (const [name, p] of m.namedParameters()) {
        expect(c.gparams[name], `PyTorch has ${name}`).toBeDefined();
        expectClose(p.grad!.toTypedArray(), c.gparams[name], 1e-8, 1e-12);
      }
    });
  });
});
