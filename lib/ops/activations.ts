/**
 * Activation functions beyond relu/sigmoid/tanh/gelu: softplus, elu, selu, celu, silu, mish,
 * hardtanh, relu6, hardswish, hardsigmoid, logsigmoid, softsign — compositions of ops with
 * their gradients recorded where the composed one would be wrong at a kink or unstable.
 */
import { checkNumber } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { softmax } from './softmax.js';
import { chunk } from './shape.js';
import { record } from '../autograd/record.js';
import { checkTensor, exp, floatInput, sigmoid, tanh } from './unary.js';
import { add, div, minimum, mul, sub } from './binary.js';
import { where } from './indexing.js';
import { log1p, expm1 } from './math.js';

/** log(1 + exp(beta x)) / beta, linear above threshold (beta x > threshold), as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkTensor('softplus', x);
  checkNumber('softplus', 'beta', beta);
  checkNumber('softplus', 'threshold', threshold);
  const v = floatInput(x).detach();
  const bx = mul(v, beta);
  const out = where(bx.gt(threshold), v, div(log1p(exp(bx)), beta));
  return record(out, 'SoftplusBackward', [floatInput(x)], (g) => [where(bx.gt(threshold), g, mul(g, sigmoid(bx)))], [x]);
}

/** x for x > 0, alpha (exp(x) - 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor('elu', x);
  checkNumber('elu', 'alpha', alpha);
  const v = floatInput(x).detach();
  const neg = mul(expm1(v), alpha);
  const out = where(v.gt(0), v, neg);
  return record(out, 'EluBackward', [floatInput(x)], (g) => [where(v.gt(0), g, mul(g, add(neg, alpha)))], [x]);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * elu(x, alpha) with the self-normalising constants. */
export const selu = (x: Tensor): Tensor => mul(elu(x, SELU_ALPHA), SELU_SCALE);

/** max(0, x) + min(0, alpha (exp(x / alpha) - 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  checkTensor('celu', x);
  checkNumber('celu', 'alpha', alpha);
  if (alpha === 0) throw new RangeError('celu: alpha cannot be 0');
  return mul(elu(div(x, alpha), 1), alpha);
}

/** x * sigmoid(x) (also called swish). */
export const silu = (x: Tensor): Tensor => {
  checkTensor('silu', x);
  return mul(x, sigmoid(x));
};

/** x * tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => {
  checkTensor('mish', x);
  return mul(x, tanh(softplus(x)));
};

/** log(sigmoid(x)), computed stably as min(x, 0) - log1p(exp(-|x|)). */
export function logsigmoid(x: Tensor): Tensor {
  checkTensor('logsigmoid', x);
  const v = floatInput(x).detach();
  const out = sub(minimum(v, 0), log1p(exp(v.abs().neg())));
  return record(out, 'LogSigmoidBackward', [floatInput(x)], (g) => [mul(g, sigmoid(v.neg()))], [x]);
}

/** x clamped to [minVal, maxVal]; gradient 1 strictly inside, 0 at and beyond the bounds (PyTorch's). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkTensor('hardtanh', x);
  checkNumber('hardtanh', 'minVal', minVal);
  checkNumber('hardtanh', 'maxVal', maxVal);
  if (!(minVal <= maxVal)) throw new RangeError(`hardtanh: minVal (${minVal}) must be at most maxVal (${maxVal})`);
  const v = x.detach();
  const out = v.clamp(minVal, maxVal);
  return record(out, 'HardtanhBackward', [x], (g) => [where(v.gt(minVal).mul(v.lt(maxVal)), g, 0)], [x]);
}

/** min(max(0, x), 6). */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** x * relu6(x + 3) / 6. */
export function hardswish(x: Tensor): Tensor {
  checkTensor('hardswish', x);
  const v = floatInput(x).detach();
  const out = div(mul(v, v.add(3).clamp(0, 6)), 6);
  // d/dx: 0 below -3, (2x + 3) / 6 from -3 up to 3, 1 from 3 on. At exactly 3 PyTorch 1.13's
  // vectorised loop (every tensor of 8 or more elements) gives 1 and its scalar tail 1.5; this
  // follows the vectorised one.
  return record(out, 'HardswishBackward', [floatInput(x)], (g) => [
    where(v.lt(-3), 0, where(v.lt(3), mul(g, div(add(mul(v, 2), 3), 6)), g)),
  ], [x]);
}

/** relu6(x + 3) / 6. */
export function hardsigmoid(x: Tensor): Tensor {
  checkTensor('hardsigmoid', x);
  const v = floatInput(x).detach();
  const out = div(v.add(3).clamp(0, 6), 6);
  return record(out, 'HardsigmoidBackward', [floatInput(x)], (g) => [where(v.gt(-3).mul(v.lt(3)), div(g, 6), 0)], [x]);
}

/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => {
  checkTensor('softsign', x);
  return div(x, add(x.abs(), 1));
};

/** softmax(-x) along dim. */
export function softmin(x: Tensor, dim: number): Tensor {
  checkTensor('softmin', x);
  return softmax(x.neg(), dim);
}

/** The gated linear unit: the first half of dim times the sigmoid of the second half. */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor('glu', x);
  const d = normalizeDim('glu', dim, x.dim());
  if (x.shape[d] % 2 !== 0) throw new RangeError(`glu: halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`);
  const [a, b] = chunk(x, 2, d);
  return mul(a, sigmoid(b));
}

/** x where x > threshold, else value. */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  checkTensor('threshold', x);
  checkNumber('threshold', 'threshold', thresholdValue);
  checkNumber('threshold', 'value', value);
  return where(x.gt(thresholdValue), x, value);
}

/** max(0, x) + weight * min(0, x), weight one shared slope [1] or one per channel [C] (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor('prelu', x);
  checkTensor('prelu', weight);
  const n = weight.numel();
  if (n !== 1 && (x.dim() < 2 ? x.shape[0] !== n : x.shape[1] !== n)) {
    throw new RangeError(`prelu: weight has ${n} slopes but the input ${formatShape(x.shape)} has ${x.dim() < 2 ? x.shape[0] : x.shape[1]} channels`);
  }
  const w = n === 1 ? weight.reshape([]) : x.dim() < 2 ? weight : weight.reshape([n, ...x.shape.slice(2).map(() => 1)]);
  // at x = 0 the gradient is the slope's, as PyTorch's (x > 0 ? g : w g)
  return where(x.gt(0), x, mul(w, x));
}

function checkLambd(op: string, lambd: number): void {
  if (typeof lambd !== 'number' || !(lambd >= 0)) throw new RangeError(`${op}: lambda must be a non-negative number, but got ${describe(lambd)}`);
}

/** x - lambd above lambd, x + lambd below -lambd, else 0 (PyTorch's softshrink). */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  checkTensor('softshrink', x);
  checkLambd('softshrink', lambd);
  return where(x.gt(lambd), sub(x, lambd), where(x.lt(-lambd), add(x, lambd), 0));
}

/** x where |x| > lambd, else 0 (PyTorch's hardshrink). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  checkTensor('hardshrink', x);
  checkLambd('hardshrink', lambd);
  return where(x.abs().gt(lambd), x, 0);
}

/** x - tanh(x). */
export const tanhshrink = (x: Tensor): Tensor => {
  checkTensor('tanhshrink', x);
  return sub(x, tanh(x));
};
