/** Gradient clipping (PyTorch's torch.nn.utils.clip_grad_norm_ / clip_grad_value_). */
import { checkOptions } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { describe } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { fullTensor } from '../../ops/alloc.js';

function gradsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : Array.from(parameters);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameters[${i}] is ${describe(p)}, not a Tensor`);
  });
  return list.filter((p) => p.grad !== null).map((p) => p.grad!);
}

/**
 * Scales all gradients together so that their total norm (of the given type: a number,
 * Infinity for the max) is at most maxNorm; returns the total norm before clipping, as a 0-d
 * tensor. With errorIfNonfinite, a NaN or infinite total norm throws instead of clipping.
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, normType: number | { normType?: number; errorIfNonfinite?: boolean; foreach?: boolean } = 2, options: { errorIfNonfinite?: boolean; foreach?: boolean } = {}): Tensor {
  if (typeof normType === 'object' && normType !== null) {
    options = checkOptions('clipGradNorm_', normType, ['normType', 'errorIfNonfinite', 'foreach']);
    normType = normType.normType ?? 2;
  } else {
    options = checkOptions('clipGradNorm_', options, ['errorIfNonfinite', 'foreach']);
  }
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new TypeError(`clipGradNorm_: expected maxNorm to be a number, but received ${describe(maxNorm)}`);
  const p = normType;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new TypeError(`clipGradNorm_: expected normType to be a number, but received ${describe(p)}`);
  const grads = gradsOf('clipGradNorm_', parameters);
  if (grads.length === 0) return fullTensor([], 0, 'float32');
  return noGrad(() => {
    const norms = grads.map((g) => g.norm(p));
    const total = p === Infinity ? Math.max(...norms.map((n) => n.item())) : norms.reduce((s, n) => s + n.item() ** p, 0) ** (1 / p);
    if (options.errorIfNonfinite && !Number.isFinite(total)) {
      throw new RangeError(`clipGradNorm_: the total norm of order ${p} for gradients from parameters is non-finite (${total}), so it cannot be clipped; pass { errorIfNonfinite: false } to clip anyway`);
    }
    // PyTorch's rule: multiply by min(1, maxNorm / (total + 1e-6))
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return fullTensor([], total, grads[0].dtype);
  });
}

/** Clamps every gradient element to [-clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new TypeError(`clipGradValue_: expected clipValue to be a number, but received ${describe(clipValue)}`);
  const grads = gradsOf('clipGradValue_', parameters);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
