/**
 * gradcheck: compares the gradients backward computes with central finite differences,
 * in float64, element by element of the full Jacobian, as torch.autograd.gradcheck does.
 */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { noGrad } from './grad_mode.js';
import { zeroStorage } from '../tensor/dtype.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw with the first mismatch (default) or return false. */
  raiseException?: boolean;
}

/**
 * True when every input that requires grad gets the gradient finite differences predict.
 * Inputs should be float64 tensors; fn must be deterministic. Throws on the first mismatch
 * (naming the input, element and both values) unless raiseException is false.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  options = checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException']);
  if (typeof fn !== 'function') throw new TypeError(`gradcheck: expected fn to be a function, but received ${describe(fn)}`);
  if (!Array.isArray(inputs) || !inputs.every((t) => t instanceof Tensor)) throw new TypeError(`gradcheck: expected inputs to be an array of Tensors, but received ${describe(inputs)}`);
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  const outputOf = () => noGrad(() => fn(...inputs).contiguous().toTypedArray().slice());
  const base = fn(...inputs);
  if (!(base instanceof Tensor)) throw new TypeError('gradcheck: fn must return a Tensor');
  const m = base.numel();

  for (let k = 0; k < inputs.length; k++) {
    const x = inputs[k];
    if (!x.requiresGrad) continue;
    if (x.dtype !== 'float64') throw new TypeError(`gradcheck: input ${k} is ${x.dtype}; use float64 inputs for reliable differences`);
    if (!x.isContiguous()) throw new TypeError(`gradcheck: input ${k} must be contiguous`);
    const n = x.numel();
    // numerical Jacobian, column j = d out / d x_j
    const numeric: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const p = x.offset + j;
      const orig = x.storage[p];
      x.storage[p] = orig + eps;
      const plus = outputOf();
      x.storage[p] = orig - eps;
      const minus = outputOf();
      x.storage[p] = orig;
      const col = new Float64Array(m);
      for (let i = 0; i < m; i++) col[i] = (plus[i] - minus[i]) / (2 * eps);
      numeric.push(col);
    }
    // analytical Jacobian, row i = d out_i / d x
    for (let i = 0; i < m; i++) {
      const out = fn(...inputs);
      if (!out.requiresGrad) {
        if (numeric.some((col) => Math.abs(col[i]) > atol)) return fail(raise, `gradcheck: output does not require grad but input ${k} changes it`);
        continue;
      }
      const seed = zeroStorage(out.dtype, m);
      seed[i] = 1;
      for (const t of inputs) t.grad = null;
      out.backward(Tensor.fromStorage(seed, out.shape, out.dtype));
      const g = x.grad ? x.grad.contiguous().toTypedArray() : new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const a = g[j];
        const b = numeric[j][i];
        if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
          return fail(raise, `gradcheck: Jacobian mismatch for output ${i} with respect to input ${k}, element ${j}: analytical ${a} vs numerical ${b}`);
        }
      }
    }
    x.grad = null;
  }
  return true;
}

function fail(raise: boolean, message: string): boolean {
  if (raise) throw new Error(message);
  return false;
}
