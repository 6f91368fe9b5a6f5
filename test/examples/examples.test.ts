// Each example's --quick mode, run as a user runs it, with its result asserted: the loss
// falls, the fitted line is near b = 1, w = 2, accuracy clears a floor, and every plot is a
// valid SVG and PNG. Examples import 'kindling' (dist/, built by `npm test`'s pretest).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A folder that does not exist yet, as examples/output on a fresh clone: each example creates it.
const root = mkdtempSync(join(tmpdir(), 'kindling-examples-'));
const out = join(root, 'output');
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface PlotFiles {
  svg: string;
  png: string;
}

/** A PNG file of plausible size: signature, IHDR, width and height. */
function expectValidPlot(p: PlotFiles): void {
  const png = readFileSync(p.png);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBeGreaterThan(200);
  expect(png.readUInt32BE(20)).toBeGreaterThan(200);
  const svg = readFileSync(p.svg, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

type Main = (o: { quick: boolean; out: string; seed?: number }) => Promise<Record<string, any>>;
const load = async (name: string): Promise<Main> => (await import(`../../examples/${name}.js`)).main;

describe('examples (--quick)', () => {
  it('linear-regression fits b ≈ 1, w ≈ 2 three ways and draws its comparisons', async () => {
    const r = await (await load('linear-regression'))({ quick: true, out, seed: 42 });
    for (const fit of [r.manual, r.auto, r.fitted]) {
      expect(Math.abs(fit.b - 1)).toBeLessThan(0.15);
      expect(Math.abs(fit.w - 2)).toBeLessThan(0.25);
    }
    for (const curves of [r.batchModes, r.features]) {
      for (const c of Object.values(curves) as number[][]) expect(c[c.length - 1]).toBeLessThan(c[0]);
    }
    const lr = r.lrs as Record<string, number[]>;
    const final = (k: string) => lr[k][lr[k].length - 1];
    expect(final('lr 0.5 (works)')).toBeLessThan(final('lr 0.01 (crawls)'));
    expect(final('lr 1.1 (diverges)')).toBeGreaterThan(lr['lr 1.1 (diverges)'][0]);
    r.plots.forEach(expectValidPlot);
  });

  it('mnist-3-vs-7 tells 3s from 7s', async () => {
    const r = await (await load('mnist-3-vs-7'))({ quick: true, out });
    expect(r.linearAcc[r.linearAcc.length - 1]).toBeGreaterThan(0.9);
    expect(r.hiddenAcc[r.hiddenAcc.length - 1]).toBeGreaterThan(0.9);
    expectValidPlot(r.plot);
  });

  it('cnn trains a conv net with BatchNorm on Fashion-MNIST and its reloaded checkpoint predicts the same', async () => {
    const r = await (await load('cnn'))({ quick: true, out });
    if (r.skipped) return;  // no dataset-fashion-mnist on this machine (.ci/run installs it)
    expect(r.accuracy).toBeGreaterThan(0.7);
    expect(r.reloadedSame).toBe(true);
    expect(existsSync(r.checkpoint)).toBe(true);
    expectValidPlot(r.plot);
  }, 120_000);

  it('mnist-mlp (the demo) learns the ten digits and its reloaded checkpoint predicts the same', async () => {
    const r = await (await load('mnist-mlp'))({ quick: true, out });
    expect(r.trainLoss[r.trainLoss.length - 1]).toBeLessThan(r.trainLoss[0]);
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.reloadedAccuracy).toBe(r.accuracy);
    expect(existsSync(r.checkpoint)).toBe(true);
    expectValidPlot(r.plot);
  }, 60_000);

  it('fashion-mnist trains when the data is installed and explains how to get it otherwise', async () => {
    const main = await load('fashion-mnist');
    const missing = await (main as (o: object) => Promise<Record<string, unknown>>)({ quick: true, out, data: join(out, 'no-such-folder') });
    expect(missing.skipped).toBe(true);
    if (existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) {
      const r = await main({ quick: true, out });
      expect(r.accuracy).toBeGreaterThan(0.75);
      expectValidPlot(r.plot);
    }
  }, 60_000);

  it('ddp: 2 processes reach the accuracy of 1 (same global batch), through kindling-run', async () => {
    if (!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) return;
    const { spawnSync } = await import('node:child_process');
    const accuracy = (args: string[]) => {
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, MASTER_PORT: String(29700 + (process.pid % 200)) } });
      expect(r.status, r.stderr).toBe(0);
      const m = /test accuracy ([\d.]+)%/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      return Number(m![1]);
    };
    const two = accuracy(['bin/kindling-run.js', '--nproc-per-node', '2', '--master-port', String(29500 + (process.pid % 200)), 'examples/ddp.js', '--quick']);
    const one = accuracy(['examples/ddp.js', '--quick']);
    expect(two).toBeGreaterThan(75);
    expect(Math.abs(two - one)).toBeLessThan(0.5);
  }, 120_000);

  it('char-lm: both models learn spelling (held-out loss below a uniform guess) and invent words', async () => {
    const r = await (await load('char-lm'))({ quick: true, out });
    for (const name of ['LSTM', 'transformer']) {
      expect(r[name].valAfter, name).toBeLessThan(Math.log(27) - 0.3);
      expect(r[name].valAfter).toBeLessThan(r[name].valBefore);
      expect(r[name].samples).toHaveLength(12);
      for (const w of r[name].samples) expect(w).toMatch(/^[a-z]{0,10}$/);
    }
    expectValidPlot(r.plot);
  }, 60_000);

  it('optimizers: every racer lowers the loss, and the paths are drawn over the contours', async () => {
    const r = await (await load('optimizers'))({ quick: true, out });
    for (const losses of Object.values(r.losses) as number[][]) expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(Object.keys(r.paths)).toEqual(['SGD', 'momentum', 'Nesterov', 'Adagrad', 'RMSprop', 'Adam']);
    r.plots.forEach(expectValidPlot);
  });

  it('learning-rates: a good rate beats a tiny one, a huge one does not train', async () => {
    const r = await (await load('learning-rates'))({ quick: true, out });
    const last = (k: string) => r.curves[k][r.curves[k].length - 1];
    expect(last('lr 0.05')).toBeLessThan(last('lr 0.0005'));
    expect(last('lr 1.5')).toBeGreaterThan(last('lr 0.05'));
    expectValidPlot(r.plot);
  });

  it('train-in-worker serves requests during training and predictions after it', async () => {
    const r = await (await load('train-in-worker'))({ quick: true, out });
    expect(r.stats.requests).toBeGreaterThan(5);
    expect(r.answers).toHaveLength(5);
    expect(r.answers.filter((a: { predicted: number; actual: number }) => a.predicted === a.actual).length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
