// Every parametric LR scheduler with random settings against PyTorch 1.13
// (test/fixtures/sched_random.json, from make_sched_random.py): the lr and momentum of
// SGD(lr 0.1, momentum 0.9) after each of 30 steps.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

interface Case { name: string; kw: Record<string, unknown>; metrics: number[] | null; lrs: number[]; moms: number[] }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'sched_random.json'), 'utf8'));
const RENAME: Record<string, string> = { T_max: 'tMax', T_0: 't0', T_mult: 'tMult' };
const camel = (s: string) => RENAME[s] ?? s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
type Sched = { step(metric?: number): void };
type Ctor = new (opt: unknown, options: Record<string, unknown>) => Sched;

describe('LR schedulers with random settings match PyTorch', () => {
  cases.forEach((c, k) => {
    const kw = Object.fromEntries(Object.entries(c.kw).filter(([, v]) => v !== null).map(([key, v]) => [camel(key), v]));
    it(`#${k} ${c.name} ${JSON.stringify(kw)}`, () => {
      const opt = new kd.optim.SGD([kd.zeros([1]).requiresGrad_()], { lr: 0.1, momentum: 0.9 });
      const sch = new (kd.optim.lrScheduler as unknown as Record<string, Ctor>)[c.name](opt, kw);
      const group = () => opt.paramGroups[0] as unknown as { lr: number; momentum: number };
      const lrs = [group().lr];
      const moms = [group().momentum];
      for (let t = 0; t < c.lrs.length - 1; t++) {
        opt.step();
        if (c.metrics) sch.step(c.metrics[t]);
        else sch.step();
        lrs.push(group().lr);
        moms.push(group().momentum);
      }
      lrs.forEach((v, i) => expect(Math.abs(v - c.lrs[i]), `lr after ${i} steps`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.lrs[i]))));
      moms.forEach((v, i) => expect(Math.abs(v - c.moms[i]), `momentum after ${i} steps`).toBeLessThanOrEqual(1e-12));
    });
  });
});
