// The view property: every op gives the same result, forward and backward, on views (offset by
// narrow, transposed, broadcast by expand, picked by select/indexSelect, stepped) as on
// .clone() copies of them, to 1 ulp; and the same when the gradient arriving from above is
// itself a slice, a transpose or a broadcast. contiguous() hands back an offset view, so only
// clone() gives the reference a storage of its own.
import { describe, expect, it } from 'vitest';
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import { OPS, outputsOf, sampleInput, takesGrad, type InputSpec } from './op_table.js';

type ViewKind = 'narrow' | 'transpose' | 'expand' | 'select' | 'indexSelect' | 'stepped';
const VIEW_KINDS: ViewKind[] = ['narrow', 'transpose', 'expand', 'select', 'indexSelect', 'stepped'];
type Upstream = 'fresh' | 'slice' | 'transposed' | 'broadcast';
const UPSTREAMS: Upstream[] = ['fresh', 'slice', 'transposed', 'broadcast'];

const values = (spec: InputSpec, shape: number[], seed: number): Tensor => sampleInput(spec, shape, seed);

/**
 * A storage holding the input's values, and how to take the view of it that shows them
 * (null when the kind does not apply to this shape). Applied to a leaf, the view is recorded.
 */
function viewOf(kind: ViewKind, spec: InputSpec, seed: number): { base: Tensor; derive: (b: Tensor) => Tensor } | null {
  const shape = spec.shape;
  const t = values(spec, shape, seed);
  const filler = (s: number[]) => values(spec, s, seed + 1000);
  const nd = shape.length;
  switch (kind) {
    case 'narrow':
      if (nd === 0) return { base: kd.stack([filler([]), t, filler([])]), derive: (b) => b.select(0, 1) };
      return {
        base: kd.cat([filler([2 + (seed % 3), ...shape.slice(1)]), t, filler([1, ...shape.slice(1)])], 0),
        derive: (b) => b.narrow(0, 2 + (seed % 3), shape[0]),
      };
    case 'transpose':
      if (nd < 2) return null;
      return { base: t.transpose(-1, -2).clone(), derive: (b) => b.transpose(-1, -2) };
    case 'expand': {
      const d = shape.findIndex((s) => s > 1);
      if (d < 0) return null;
      return { base: t.narrow(d, 0, 1).clone(), derive: (b) => b.expand(shape.slice()) };
    }
    case 'select':
      return { base: kd.stack([filler(shape), t, filler(shape)], 0), derive: (b) => b.select(0, 1) };
    case 'indexSelect': {
      if (nd === 0) return null;
      const pad = 1 + (seed % 2);
      const index = kd.arange(pad, pad + shape[0], 1, { dtype: 'int32' });
      return { base: kd.cat([filler([pad, ...shape.slice(1)]), t], 0), derive: (b) => b.indexSelect(0, index) };
    }
    case 'stepped':
      return { base: kd.stack([t, filler(shape)], -1), derive: (b) => b.select(-1, 0) };
  }
}

/** Equal to 1 ulp of float32 (float64 results: of float64), NaN equal to NaN. */
function expectUlpEqual(what: string, a: Tensor, b: Tensor): void {
  expect(a.shape, `${what}: shape`).toEqual(b.shape);
  expect(a.dtype, `${what}: dtype`).toBe(b.dtype);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  const eps = a.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i]))) continue;
    const tol = eps * Math.max(Math.abs(x[i]), Math.abs(y[i]), 2 ** -126);
    if (!(Math.abs(x[i] - y[i]) <= tol)) throw new Error(`${what}: element ${i} is ${x[i]} on the view but ${y[i]} on the copy`);
  }
}

/** The loss whose backward sends the outputs a gradient of the given layout. */
function lossOf(outs: Tensor[], upstream: Upstream): Tensor | null {
  let total: Tensor | null = null;
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    const G = values({ shape: o.shape.slice() }, o.shape.slice(), 77 + k).to(o.dtype);
    let term: Tensor;
    switch (upstream) {
      case 'fresh': term = o.mul(G).sum(); break;
      // its gradient is a slice of the stacked one, at an offset
      case 'slice': term = kd.stack([kd.zeros(o.shape, { dtype: o.dtype }), o]).mul(kd.stack([G, G])).sum(); break;
      case 'transposed': term = o.dim() >= 2 ? o.transpose(0, -1).mul(G.transpose(0, -1).clone()).sum() : o.mul(G).sum(); break;
      case 'broadcast': term = o.sum(); break;
    }
    total = total === null ? term : total.add(term);
  });
  return total;
}

describe('every op gives the same result on views as on clone() copies', () => {
  for (const row of OPS) {
    it(row.name, () => {
      for (const kind of VIEW_KINDS) {
        const made = row.inputs.map((spec, i) => viewOf(kind, spec, 11 * i + 3));
        if (made.every((m) => m === null)) continue;
        // Inputs the kind does not apply to stay plain contiguous tensors.
        const parts = made.map((m, i) => m ?? { base: values(row.inputs[i], row.inputs[i].shape, 11 * i + 3), derive: (b: Tensor) => b });
        const wantsGrad = (i: number) => takesGrad(row.inputs[i]);
        for (const upstream of UPSTREAMS) {
          const leavesA = parts.map((p, i) => p.base.detach().requiresGrad_(wantsGrad(i)));
          const leavesB = parts.map((p, i) => p.base.detach().requiresGrad_(wantsGrad(i)));
          const outsA = outputsOf(row.fn(...leavesA.map((l, i) => parts[i].derive(l))));
          const outsB = outputsOf(row.fn(...leavesB.map((l, i) => parts[i].derive(l).clone())));
          const what = `${row.name}, inputs by ${kind}`;
          outsA.forEach((o, k) => expectUlpEqual(`${what}: output ${k}`, o, outsB[k]));
          const lossA = lossOf(outsA, upstream);
          if (lossA === null) break;
          lossA.backward();
          lossOf(outsB, upstream)!.backward();
          leavesA.forEach((l, i) => {
            if (!wantsGrad(i)) return;
            expect(l.grad, `${what}: input ${i} has a gradient`).not.toBeNull();
            expectUlpEqual(`${what}, gradient arriving ${upstream}: input ${i}'s gradient`, l.grad!, leavesB[i].grad!);
          });
        }
      }
    });
  }
});

describe('in-place ops write through views exactly where a copy would', () => {
  const inplace: [string, (x: Tensor, o: Tensor) => void][] = [
    ['add_', (x, o) => x.add_(o)],
    ['sub_ alpha', (x, o) => x.sub_(o, { alpha: 3 })],
    ['mul_', (x, o) => x.mul_(o)],
    ['div_', (x, o) => x.div_(o.abs().add(1))],
    ['clamp_', (x) => x.clamp_(-0.5, 0.5)],
    ['fill_', (x) => x.fill_(7)],
    ['zero_', (x) => x.zero_()],
    ['copy_', (x, o) => x.copy_(o)],
  ];
  for (const [name, op] of inplace) {
    it(name, () => {
      for (const kind of VIEW_KINDS.filter((k) => k !== 'expand' && k !== 'indexSelect')) {
        const spec: InputSpec = { shape: [3, 4] };
        const target = viewOf(kind, spec, 5)!;
        const other = viewOf(kind, spec, 9)!;
        const baseA = target.base.clone();
        const baseB = target.base.clone();
        const viewA = target.derive(baseA);
        // the reference: the same op on a copy, written back through the same view
        const copy = target.derive(baseB).clone();
        op(copy, other.derive(other.base).clone());
        target.derive(baseB).copy_(copy);
        op(viewA, other.derive(other.base));
        expectUlpEqual(`${name} through ${kind}`, baseA, baseB);
      }
    });
  }
});

describe('optimizer steps read gradients that are views', () => {
  const makers: [string, (p: Tensor[]) => kd.optim.Optimizer<{ lr: number }>][] = [
    ['SGD momentum nesterov', (p) => new kd.optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['Adagrad', (p) => new kd.optim.Adagrad(p, { lr: 0.1 })],
    ['RMSprop centered', (p) => new kd.optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
    ['Adam amsgrad', (p) => new kd.optim.Adam(p, { lr: 0.01, amsgrad: true })],
    ['AdamW', (p) => new kd.optim.AdamW(p, { lr: 0.01 })],
  ];
  for (const [name, make] of makers) {
    it(name, () => {
      for (const kind of VIEW_KINDS) {
        const spec: InputSpec = { shape: [3, 4] };
        const pA = values(spec, [3, 4], 1);
        const pB = pA.clone();
        const optA = make([pA]);
        const optB = make([pB]);
        for (let step = 0; step < 3; step++) {
          const g = viewOf(kind, spec, 20 + step)!;
          pA.grad = g.derive(g.base);
          pB.grad = g.derive(g.base).clone();
          optA.step();
          optB.step();
        }
        expectUlpEqual(`${name}, gradients by ${kind}`, pA, pB);
      }
    });
  }
});

describe('reducing a broadcast view does not materialise it', () => {
  it('sums 2^33 broadcast elements from a [1024, 1] column', () => {
    const x = kd.randn([1024, 1]);
    const big = x.expand([1024, 2 ** 23]);
    expect(big.sum().item()).toBe(x.double().sum().mul(2 ** 23).float().item());
    expect(big.mean().item()).toBeCloseTo(x.mean().item(), 5);
    expect(big.max().item()).toBe(x.max().item());
    expect(big.sum(1).toTypedArray()).toEqual(x.double().mul(2 ** 23).float().reshape([1024]).toTypedArray());
  });

  it('keeps broadcast dims that are not reduced, and their gradient', () => {
    const x = kd.tensor([[1], [2], [3]], { requiresGrad: true });
    const y = x.expand([3, 4]).unsqueeze(0).expand([2, 3, 4]);
    const s = y.sum(2);
    expect(s.tolist()).toEqual([[4, 8, 12], [4, 8, 12]]);
    s.sum().backward();
    expect(x.grad!.tolist()).toEqual([[8], [8], [8]]);
  });
});
