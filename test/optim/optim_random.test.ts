// Every optimizer with random option combinations against PyTorch 1.13 in float64
// (test/fixtures/optim_random.json, from make_optim_random.py): six steps from the same
// gradients, the parameter after each. PyTorch 1.13 keeps ASGD's eta and NAdam's mu product
// in float32 tensors, so those two match to float32 rounding of their schedule (1e-7); the
// rest to 1e-10.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

interface Case { name: string; opts: Record<string, unknown>; p0: number[]; grads: number[][]; traj: number[][] }

const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'optim_random.json'), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
type Ctor = new (params: Tensor[], options: Record<string, unknown>) => { step(): unknown };

describe('optimizers with random options match PyTorch (float64, six steps)', () => {
  cases.forEach((c, k) => {
    const options = Object.fromEntries(Object.entries(c.opts).map(([key, v]) => [camel(key), v]));
    it(`${c.name} #${k % 6} ${JSON.stringify(options)}`, () => {
      const p = kd.tensor(c.p0, { dtype: 'float64' }).requiresGrad_();
      const opt = new (kd.optim as unknown as Record<string, Ctor>)[c.name]([p], options);
      const tol = c.name === 'ASGD' || c.name === 'NAdam' ? 1e-7 : 1e-10;
      c.grads.forEach((g, t) => {
        p.grad = kd.tensor(g, { dtype: 'float64' });
        opt.step();
        const got = Array.from(p.detach().toTypedArray());
        const worst = Math.max(...got.map((v, i) => Math.abs(v - c.traj[t][i]) / Math.max(1, Math.abs(c.traj[t][i]))));
        expect(worst, `step ${t + 1}`).toBeLessThan(tol);
      });
    });
  });
});
