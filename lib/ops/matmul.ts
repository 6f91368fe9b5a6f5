/**
 * Matrix products on OpenBLAS GEMM: 1-D and 2-D operands, batches with broadcast batch
 * dims, and transposed views handed to GEMM through its transpose flags instead of copies.
 */
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, describe, formatShape } from '../tensor/shape.js';
import { emptyTensor } from './alloc.js';
import { layoutOf } from './layout.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';
import { sumToShape } from './binary.js';

/** How GEMM can read a [rows, cols] view without a copy: row-major, or transposed. */
function asGemmOperand(rows: number, cols: number, sr: number, sc: number): { trans: boolean; ld: number } | null {
  if ((cols === 1 || sc === 1) && (rows === 1 || sr >= Math.max(1, cols))) {
    return { trans: false, ld: rows === 1 ? Math.max(1, cols) : sr };
  }
  if ((rows === 1 || sr === 1) && (cols === 1 || sc >= Math.max(1, rows))) {
    return { trans: true, ld: cols === 1 ? Math.max(1, rows) : sc };
  }
  return null;
}

/** The operand as GEMM sees it, copying only a layout GEMM cannot read. */
function operand(x: Tensor): { t: Tensor; trans: boolean; ld: number } {
  const nd = x.dim();
  const rows = x.shape[nd - 2];
  const cols = x.shape[nd - 1];
  const o = asGemmOperand(rows, cols, x.strides[nd - 2], x.strides[nd - 1]);
  if (o !== null) return { t: x, ...o };
  const c = contiguous(x.detach());
  return { t: c, trans: false, ld: Math.max(1, cols) };
}

/**
 * out = a · b + beta · out with one GEMM call: a [..., m, k] and b [..., k, n] (at least 2-D)
 * whose batch dims broadcast to `batch`, out a contiguous [...batch, m, n]. Transposed views
 * are read through GEMM's flags; a broadcast operand gets batch stride 0.
 */
function runGemm(out: Tensor, a: Tensor, b: Tensor, beta: number, batch: readonly number[] = []): void {
  const m = a.shape[a.dim() - 2];
  const k = a.shape[a.dim() - 1];
  const n = b.shape[b.dim() - 1];
  const A = operand(a);
  const B = operand(b);
  const nb = batch.length;
  const batchStrides = (x: Tensor) => {
    const lead = nb - (x.dim() - 2);
    return batch.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]));
  };
  native.gemm(
    A.t.storage as Float32Array | Int32Array,
    B.t.storage as Float32Array | Int32Array,
    out.storage as Float32Array | Int32Array,
    layoutOf(
      A.trans ? 1 : 0, B.trans ? 1 : 0, m, n, k, A.ld, B.ld, Math.max(1, n),
      A.t.offset, B.t.offset, out.offset, nb, ...batch, ...batchStrides(A.t), ...batchStrides(B.t), ...out.strides.slice(0, nb),
    ),
    1,
    beta,
  );
}

/** C = A · B with batch dims broadcast, into a new tensor. */
function gemmBatched(a: Tensor, b: Tensor): Tensor {
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = emptyTensor([...batch, a.shape[a.dim() - 2], b.shape[b.dim() - 1]], a.dtype, 'matmul');
  runGemm(out, a, b, 0, batch);
  return out;
}

/** The transpose of a 2-D tensor as a plain view, outside the tape (for kernels' own use). */
export function transposedView(t: Tensor): Tensor {
  return new Tensor(t.storage, [t.shape[1], t.shape[0]], [t.strides[1], t.strides[0]], t.offset, t.dtype, t.versionCounter);
}

/** out = a · b + beta · out for 2-D a and b into a contiguous 2-D out. */
export function gemmInto(out: Tensor, a: Tensor, b: Tensor, beta: number): void {
  runGemm(out, a, b, beta);
}

function checkOperands(a: unknown, b: unknown): asserts a is Tensor {
  for (const [name, v] of [['input', a], ['other', b]] as const) {
    if (!(v instanceof Tensor)) throw new TypeError(`matmul: expected ${name} to be a Tensor, but received ${describe(v)}`);
    if (v.dim() === 0) throw new RangeError(`matmul: both arguments need at least 1 dimension, but ${name} is 0-d`);
    if (v.dtype === 'bool') throw new TypeError(`matmul: not defined for bool tensors (as in PyTorch), but ${name} is bool; convert with .int() or .float()`);
  }
  const x = a as Tensor;
  const y = b as Tensor;
  if (x.dtype !== y.dtype) throw new TypeError(`matmul: expected both tensors to have the same dtype, but got ${x.dtype} and ${y.dtype}`);
  const k1 = x.shape[x.dim() - 1];
  const k2 = y.dim() === 1 ? y.shape[0] : y.shape[y.dim() - 2];
  if (k1 !== k2) {
    throw new RangeError(`matmul: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} cannot be multiplied (${k1} != ${k2})`);
  }
}

/** PyTorch's matmul: dot, matrix-vector, matrix-matrix or batched product. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperands(a, b);
  if (a.dim() === 1 && b.dim() === 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
  if (a.dim() === 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.dim() === 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
  if (b.dim() === 2 && a.dim() > 2) {
    // One tall GEMM instead of a batch of small ones.
    const lead = a.shape.slice(0, -1);
    return matmul(a.reshape([-1, a.shape[a.dim() - 1]]), b).reshape([...lead, b.shape[1]]);
  }
  const out = gemmBatched(a, b);
  return record(
    out,
    'MmBackward',
    [a, b],
    (g, needs) => [
      needs[0] ? sumToShape(matmul(g, b.transpose(-1, -2)), a.shape) : null,
      needs[1] ? sumToShape(matmul(a.transpose(-1, -2), g), b.shape) : null,
    ],
    [a, b],
  );
}
