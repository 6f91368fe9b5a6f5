// Numbers at the edges, against PyTorch (test/fixtures/edge_cases.json, made by
// make_edge_cases.py with Debian's python3-torch): masked logits, saturated probabilities,
// constant inputs, infinite differences, zero bases, huge logits, NaN bounds, conversions,
// and the gradient PyTorch picks at kinks, ties and zeros.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { DType, Tensor } from '../../lib/index.js';
import { expectClose, rng } from '../helpers.js';

const F = kd.nn.functional;

interface Fixture { shape: number[]; dtype: string; data: (number | string)[] }
interface EdgeCase { name: string; inputs?: Fixture[]; out?: Fixture; grads?: (Fixture | null)[]; error?: boolean }

const here = dirname(fileURLToPath(import.meta.url));
const cases: EdgeCase[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'edge_cases.json'), 'utf8')).cases;

const DTYPES: Record<string, DType> = { float32: 'float32', float64: 'float64', int64: 'int32', int32: 'int32', bool: 'bool' };
const fromFixture = (f: Fixture): Tensor => kd.tensor(f.data.map(Number), { dtype: DTYPES[f.dtype] }).reshape(f.shape);

const CALLS: Record<string, (...xs: Tensor[]) => Tensor> = {
  'crossEntropy masked logit': (x, t) => F.crossEntropy(x, t),
  'crossEntropy masked logit none': (x, t) => F.crossEntropy(x, t, { reduction: 'none' }),
  'crossEntropy huge logits': (x, t) => F.crossEntropy(x, t, { reduction: 'none' }),
  'logSoftmax huge logits': (x) => x.logSoftmax(1),
  'binaryCrossEntropy saturated sigmoid': (z, y) => F.binaryCrossEntropy(z.sigmoid(), y),
  'std constant': (x) => x.std(),
  'std dim with a constant row': (x) => x.std(1),
  'huberLoss infinite difference': (x, y) => F.huberLoss(x, y),
  'pow zero base tensor exponent': (x, e) => x.pow(e),
  'pow zero base fractional exponent': (x, e) => x.pow(e),
  'pow scalar exponent 0': (x) => x.pow(0),
  'clamp NaN max': (x) => x.clamp(0.5, NaN),
  'tensor to bool': (x) => x.bool(),
  'int32 product that wraps': (x, y) => x.mul(y),
  'clamp at its bounds': (x) => x.clamp(-0.5, 0.5),
  'hardtanh at its bounds': (x) => F.hardtanh(x),
  'relu6 at its bounds': (x) => F.relu6(x),
  'leakyRelu at 0': (x) => F.leakyRelu(x, 0.1),
  'relu and abs at 0': (x) => x.relu().add(x.abs()),
  'maximum ties': (x, y) => x.maximum(y),
  'minimum ties': (x, y) => x.minimum(y),
  'max of all with ties': (x) => x.max(),
  'max over a dim with ties': (x) => x.max(1).values,
  'amax over a dim with ties': (x) => x.amax(1),
  'amin of all with ties': (x) => x.amin(),
  'median of all with ties': (x) => x.median(),
  'median over a dim with ties': (x) => x.median(1).values,
  'prod with one zero': (x) => x.prod(),
  'prod with two zeros': (x) => x.prod(),
  'prod over a dim with zeros': (x) => x.prod(1),
  'cumprod with zeros': (x) => x.cumprod(0),
  'cummax and cummin with ties': (x) => x.cummax(0).values.add(x.cummin(0).values),
  'sqrt at 0': (x) => x.sqrt(),
  'norm of zeros': (x) => x.norm(),
  '1-norm with a zero': (x) => x.norm(1),
  'inf-norm with ties': (x) => x.norm(Infinity),
  'l1Loss with equal elements': (x, y) => F.l1Loss(x, y),
  'smoothL1Loss at beta': (x, y) => F.smoothL1Loss(x, y, { beta: 1 }),
  'huberLoss at delta': (x, y) => F.huberLoss(x, y, { delta: 1 }),
  'hingeEmbeddingLoss at the margin': (x, y) => F.hingeEmbeddingLoss(x, y),
  'marginRankingLoss at the margin': (a, b, y) => F.marginRankingLoss(a, b, y, { margin: 0.5 }),
  'cosineEmbeddingLoss at the margin': (a, b, y) => F.cosineEmbeddingLoss(a, b, y, { margin: 0.6 }),
  'tripletMarginLoss at the margin': (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 1, eps: 0 }),
  'multiMarginLoss at the margin': (x, t) => F.multiMarginLoss(x, t),
  'logsumexp of -inf': (x) => x.logsumexp(1),
  'softmax with -inf': (x) => x.softmax(1).mul(kd.tensor([[1, 2], [3, 4]])),
  'cosineSimilarity of a zero vector': (x, y) => F.cosineSimilarity(x, y, 1),
  'var of equal values': (x) => x.var(),
  'hypot at 0': (x, y) => x.hypot(y),
  'pairwiseDistance of equal rows': (x, y) => F.pairwiseDistance(x, y, { eps: 0 }),
  'softplus at its threshold': (x) => F.softplus(x),
  'threshold at the threshold': (x) => F.threshold(x, 0.5, -2),
  'hardswish at its bounds': (x) => F.hardswish(x),
  'maxPool2d with ties': (x) => F.maxPool2d(x, 2),
  'adaptiveMaxPool2d with ties': (x) => F.adaptiveMaxPool2d(x, [1, 1]),
  'binaryCrossEntropy at 0 and 1': (x, y) => F.binaryCrossEntropy(x, y),
  'binaryCrossEntropyWithLogits at 0': (x, y) => F.binaryCrossEntropyWithLogits(x, y, { posWeight: kd.tensor([2]) }),
  'logaddexp of -inf': (x, y) => x.logaddexp(y),
  'normalize a zero row': (x) => F.normalize(x, { dim: 1 }),
  'reciprocal and log at 0': (x) => x.reciprocal().add(x.log()),
  'sign of NaN and -0': (x) => x.sign(),
  'searchsorted with NaN values': (s, v) => kd.searchsorted(s, v),
  'max and argmax with NaN': (x) => x.max().add(x.argmax()),
  'max over a dim with NaN: indices': (x) => x.max(1).indices,
  'sort with NaN and -inf: values': (x) => x.sort().values,
  'sort with NaN and -inf: indices': (x) => x.sort().indices,
  'sort descending with NaN and inf': (x) => x.sort(0, true).values,
  'topk with NaN': (x) => x.topk(2).values,
  'cummax with NaN: indices': (x) => x.cummax(0).indices,
  'median with NaN': (x) => x.median(),
  'logsumexp with inf': (x) => x.logsumexp(1),
  'round half to even': (x) => x.round(),
  'remainder and fmod of negatives': (x, y) => x.remainder(y).mul(10).add(x.fmod(y)),
  'histc at the bin edges': (x) => x.histc(4, 0, 4),
  'int32 tensor from 3e9': () => kd.tensor([3e9], { dtype: 'int32' }),
  'int32 full of 3e9': () => kd.full([2], 3e9, { dtype: 'int32' }),
};

describe('edge cases match PyTorch', () => {
  it('has a kindling call for every case', () => {
    expect(cases.map((c) => c.name).filter((n) => !(n in CALLS))).toEqual([]);
  });
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        expect(() => CALLS[c.name]()).toThrow(/int32/);
        return;
      }
      // which inputs PyTorch differentiated
      const inputs = c.inputs!.map((f, i) => {
        const t = fromFixture(f);
        return c.grads && c.grads[i] ? t.requiresGrad_() : t;
      });
      const out = CALLS[c.name](...inputs);
      expect(out.shape).toEqual(c.out!.shape);
      expectClose(out.double().toTypedArray(), c.out!.data.map(Number), 1e-5, 1e-6);
      if (!c.grads) return;
      out.sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        expectClose(inputs[i].grad!.toTypedArray(), g.data.map(Number), 1e-5, 1e-6);
      });
    });
  }
});

describe('conversions never wrap or invent values', () => {
  it('refuses numbers int32 cannot hold, naming the op', () => {
    expect(() => kd.tensor([1, 2 ** 31], { dtype: 'int32' })).toThrow(/tensor: value 2147483648 cannot be converted to type int32/);
    expect(() => kd.tensor([NaN], { dtype: 'int32' })).toThrow(/tensor: value NaN/);
    expect(() => kd.tensor(Float64Array.from([1, -3e9]), { dtype: 'int32' })).toThrow(/int32 without overflow/);
    expect(() => kd.full([2], Infinity, { dtype: 'int32' })).toThrow(/full/);
    expect(() => kd.zeros([2], { dtype: 'int32' }).fill_(2 ** 32)).toThrow(/fill_/);
    expect(() => kd.tensor([3], { dtype: 'int32' }).mul(1e10)).toThrow(/mul: the number 10000000000 does not fit in int32/);
    expect(() => kd.tensor([3], { dtype: 'int32' }).add_(-(2 ** 31) - 1)).toThrow(/add_/);
    expect(() => kd.where(kd.tensor([true]), kd.tensor([1], { dtype: 'int32' }), 2 ** 40)).toThrow(/where/);
    expect(() => kd.randint(0, 2 ** 32, [2])).toThrow(/randint/);
  });

  it('truncates fractions toward zero like PyTorch, and compares exactly against numbers outside int32', () => {
    expect(kd.tensor([1.9, -1.9], { dtype: 'int32' }).tolist()).toEqual([1, -1]);
    expect(kd.tensor([3, -5], { dtype: 'int32' }).lt(1e10).tolist()).toEqual([true, true]);
    expect(kd.tensor([3, -5], { dtype: 'int32' }).gt(-1e10).tolist()).toEqual([true, true]);
  });

  it('makes bool true for every non-zero number', () => {
    const b = kd.tensor([2, -1, 0.5, 0, NaN], { dtype: 'bool' });
    expect(b.tolist()).toEqual([true, true, true, false, true]);
    expect(b.sum().item()).toBe(4);
    expect(kd.full([2], 7, { dtype: 'bool' }).tolist()).toEqual([true, true]);
  });
});

describe('oversized requests fail with the op and the size', () => {
  it('names the creation function', () => {
    expect(() => kd.zeros([1e6, 1e6])).toThrow(/zeros: cannot allocate a float32 tensor of 1000000000000 elements \(3\.6 TiB\)/);
    expect(() => kd.empty([2 ** 20, 2 ** 20], { dtype: 'float64' })).toThrow(/empty: .*8\.0 TiB/);
    expect(() => kd.randn([2 ** 33])).toThrow(/randn: cannot allocate/);
  });
  it('names the op whose output is too large', () => {
    const x = kd.ones([1]).expand([2 ** 33]);
    expect(() => x.add(1)).toThrow(/^add: cannot allocate a float32 tensor of 8589934592 elements \(32\.0 GiB\)/);
    expect(() => x.exp()).toThrow(/^exp: cannot allocate/);
    expect(() => x.clone()).toThrow(/^clone: cannot allocate/);
  });
});

describe('clamp with NaN bounds', () => {
  it('propagates a NaN bound, in place too, with zero gradient', () => {
    const x = kd.tensor([0, 1, 2], { requiresGrad: true });
    const y = x.clamp(NaN);
    expect(y.toTypedArray().every(Number.isNaN)).toBe(true);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
    expect(kd.tensor([1, 2]).clamp_(null, NaN).toTypedArray().every(Number.isNaN)).toBe(true);
    // a NaN bound is a float: an int32 tensor's result is float32, and NaN (PyTorch 2's rule)
    const i = kd.tensor([1], { dtype: 'int32' }).clamp(NaN);
    expect([i.dtype, Number.isNaN(i.item())]).toEqual(['float32', true]);
    expect(() => kd.tensor([1], { dtype: 'int32' }).clamp_(NaN)).toThrow(/clamp_: result type float32 can't be cast/);
  });
});

describe('add_ and sub_ with alpha', () => {
  it('update in one pass as self + alpha * other, with broadcasting, a cast operand and views', () => {
    const base = kd.tensor([[1, 2, 3], [4, 5, 6]]);
    const g = kd.tensor([[0.5, -1, 2], [3, 0.25, -4]]);
    expect(base.clone().add_(g, { alpha: -20 }).tolist()).toEqual([[-9, 22, -37], [-56, 0, 86]]);
    expect(base.clone().sub_(g, { alpha: 2 }).tolist()).toEqual([[0, 4, -1], [-2, 4.5, 14]]);
    expect(base.clone().add_(kd.tensor([1, 2, 3], { dtype: 'float64' }), { alpha: 0.5 }).tolist()).toEqual([[1.5, 3, 4.5], [4.5, 6, 7.5]]);
    const big = kd.zeros([4, 6]);
    const view = big.narrow(1, 1, 3).narrow(0, 1, 2);
    view.add_(g.transpose(0, 1).transpose(0, 1), { alpha: 2 });
    expect(big.narrow(1, 1, 3).narrow(0, 1, 2).tolist()).toEqual([[1, -2, 4], [6, 0.5, -8]]);
    expect(big.sum().item()).toBeCloseTo(1.5, 6);
    const i = kd.tensor([1, 2], { dtype: 'int32' });
    expect(i.add_(kd.tensor([3, 4], { dtype: 'int32' }), { alpha: 2 }).tolist()).toEqual([7, 10]);
  });
});

describe('2-norms sum squares in one native pass', () => {
  it('over a long span, over rows and over columns, as the squares summed in double', () => {
    const n = 150001;  // past one block of the long-span path
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * (1 + (i % 7)));
    const x = kd.tensor(data);
    let ss = 0;
    for (const v of data) ss += v * v;
    expect(x.norm().item()).toBeCloseTo(Math.fround(Math.sqrt(ss)), 1);
    expect(Math.abs(x.norm().item() - Math.sqrt(ss)) / Math.sqrt(ss)).toBeLessThan(1e-6);
    const m = kd.tensor([[3, 4, 0], [0, 5, 12]]);
    expect(m.norm(2, 1).tolist()).toEqual([5, 13]);
    expect(m.norm(2, 0).tolist()).toEqual([3, Math.fround(Math.sqrt(41)), 12]);
    expect(kd.zeros([0]).norm().item()).toBe(0);
    expect(() => kd.tensor([1, 2], { dtype: 'int32' }).norm()).toThrow(/norm: expected a floating-point tensor/);
  });
});

describe('max, min and logsumexp over long rows (the vector path)', () => {
  it('match a plain scan, NaN winning wherever it sits, for both float types', () => {
    const rnd = rng(7);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const n of [15, 16, 17, 40, 1031]) {
        for (const nanAt of [-1, 0, 3, 9, n - 1]) {
          const data = Array.from({ length: n }, () => (rnd() - 0.5) * 100);
          if (nanAt >= 0) data[nanAt] = NaN;
          const x = kd.tensor([data, data.map((v) => -v)], { dtype });
          const rows = x.tolist() as number[][];
          const scan = (r: number[], better: (a: number, b: number) => boolean) => r.some(Number.isNaN) ? NaN : r.reduce((m, v) => (better(v, m) ? v : m));
          const max = x.amax(1).tolist() as number[];
          const min = x.amin(1).tolist() as number[];
          const lse = x.logsumexp(1).tolist() as number[];
          rows.forEach((r, i) => {
            expect(max[i]).toEqual(scan(r, (a, b) => a > b));
            expect(min[i]).toEqual(scan(r, (a, b) => a < b));
            const m = scan(r, (a, b) => a > b);
            const ref = Number.isNaN(m) ? NaN : m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
            if (Number.isNaN(ref)) expect(lse[i]).toBeNaN();
            else expect(Math.abs(lse[i] - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)));
          });
        }
      }
      const inf = kd.tensor([Array(20).fill(-Infinity), [...Array(19).fill(1), Infinity]], { dtype });
      expect(inf.amax(1).tolist()).toEqual([-Infinity, Infinity]);
      expect(inf.logsumexp(1).tolist()).toEqual([-Infinity, Infinity]);
    }
  });
});

describe('softmax over long contiguous rows (the vector path)', () => {
  it('agrees with the strided path, NaN and infinities included', () => {
    const rnd = rng(3);
    const rows = [
      Array.from({ length: 37 }, () => (rnd() - 0.5) * 20),
      Array.from({ length: 37 }, (_, i) => (i === 5 ? NaN : rnd())),
      Array.from({ length: 37 }, (_, i) => (i === 30 ? Infinity : rnd())),
      Array(37).fill(-Infinity),
      Array.from({ length: 37 }, (_, i) => 1000 + i * 1e-3),
    ];
    const x = kd.tensor(rows);
    const viaColumns = (f: (t: Tensor, d: number) => Tensor) => f(x.t().contiguous(), 0).t().tolist() as number[][];
    for (const f of [(t: Tensor, d: number) => t.softmax(d), (t: Tensor, d: number) => t.logSoftmax(d)]) {
      const fast = f(x, 1).tolist() as number[][];
      const slow = viaColumns(f);
      fast.forEach((r, i) => r.forEach((v, j) => {
        if (Number.isNaN(slow[i][j])) expect(v).toBeNaN();
        else expect(Math.abs(v - slow[i][j])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(slow[i][j])));
      }));
    }
  });
});

describe('sums over the rows of wide blocks (bias gradients)', () => {
  it('equal the row-wise sums of the transpose, the same for every thread count', () => {
    const before = kd.getNumThreads();
    const g = kd.randn([300, 1500]);
    const ref = g.t().contiguous().sum(1).tolist() as number[];
    const got = g.sum(0).tolist() as number[];
    got.forEach((v, j) => expect(Math.abs(v - ref[j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref[j]))));
    kd.setNumThreads(1);
    expect(g.sum(0).tolist()).toEqual(got);
    kd.setNumThreads(before);
    const m = g.reshape([2, 150, 1500]).mean(1).tolist() as number[][];
    const mref = g.reshape([2, 150, 1500]).transpose(1, 2).contiguous().mean(2).tolist() as number[][];
    m.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - mref[i][j])).toBeLessThan(1e-6)));
    // on views: a narrow, a transpose, an expand and a select give what their clones give
    const big = kd.randn([2, 300, 2100]);
    for (const v of [big.select(0, 1).narrow(1, 10, 1500), big.select(0, 0).t().t(), kd.randn([1, 1200]).expand([200, 1200]), big.narrow(2, 0, 1100).transpose(0, 1)]) {
      expect(v.sum(0).tolist()).toEqual(v.clone().sum(0).tolist());
    }
    const ints = kd.randint(-1000, 1000, [200, 1100]);
    expect(ints.sum(0).tolist()).toEqual(ints.t().contiguous().sum(1).tolist());
  });
});
