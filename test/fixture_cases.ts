// The runner for ops2-format fixture files (test/fixtures/ops2.json, surface_more.json): each
// case's outputs (values, shapes, dtypes) and the gradients of sum_k sum(out_k * G_k), with
// the op called through a table of kindling spellings.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import { expectClose } from './helpers.js';

interface Fx { shape: number[]; dtype: 'float32' | 'int32' | 'bool'; data: (number | string | boolean)[]; requiresGrad?: boolean }
interface Case { name: string; op: string; params: Record<string, any>; inputs: Fx[]; outs: Fx[]; G?: Fx[]; grads?: (Fx | null)[] }

export type Out = Tensor | Tensor[] | { values: Tensor; indices: Tensor };
export type Calls = Record<string, (x: Tensor[], p: Record<string, any>) => Out>;

const here = dirname(fileURLToPath(import.meta.url));
// "-0", "NaN" and "Infinity" are strings in the files; Number() reads them all
const fromFx = (f: Fx): Tensor => kd.tensor(f.data.map(Number), { dtype: f.dtype }).reshape(f.shape).detach().requiresGrad_(Boolean(f.requiresGrad));

function outputs(o: Out): Tensor[] {
  if (Array.isArray(o)) return o;
  if (o instanceof kd.Tensor) return [o];
  return [o.values, o.indices];
}

/** One test per case of test/fixtures/<file>; `heavy` names ops checked at a looser 1e-4. */
export function fixtureSuite(title: string, file: string, calls: Calls, heavy: RegExp): void {
  const cases: Case[] = JSON.parse(readFileSync(join(here, 'fixtures', file), 'utf8')).cases;
  describe(title, () => {
    it('has a kindling call for every op', () => {
      expect([...new Set(cases.map((c) => c.op))].filter((op) => !(op in calls))).toEqual([]);
    });
    for (const c of cases) {
      it(c.name, () => {
        const inputs = c.inputs.map(fromFx);
        const outs = outputs(calls[c.op](inputs, c.params));
        expect(outs.length).toBe(c.outs.length);
        const tol = heavy.test(c.op) ? 1e-4 : 1e-5;
        outs.forEach((o, k) => {
          expect(o.shape, `output ${k} shape`).toEqual(c.outs[k].shape);
          expect(o.dtype, `output ${k} dtype`).toBe(c.outs[k].dtype);
          const want = c.outs[k].data.map(Number);
          expectClose(o.double().toTypedArray(), want, tol, 1e-5);
          // a sign of zero is part of some results (copysign, signbit's input)
          want.forEach((w, i) => { if (Object.is(w, -0)) expect(Object.is(o.double().toTypedArray()[i], -0), `output ${k}[${i}] is -0`).toBe(true); });
        });
        if (!c.G || !c.grads) return;
        let loss: Tensor | null = null;
        let gi = 0;
        outs.forEach((o) => {
          if (o.dtype !== 'float32') return;
          const term = o.mul(fromFx(c.G![gi++])).sum();
          loss = loss === null ? term : loss.add(term);
        });
        (loss as unknown as Tensor).backward();
        c.grads.forEach((g, i) => {
          if (g === null) return;
          const got = inputs[i].grad;
          expect(got, `input ${i} gradient`).not.toBeNull();
          expect(got!.shape).toEqual(g.shape);
          expectClose(got!.toTypedArray(), g.data.map(Number), tol, 1e-5);
        });
      });
    }
  });
}
