/**
 * nn.init: in-place initialisers with PyTorch's formulas, drawing from kindling's seeded
 * generator. Each fills the tensor under noGrad and returns it.
 */
import { checkOptions, checkNumber } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { noGrad } from '../autograd/grad_mode.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { normal_ as fillNormal_, uniform_ as fillUniform_ } from '../ops/pointwise_inplace.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu' | 'conv1d' | 'conv2d' | 'conv3d';
export type FanMode = 'fanIn' | 'fanOut';

function target(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, but received ${describe(t)}`);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating-point tensor, but got ${t.dtype}`);
  return t;
}

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'sigmoid': case 'conv1d': case 'conv2d': case 'conv3d': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
  }
  throw new RangeError(`calculateGain: unsupported nonlinearity ${String(nonlinearity)}`);
}

/** Fan-in and fan-out of a weight: [out, in, ...receptive field]. */
export function calculateFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.dim() < 2) throw new RangeError(`fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [${t.shape.join(', ')}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  target('uniform_', t);
  checkNumber('uniform_', 'a', a);
  checkNumber('uniform_', 'b', b);
  if (!(a <= b)) throw new RangeError(`uniform_: expected a <= b, but got a=${a}, b=${b}`);
  return noGrad(() => fillUniform_(t, a, b, { generator }));
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  target('normal_', t);
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std);
  if (!(std >= 0)) throw new RangeError(`normal_: expected std >= 0, but got ${std}`);
  return noGrad(() => fillNormal_(t, mean, std, { generator }));
}

export function constant_(t: Tensor, value: number): Tensor {
  target('constant_', t);
  noGrad(() => t.fill_(value));
  return t;
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export function xavierUniform_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const { fanIn, fanOut } = calculateFans(target('xavierUniform_', t));
  checkNumber('xavierUniform_', 'gain', gain);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, generator);
}

export function xavierNormal_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const { fanIn, fanOut } = calculateFans(target('xavierNormal_', t));
  checkNumber('xavierNormal_', 'gain', gain);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (for 'leakyRelu'); default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(op: string, t: Tensor, o: KaimingOptions): number {
  const fans = calculateFans(target(op, t));
  const mode = o.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`${op}: mode must be 'fanIn' or 'fanOut', but got ${String(mode)}`);
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return gain / Math.sqrt(mode === 'fanIn' ? fans.fanIn : fans.fanOut);
}

export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  options = checkOptions('kaimingUniform_', options, ['a', 'mode', 'nonlinearity', 'generator']);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
  return uniform_(t, -bound, bound, options.generator);
}

export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  options = checkOptions('kaimingNormal_', options, ['a', 'mode', 'nonlinearity', 'generator']);
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, options), options.generator);
}
