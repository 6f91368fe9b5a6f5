// Every tensor op case of test/fixtures/ops.json (generated with PyTorch 1.13): the output
// and the gradient of sum(out * G) with respect to each input, within the fixtures' tolerances.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { checkCase, opCases, type OpFn } from '../op_fixtures.js';

/** The tensor ops of the fixtures; the loss and layer cases are run by the nn tests. */
const TENSOR_OPS: Record<string, OpFn> = {
  neg: ([x]) => x.neg(),
  exp: ([x]) => x.exp(),
  log: ([x]) => x.log(),
  sqrt: ([x]) => x.sqrt(),
  abs: ([x]) => x.abs(),
  relu: ([x]) => x.relu(),
  sigmoid: ([x]) => x.sigmoid(),
  tanh: ([x]) => x.tanh(),
  pow: ([x], p) => x.pow(p.exponent),
  clamp: ([x], p) => x.clamp(p.min, p.max),
  softmax: ([x], p) => x.softmax(p.dim),
  logSoftmax: ([x], p) => x.logSoftmax(p.dim),
  add: ([a, b], p) => (b ? a.add(b) : a.add(p.other)),
  sub: ([a, b], p) => (b ? a.sub(b) : a.sub(p.other)),
  mul: ([a, b], p) => (b ? a.mul(b) : a.mul(p.other)),
  div: ([a, b], p) => (b ? a.div(b) : a.div(p.other)),
  matmul: ([a, b]) => a.matmul(b),
  matmulT: ([a, b]) => a.matmul(b.t()),
  sum: ([x], p) => x.sum(p.dim, p.keepdim ?? false),
  mean: ([x], p) => x.mean(p.dim, p.keepdim ?? false),
  maxValues: ([x], p) => x.max(p.dim).values,
  argmax: ([x], p) => x.argmax(p.dim),
  var: ([x], p) => x.var(p.dim),
  std: ([x], p) => x.std(p.dim),
  reshape: ([x], p) => x.reshape(p.shape),
  transpose: ([x], p) => x.transpose(p.dim0, p.dim1),
  permute: ([x], p) => x.permute(p.dims),
  unsqueeze: ([x], p) => x.unsqueeze(p.dim),
  squeeze: ([x], p) => x.squeeze(p.dim),
  flatten: ([x], p) => x.flatten(p.startDim ?? 0, p.endDim ?? -1),
  narrow: ([x], p) => x.narrow(p.dim, p.start, p.length),
  cat: (xs, p) => kd.cat(xs, p.dim),
  stack: (xs, p) => kd.stack(xs, p.dim),
  indexSelect: ([x, i], p) => x.indexSelect(p.dim, i),
  gather: ([x, i], p) => x.gather(p.dim, i),
  where: ([c, a, b]) => kd.where(c, a, b),
  'graph:reuse': ([x]) => x.mul(x).add(x.exp().mul(x)),
  'graph:mnistLoss': ([x, y, w, b]) => {
    const p = x.matmul(w).add(b).sigmoid();
    return kd.where(y.eq(1), kd.sub(1, p), p).mean();
  },
};

describe('ops match PyTorch (test/fixtures/ops.json)', () => {
  const cases = opCases.filter((c) => c.op in TENSOR_OPS);
  it('covers every tensor op the fixtures hold', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
  });
  for (const c of cases) {
    it(c.name, () => checkCase(c, TENSOR_OPS));
  }
});
