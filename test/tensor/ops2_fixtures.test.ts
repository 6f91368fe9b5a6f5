// The wider tensor surface against PyTorch 1.13 (test/fixtures/ops2.json, from
// shared/fixtures): values of every output and the gradients of sum_k sum(out_k * G_k).
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { fixtureSuite, type Calls } from '../fixture_cases.js';

const F = kd.nn.functional;

const unary = (name: string) => (x: Tensor[]) => (x[0] as unknown as Record<string, () => Tensor>)[name]();

/** Each fixture op in kindling's spelling (shared/fixtures/README.md lists them). */
export const CALLS: Calls = {
  ...Object.fromEntries(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atanh', 'sinh', 'cosh', 'expm1', 'erf', 'square', 'sign',
    'floor', 'ceil', 'round', 'trunc', 'frac', 'log1p', 'log2', 'log10', 'reciprocal', 'rsqrt', 'isnan', 'isinf', 'diag', 'trace',
    'nonzero', 'unique'].map((n) => [n, unary(n)])),
  atan2: (x) => x[0].atan2(x[1]),
  remainder: (x) => x[0].remainder(x[1]),
  lerp: (x, p) => x[0].lerp(x[1], p.weight),
  clamp: (x, p) => (p.min !== undefined ? x[0].clamp(p.min) : x[0].clamp(undefined, p.max)),
  softplus: (x) => F.softplus(x[0]),
  elu: (x) => F.elu(x[0]),
  silu: (x) => F.silu(x[0]),
  logsigmoid: (x) => F.logsigmoid(x[0]),
  hardtanh: (x) => F.hardtanh(x[0]),
  mish: (x) => F.mish(x[0]),
  prod: (x, p) => (p.dim === undefined ? x[0].prod() : x[0].prod(p.dim)),
  cumsum: (x, p) => x[0].cumsum(p.dim),
  cumprod: (x, p) => x[0].cumprod(p.dim),
  amax: (x, p) => x[0].amax(p.dim),
  logsumexp: (x, p) => x[0].logsumexp(p.dim, p.keepdim),
  norm: (x, p) => (p.p === undefined ? x[0].norm() : x[0].norm(p.p, p.dim, p.keepdim)),
  min: (x, p) => x[0].min(p.dim),
  all: (x, p) => (p.dim === undefined ? x[0].all() : x[0].all(p.dim)),
  any: (x, p) => (p.dim === undefined ? x[0].any() : x[0].any(p.dim)),
  topk: (x, p) => x[0].topk(p.k, p.dim, p.largest),
  sort: (x, p) => x[0].sort(p.dim, p.descending),
  argsort: (x, p) => x[0].argsort(p.dim, p.descending),
  chunk: (x, p) => x[0].chunk(p.chunks, p.dim),
  split: (x, p) => x[0].split(p.splitSize, p.dim),
  repeat: (x, p) => x[0].repeat(p.sizes),
  flip: (x, p) => x[0].flip(p.dims),
  roll: (x, p) => x[0].roll(p.shifts, p.dims),
  select: (x, p) => x[0].select(p.dim, p.index),
  maskedFill: (x, p) => x[0].maskedFill(x[1], p.value),
  maskedSelect: (x) => x[0].maskedSelect(x[1]),
  scatter: (x, p) => x[0].scatter(p.dim, x[1], x[2]),
  scatterAdd: (x, p) => x[0].scatterAdd(p.dim, x[1], x[2]),
  indexAdd: (x, p) => x[0].indexAdd(p.dim, x[1], x[2]),
  mm: (x) => x[0].mm(x[1]),
  bmm: (x) => x[0].bmm(x[1]),
  dot: (x) => x[0].dot(x[1]),
  outer: (x) => x[0].outer(x[1]),
  tril: (x, p) => x[0].tril(p.diagonal),
  triu: (x, p) => x[0].triu(p.diagonal),
  einsum: (x, p) => kd.einsum(p.equation, ...x),
  nanToNum: (x, p) => x[0].nanToNum(p.nan, p.posinf, p.neginf),
  oneHot: (x, p) => F.oneHot(x[0], p.numClasses),
  smoothL1Loss: (x, p) => F.smoothL1Loss(x[0], x[1], { beta: p.beta }),
  klDivLoss: (x, p) => F.klDiv(x[0], x[1], { reduction: p.reduction }),
  binaryCrossEntropyWithLogits: (x) => F.binaryCrossEntropyWithLogits(x[0], x[1], { posWeight: x[2] }),
  cosineSimilarity: (x, p) => F.cosineSimilarity(x[0], x[1], p.dim),
  normalize: (x, p) => F.normalize(x[0], { dim: p.dim }),
};

fixtureSuite('ops2.json: the wider surface matches PyTorch', 'ops2.json', CALLS, /mm|einsum|dot|outer|bmm/);
