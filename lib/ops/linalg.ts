/**
 * Products beyond matmul, each mapped onto it (and so onto one GEMM or a batch of them):
 * mm, bmm, dot, outer, addmm, baddbmm, kron, cross, cdist, tensordot, and einsum for any equation.
 */
import { isFloating } from '../tensor/dtype.js';
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, normalizeDim, sameShape } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { add, mul, sub } from './binary.js';
import { matmul } from './matmul.js';
import { diagonal, expand, permute, reshape, select, unsqueeze } from './views.js';
import { stack, where } from './indexing.js';
import { sum } from './reduce.js';

function checkDims(op: string, name: string, t: unknown, dims: number): asserts t is Tensor {
  checkTensor(op, t);
  if (t.dim() !== dims) throw new RangeError(`${op}: expected ${name} to be ${dims}-D, but got shape ${formatShape(t.shape)}`);
}

/** The product of two matrices [n, m] · [m, p]. */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkDims('mm', 'input', a, 2);
  checkDims('mm', 'mat2', b, 2);
  return matmul(a, b);
}

/** Batched matrix products: [B, n, m] · [B, m, p] (batch sizes must match, no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkDims('bmm', 'input', a, 3);
  checkDims('bmm', 'mat2', b, 3);
  if (a.shape[0] !== b.shape[0]) throw new RangeError(`bmm: batch sizes differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return matmul(a, b);
}

/** The dot product of two 1-D tensors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkDims('dot', 'input', a, 1);
  checkDims('dot', 'other', b, 1);
  if (a.shape[0] !== b.shape[0]) throw new RangeError(`dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements`);
  return matmul(a, b);
}

/** The outer product of two 1-D tensors: [n] x [m] -> [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkDims('outer', 'input', a, 1);
  checkDims('outer', 'vec2', b, 1);
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** beta * input + alpha * (mat1 · mat2); input broadcasts to the product's shape. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  options = checkOptions('addmm', options, ['beta', 'alpha']);
  checkTensor('addmm', input);
  return scaledSum('addmm', input, mm(mat1, mat2), options);
}

/** beta * input + alpha * (batch1 · batch2), batched. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  options = checkOptions('baddbmm', options, ['beta', 'alpha']);
  checkTensor('baddbmm', input);
  return scaledSum('baddbmm', input, bmm(batch1, batch2), options);
}

function scaledSum(op: string, input: Tensor, product: Tensor, { beta = 1, alpha = 1 }: { beta?: number; alpha?: number }): Tensor {
  if (!isFloating(product.dtype) && !(Number.isInteger(alpha) && Number.isInteger(beta))) {
    // PyTorch refuses rather than promote: the result would no longer be the operands' integer type
    throw new TypeError(`${op}: for integer tensors, alpha and beta must be integers, but got alpha=${alpha}, beta=${beta}`);
  }
  const p = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return add(p, mul(input, 0)).add(0);  // beta 0 ignores input's values (NaN included), keeps its broadcast
  return add(beta === 1 ? input : mul(input, beta), p);
}

/** The Kronecker product: blocks a[i, j] * b. */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor('kron', a);
  checkTensor('kron', b);
  const nd = Math.max(a.dim(), b.dim());
  const pa = reshape(a, [...new Array<number>(nd - a.dim()).fill(1), ...a.shape]);
  const pb = reshape(b, [...new Array<number>(nd - b.dim()).fill(1), ...b.shape]);
  // [a0, 1, a1, 1] * [1, b0, 1, b1] -> [a0, b0, a1, b1] -> [a0*b0, a1*b1]
  const ia: number[] = [];
  const ib: number[] = [];
  for (let i = 0; i < nd; i++) {
    ia.push(pa.shape[i], 1);
    ib.push(1, pb.shape[i]);
  }
  return reshape(mul(reshape(pa, ia), reshape(pb, ib)), pa.shape.map((n, i) => n * pb.shape[i]));
}

/** The cross product of 3-vectors along dim (default: the first dim of size 3). */
export function cross(a: Tensor, b: Tensor, dim?: number | null): Tensor {
  checkTensor('cross', a);
  checkTensor('cross', b);
  const nd = Math.max(a.dim(), b.dim());
  const d = dim === undefined || dim === null ? a.shape.findIndex((n) => n === 3) : normalizeDim('cross', dim, nd);
  if (d < 0 || a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new RangeError(`cross: inputs must have size 3 along dim ${dim ?? '(the first of size 3)'}, but have shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const c = (t: Tensor, i: number) => select(t, d, i);
  return stack([
    sub(mul(c(a, 1), c(b, 2)), mul(c(a, 2), c(b, 1))),
    sub(mul(c(a, 2), c(b, 0)), mul(c(a, 0), c(b, 2))),
    sub(mul(c(a, 0), c(b, 1)), mul(c(a, 1), c(b, 0))),
  ], d);
}

// ---- einsum -------------------------------------------------------------------------------

/** An operand during einsum: a tensor whose dims are named by letters, one per dim. */
interface Labeled {
  t: Tensor;
  labels: string[];
}

/** Letters of one operand's subscript, with '...' expanded to fresh labels for the broadcast dims. */
function parseSubscript(op: string, s: string, t: Tensor | null, ellipsisDims: number): string[] {
  const labels: string[] = [];
  let i = 0;
  let sawEllipsis = false;
  while (i < s.length) {
    if (s.startsWith('...', i)) {
      if (sawEllipsis) throw new RangeError(`${op}: an operand's subscript may contain '...' only once: '${s}'`);
      sawEllipsis = true;
      for (let k = 0; k < ellipsisDims; k++) labels.push(`.${k}`);
      i += 3;
      continue;
    }
    const ch = s[i];
    if (!/[a-zA-Z]/.test(ch)) throw new RangeError(`${op}: invalid subscript character '${ch}' in '${s}' (use letters and '...')`);
    labels.push(ch);
    i++;
  }
  if (t !== null && labels.length !== t.dim()) {
    throw new RangeError(`${op}: the subscript '${s}' has ${labels.length} dims but its operand has shape ${formatShape(t.shape)}`);
  }
  return labels;
}

/** Takes repeated labels' diagonals, so every label names one dim. */
function distinctLabels(x: Labeled): Labeled {
  let { t, labels } = x;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]);
    if (t.shape[first] !== t.shape[i]) throw new RangeError(`einsum: subscript '${labels[i]}' is repeated for dims of different sizes (${t.shape[first]} and ${t.shape[i]})`);
    t = diagonal(t, 0, first, i);
    labels = [...labels.filter((_, k) => k !== first && k !== i), labels[i]];
  }
}

/** Sums away the labels no one else needs. */
function sumOut(x: Labeled, keep: Set<string>): Labeled {
  const dims = x.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (dims.length === 0) return x;
  return { t: sum(x.t, dims), labels: x.labels.filter((l) => keep.has(l)) };
}

/** The contraction of two operands over their shared labels not in `keep`, as one batched matmul. */
function contract(a: Labeled, b: Labeled, keep: Set<string>): Labeled {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !inA.has(l));
  const size = (x: Labeled, l: string) => x.t.shape[x.labels.indexOf(l)];
  // broadcast batch dims of size 1 (from '...') to the other operand's size
  const batchSizes = batch.map((l) => Math.max(size(a, l), size(b, l)));
  const arrange = (x: Labeled, order: string[]) => permute(x.t, order.map((l) => x.labels.indexOf(l)));
  const prod = (ls: string[], x: Labeled) => ls.reduce((p, l) => p * size(x, l), 1);
  for (const l of summed) {
    if (size(a, l) !== size(b, l)) throw new RangeError(`einsum: subscript '${l}' has size ${size(a, l)} in one operand and ${size(b, l)} in the other`);
  }
  const ta = expand(arrange(a, [...batch, ...left, ...summed]), [...batchSizes, ...left.map((l) => size(a, l)), ...summed.map((l) => size(a, l))]);
  const tb = expand(arrange(b, [...batch, ...summed, ...right]), [...batchSizes, ...summed.map((l) => size(b, l)), ...right.map((l) => size(b, l))]);
  const nb = batchSizes.reduce((p, n) => p * n, 1);
  const A = reshape(ta, [nb, prod(left, a), prod(summed, a)]);
  const B = reshape(tb, [nb, prod(summed, b), prod(right, b)]);
  const C = matmul(A, B);
  return {
    t: reshape(C, [...batchSizes, ...left.map((l) => size(a, l)), ...right.map((l) => size(b, l))]),
    labels: [...batch, ...left, ...right],
  };
}

/**
 * Einstein summation (PyTorch's torch.einsum): `kd.einsum('ij,jk->ik', a, b)`, batch dims
 * ('bij,bjk->bik'), repeated indices (diagonals, 'ii->i', traces 'ii'), '...' for broadcast
 * dims, and the implicit form without '->' (the labels seen once, in alphabetical order).
 * Operands are contracted left to right, each pair as one batched matrix product.
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  if (typeof equation !== 'string') throw new TypeError(`einsum: expected an equation string, but received ${describe(equation)}`);
  const ops = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  ops.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum: expected operand ${i} to be a Tensor, but received ${describe(t)}`);
  });
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? eq.split('->') : [eq, null];
  const subs = lhs.split(',');
  if (subs.length !== ops.length) throw new RangeError(`einsum: the equation has ${subs.length} operand subscripts but ${ops.length} tensors were given`);
  const ellipsisDims = subs.reduce((m, s, i) => (s.includes('...') ? Math.max(m, ops[i].dim() - (s.replace('...', '').length)) : m), 0);
  const labeled = subs.map((s, i) => {
    const ownEllipsis = s.includes('...') ? ops[i].dim() - s.replace('...', '').length : 0;
    if (ownEllipsis < 0) throw new RangeError(`einsum: the subscript '${s}' has more dims than its operand's shape ${formatShape(ops[i].shape)}`);
    // an operand with fewer broadcast dims than another takes the trailing ones
    const labels = parseSubscript('einsum', s, null, ownEllipsis).map((l) => (l.startsWith('.') ? `.${Number(l.slice(1)) + ellipsisDims - ownEllipsis}` : l));
    if (labels.length !== ops[i].dim()) throw new RangeError(`einsum: the subscript '${s}' has ${labels.length} dims but its operand has shape ${formatShape(ops[i].shape)}`);
    return distinctLabels({ t: ops[i], labels });
  });
  const counts = new Map<string, number>();
  for (const s of subs) for (const l of parseSubscript('einsum', s, null, 0)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const ellipsisLabels = Array.from({ length: ellipsisDims }, (_, k) => `.${k}`);
  const output = rhs === null
    ? [...ellipsisLabels, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()]
    : parseSubscript('einsum', rhs, null, ellipsisDims);
  if (rhs !== null) {
    const seen = new Set(labeled.flatMap((x) => x.labels));
    for (const l of output) if (!seen.has(l)) throw new RangeError(`einsum: output subscript '${l}' does not appear in the inputs`);
    if (new Set(output).size !== output.length) throw new RangeError(`einsum: output subscript '${rhs}' repeats a label`);
  }
  // contract left to right, keeping the labels the output or a later operand still needs
  const needed = (from: number) => new Set([...output, ...labeled.slice(from).flatMap((x) => x.labels)]);
  let acc = sumOut(labeled[0], needed(1));
  for (let i = 1; i < labeled.length; i++) {
    const keep = needed(i + 1);
    acc = contract(acc, sumOut(labeled[i], new Set([...keep, ...acc.labels])), keep);
  }
  acc = sumOut(acc, new Set(output));
  if (acc.labels.length === 0 && output.length === 0) return acc.t;
  const order = output.map((l) => acc.labels.indexOf(l));
  return sameShape(order, output.map((_, i) => i)) ? acc.t : permute(acc.t, order);
}

/**
 * The p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M]:
 * [..., P, R] (PyTorch's cdist; batch dims broadcast). p = 2 goes through one matmul,
 * sqrt(|a|² + |b|² - 2 a·b) clamped at 0, as PyTorch does for larger inputs; other p
 * take the norm of every difference.
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  for (const [name, t] of [['x1', x1], ['x2', x2]] as const) {
    checkTensor('cdist', t);
    if (t.dim() < 2) throw new RangeError(`cdist: expected ${name} to have at least 2 dims [..., rows, features], but got ${formatShape(t.shape)}`);
  }
  if (x1.shape[x1.dim() - 1] !== x2.shape[x2.dim() - 1]) {
    throw new RangeError(`cdist: x1 ${formatShape(x1.shape)} and x2 ${formatShape(x2.shape)} must have the same number of columns`);
  }
  if (typeof p !== 'number' || !(p >= 0)) throw new RangeError(`cdist: p must be a non-negative number, but got ${describe(p)}`);
  if (p === 2) {
    const n1 = sum(mul(x1, x1), -1, true);
    const n2 = sum(mul(x2, x2), -1, true);
    const sq = sub(add(n1, n2.transpose(-1, -2)), mul(matmul(x1, x2.transpose(-1, -2)), 2)).clampMin(0);
    // sqrt's gradient at 0 is infinite; PyTorch's is 0 for equal rows
    const zero = sq.detach().eq(0);
    return where(zero, 0, where(zero, 1, sq).sqrt());
  }
  const diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3));
  return diff.norm(p, -1);
}

/**
 * Sums the products over the last `dims` dims of a and the first `dims` of b, or over the
 * listed dim pairs [[a dims], [b dims]] (PyTorch's tensordot), as one matmul.
 */
export function tensordot(a: Tensor, b: Tensor, dims: number | [number[], number[]] = 2): Tensor {
  checkTensor('tensordot', a);
  checkTensor('tensordot', b);
  let da: number[];
  let db: number[];
  if (typeof dims === 'number') {
    if (!Number.isInteger(dims) || dims < 0 || dims > a.dim() || dims > b.dim()) {
      throw new RangeError(`tensordot: dims must be an integer in [0, ${Math.min(a.dim(), b.dim())}], but got ${describe(dims)}`);
    }
    da = Array.from({ length: dims }, (_, i) => a.dim() - dims + i);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    if (!Array.isArray(dims) || dims.length !== 2 || !Array.isArray(dims[0]) || !Array.isArray(dims[1]) || dims[0].length !== dims[1].length) {
      throw new TypeError(`tensordot: dims must be a number or two equally long arrays of dims, but received ${describe(dims)}`);
    }
    da = dims[0].map((d) => normalizeDim('tensordot', d, a.dim()));
    db = dims[1].map((d) => normalizeDim('tensordot', d, b.dim()));
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]]) {
      throw new RangeError(`tensordot: contracted dimensions need to match, but dim ${d} of a ${formatShape(a.shape)} is ${a.shape[d]} and dim ${db[i]} of b ${formatShape(b.shape)} is ${b.shape[db[i]]}`);
    }
  });
  const freeA = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const k = da.reduce((p, d) => p * a.shape[d], 1);
  const am = reshape(permute(a, [...freeA, ...da]), [freeA.reduce((p, d) => p * a.shape[d], 1), k]);
  const bm = reshape(permute(b, [...db, ...freeB]), [k, freeB.reduce((p, d) => p * b.shape[d], 1)]);
  return reshape(matmul(am, bm), [...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
}
