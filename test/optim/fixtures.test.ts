// Optimizer trajectories (test/fixtures/optim.json) and LR schedules (sched.json) from
// PyTorch 1.13, step for step.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const load = (f: string) => JSON.parse(readFileSync(join(here, '..', 'fixtures', f), 'utf8'));

interface Flat { shape: number[]; data: number[] }
interface Trajectory { optimizer: string; options: Record<string, unknown>; init: Flat[]; grads: Flat[][]; after: Flat[][] }

const OPTIMIZERS: Record<string, new (p: kd.Tensor[], o: any) => kd.optim.Optimizer<{ lr: number }>> = {
  SGD: kd.optim.SGD, Adagrad: kd.optim.Adagrad, RMSprop: kd.optim.RMSprop, Adam: kd.optim.Adam, AdamW: kd.optim.AdamW,
  Adadelta: kd.optim.Adadelta, Adamax: kd.optim.Adamax, NAdam: kd.optim.NAdam, RAdam: kd.optim.RAdam, Rprop: kd.optim.Rprop,
  ASGD: kd.optim.ASGD,
};

const fromFlat = (f: Flat) => kd.tensor(f.data).reshape(f.shape).detach();

describe('optimizers follow PyTorch trajectories', () => {
  // optim.json and optim2.json from shared/fixtures; extra_optim.json from make_extra_optim.py
  const trajectories = ['optim.json', 'optim2.json', 'extra_optim.json'].flatMap((f) => (load(f) as { trajectories: Trajectory[] }).trajectories);
  for (const t of trajectories) {
    it(`${t.optimizer} ${JSON.stringify(t.options)}`, () => {
      const params = t.init.map((f) => new kd.nn.Parameter(fromFlat(f)));
      const opt = new OPTIMIZERS[t.optimizer](params, t.options);
      t.grads.forEach((grads, k) => {
        params.forEach((p, i) => (p.grad = fromFlat(grads[i])));
        opt.step();
        params.forEach((p, i) => expectClose(p.toTypedArray(), t.after[k][i].data, 1e-4, 1e-5));
      });
    });
  }

  it('resumes exactly from a state dict (same next steps as an uninterrupted run)', () => {
    for (const t of trajectories) {
      const run = (split: number | null) => {
        const params = t.init.map((f) => new kd.nn.Parameter(fromFlat(f)));
        let opt = new OPTIMIZERS[t.optimizer](params, t.options);
        t.grads.forEach((grads, k) => {
          if (k === split) {
            const saved = opt.stateDict();
            opt = new OPTIMIZERS[t.optimizer](params, t.options);
            opt.loadStateDict(saved);
          }
          params.forEach((p, i) => (p.grad = fromFlat(grads[i])));
          opt.step();
        });
        return params.map((p) => Array.from(p.toTypedArray()));
      };
      expect(run(5)).toEqual(run(null));
    }
  });
});

describe('LR schedulers follow PyTorch', () => {
  const schedulers = ['sched.json', 'sched2.json'].flatMap((f) => (load(f) as { schedulers: { scheduler: string; options: any; lr: number; lrs: number[] }[] }).schedulers);
  for (const s of schedulers) {
    it(`${s.scheduler} ${JSON.stringify(s.options)}`, () => {
      const opt = new kd.optim.SGD([kd.zeros([1], { requiresGrad: true })], { lr: s.lr });
      const Sched = (kd.optim.lrScheduler as unknown as Record<string, new (o: unknown, p: unknown) => { step(): void; getLastLr(): number[] }>)[s.scheduler];
      const sched = new Sched(opt, s.options);
      s.lrs.forEach((want) => {
        opt.step();
        sched.step();
        expect(sched.getLastLr()[0]).toBeCloseTo(want, 14);
        expect(opt.paramGroups[0].lr).toBeCloseTo(want, 14);
      });
    });
  }
});
