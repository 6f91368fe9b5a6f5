/** PyTorch's F.bilinear: y[..., o] = x1ᵀ W[o] x2 + b[o], as one matmul and a row-wise product sum. */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { add, mul } from './binary.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { permute, reshape, unsqueeze } from './views.js';

/** x1 [..., in1], x2 [..., in2], weight [out, in1, in2], bias [out] → [..., out]. Throws on mismatched shapes. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  for (const t of [x1, x2, weight]) checkTensor('bilinear', t);
  if (weight.dim() !== 3) throw new RangeError(`bilinear: weight must be 3-D [out, in1, in2], but has shape ${formatShape(weight.shape)}`);
  const [out, in1, in2] = weight.shape;
  if (x1.shape[x1.dim() - 1] !== in1 || x2.shape[x2.dim() - 1] !== in2 || x1.shape.slice(0, -1).join() !== x2.shape.slice(0, -1).join()) {
    throw new RangeError(`bilinear: input1 ${formatShape(x1.shape)} and input2 ${formatShape(x2.shape)} must share their leading dims and end in ${in1} and ${in2} (weight ${formatShape(weight.shape)})`);
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== out)) throw new RangeError(`bilinear: bias must have shape [${out}], but has ${formatShape(bias.shape)}`);
  const lead = x1.shape.slice(0, -1);
  const a = reshape(x1, [-1, in1]);
  const b = reshape(x2, [-1, in2]);
  // (x1 · W[o]) for every o at once: [rows, out·in2], then dotted with x2
  const t = reshape(matmul(a, reshape(permute(weight, [1, 0, 2]), [in1, out * in2])), [-1, out, in2]);
  let y = sum(mul(t, unsqueeze(b, 1)), -1);
  if (bias) y = add(y, bias);
  return reshape(y, [...lead, out]);
}
