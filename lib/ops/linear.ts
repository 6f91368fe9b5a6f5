/**
 * The fully connected layer's op, y = x Wᵀ + b: forward is one GEMM that accumulates onto
 * the bias rows (beta = 1), backward is two GEMMs (W's transpose read through GEMM's flag)
 * and one column sum for the bias.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { describe, formatShape } from '../tensor/shape.js';
import { copyInto, emptyTensor } from './alloc.js';
import { record } from '../autograd/record.js';
import { gemmInto, transposedView } from './matmul.js';
import { sum } from './reduce.js';

function check(x: unknown, weight: unknown, bias: unknown): void {
  for (const [name, v] of [['input', x], ['weight', weight]] as const) {
    if (!(v instanceof Tensor)) throw new TypeError(`linear: expected ${name} to be a Tensor, but received ${describe(v)}`);
    if (!isFloating(v.dtype)) throw new TypeError(`linear: expected ${name} to be floating point, but got ${v.dtype}`);
  }
  const xt = x as Tensor;
  const w = weight as Tensor;
  if (w.dim() !== 2) throw new RangeError(`linear: weight must be 2-D [outFeatures, inFeatures], but has shape ${formatShape(w.shape)}`);
  if (xt.dim() === 0) throw new RangeError('linear: input must have at least 1 dimension');
  if (xt.dtype !== w.dtype) throw new TypeError(`linear: input is ${xt.dtype} but weight is ${w.dtype}`);
  const inF = xt.shape[xt.dim() - 1];
  if (inF !== w.shape[1]) {
    throw new RangeError(`linear: shapes ${formatShape(xt.shape)} and ${formatShape([w.shape[1], w.shape[0]])} cannot be multiplied (${inF} != ${w.shape[1]}); the layer expects ${w.shape[1]} input features`);
  }
  if (bias !== null && bias !== undefined) {
    if (!(bias instanceof Tensor)) throw new TypeError(`linear: expected bias to be a Tensor or null, but received ${describe(bias)}`);
    if (bias.dim() !== 1 || bias.shape[0] !== w.shape[0]) {
      throw new RangeError(`linear: bias must have shape [${w.shape[0]}], but has shape ${formatShape(bias.shape)}`);
    }
    if (bias.dtype !== w.dtype) throw new TypeError(`linear: bias is ${bias.dtype} but weight is ${w.dtype}`);
  }
}

/** PyTorch's F.linear: x [..., in] · weightᵀ [in, out] + bias [out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  check(x, weight, bias);
  const outF = weight.shape[0];
  const lead = x.shape.slice(0, -1);
  const x2 = x.dim() === 2 ? x : x.reshape([-1, x.shape[x.dim() - 1]]).detach();
  const out = emptyTensor([x2.shape[0], outF], x.dtype);
  if (bias) copyInto(out, bias.detach().expand(out.shape.slice()));
  gemmInto(out, x2, transposedView(weight), bias ? 1 : 0);
  const y = x.dim() === 2 ? out : out.reshape([...lead, outF]);
  return record(
    y,
    'LinearBackward',
    [x, weight, bias ?? null],
    (g, needs) => {
      const g2 = g.dim() === 2 ? g : g.reshape([-1, outF]);
      let gx: Tensor | null = null;
      let gw: Tensor | null = null;
      if (needs[0]) {
        gx = emptyTensor([g2.shape[0], weight.shape[1]], x.dtype);
        gemmInto(gx, g2, weight, 0);
        if (x.dim() !== 2) gx = gx.reshape(x.shape.slice());
      }
      if (needs[1]) {
        gw = emptyTensor(weight.shape, weight.dtype);
        gemmInto(gw, transposedView(g2), x2, 0);
      }
      return [gx, gw, needs[2] ? sum(g2, 0) : null];
    },
    [x, weight],
  );
}
