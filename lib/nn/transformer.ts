/**
 * TransformerEncoderLayer/Encoder, TransformerDecoderLayer/Decoder and Transformer (PyTorch's
 * nn/modules/transformer.py) with PyTorch's submodule names (self_attn, multihead_attn,
 * linear1, linear2, norm1..3, dropout, dropout1..3; layers.0, …; encoder.norm, decoder.norm),
 * post-norm by default or normFirst.
 */
import { checkFloat } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { Module } from './module.js';
import { ModuleList } from './containers.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './attention.js';
import * as F from './functional.js';
import * as init from './init.js';
import { generateSquareSubsequentMask } from '../ops/attention.js';
import { checkOptions } from '../options.js';

const LAYER_OPTIONS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias', 'dtype'];
// PyTorch's enableNestedTensor and maskCheck only choose its fast paths; accepted so ported code runs.
const STACK_OPTIONS = ['norm', 'enableNestedTensor', 'maskCheck'];

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  dtype?: DType;
}

/** The feed-forward block's activation from its name or a function. */
function activationOf(layer: string, act: TransformerEncoderLayerOptions['activation'] = 'relu'): (x: Tensor) => Tensor {
  if (typeof act === 'function') return act;
  if (act === 'relu') return (x) => x.relu();
  if (act === 'gelu') return (x) => F.gelu(x);
  throw new RangeError(`${layer}: activation should be 'relu' or 'gelu' (or a function), not ${describe(act)}`);
}

export interface EncoderCallOptions {
  /** [L, L] or [N*nhead, L, L]: true (or -inf) where attending is not allowed. */
  srcMask?: Tensor | null;
  /** [N, L]: true where a position is padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask (instead of srcMask). */
  isCausal?: boolean;
}

/** Self-attention then a feed-forward block, each with a residual connection and LayerNorm. */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;

  /** Throws RangeError for an unknown activation or dModel not divisible by nhead. */
  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerEncoderLayerOptions = {}) {
    super();
    this.options = options = checkOptions(new.target.name, options, LAYER_OPTIONS);
    const p = options.dropout ?? 0.1;
    const dtype = options.dtype;
    const ff = options.dimFeedforward ?? 2048;
    const bias = options.bias ?? true;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst, bias, dtype });
    this.linear1 = new Linear(dModel, ff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype });
    this.norm1 = new LayerNorm(dModel, { eps: options.layerNormEps ?? 1e-5, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: options.layerNormEps ?? 1e-5, bias, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.normFirst = options.normFirst ?? false;
    this.activation = activationOf('TransformerEncoderLayer', options.activation);
  }

  private selfAttention(x: Tensor, o: EncoderCallOptions): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask: o.srcMask, keyPaddingMask: o.srcKeyPaddingMask, needWeights: false, isCausal: o.isCausal });
    return this.dropout1(y);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }

  forward(src: Tensor, options: EncoderCallOptions = {}): Tensor {
    options = checkOptions(this.constructor.name, options, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    checkFloat(this.constructor.name, 'src', src);
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttention(this.norm1(x), options));
      return x.add(this.feedForward(this.norm2(x)));
    }
    x = this.norm1(x.add(this.selfAttention(x, options)));
    return this.norm2(x.add(this.feedForward(x)));
  }

  /** A new layer with the same settings and a copy of this one's parameters. */
  copy(): TransformerEncoderLayer {
    const c = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    c.loadStateDict(this.stateDict());
    return c;
  }
}

/** numLayers independent copies of a layer (PyTorch's _get_clones); TypeError/RangeError naming the stack. */
function copiesOf<L extends Module & { copy(): L }>(stack: string, layer: unknown, Kind: abstract new (...args: never[]) => L, numLayers: number): ModuleList {
  if (!(layer instanceof Kind)) throw new TypeError(`${stack}: expected a ${Kind.name}, but received ${describe(layer)}`);
  if (!Number.isInteger(numLayers) || numLayers <= 0) throw new RangeError(`${stack}: expected numLayers to be a positive integer, but received ${describe(numLayers)}`);
  return new ModuleList(Array.from({ length: numLayers }, () => (layer as L).copy()));
}

/** numLayers copies of an encoder layer applied in turn, then an optional final norm. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean } = {}) {
    super();
    options = checkOptions('TransformerEncoder', options, STACK_OPTIONS);
    this.layers = copiesOf('TransformerEncoder', encoderLayer, TransformerEncoderLayer, numLayers);
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    options = checkOptions(this.constructor.name, options, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    checkFloat(this.constructor.name, 'src', src);
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    return this.norm ? this.norm<Tensor>(x) : x;
  }
}

export interface DecoderCallOptions {
  /** [T, T] or [N*nhead, T, T]: true (or -inf) where a target position may not attend. */
  tgtMask?: Tensor | null;
  /** [T, S]: true (or -inf) where a target position may not attend to a memory position. */
  memoryMask?: Tensor | null;
  /** [N, T]: true where a target position is padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S]: true where a memory position is padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask to the self-attention (instead of tgtMask). */
  tgtIsCausal?: boolean;
  /** Apply a causal mask to the attention over memory (instead of memoryMask). */
  memoryIsCausal?: boolean;
}

/**
 * Self-attention, attention over the encoder's output (memory), then a feed-forward block,
 * each with a residual connection and LayerNorm. forward(tgt, memory, options) → tgt's shape.
 * Throws RangeError for an unknown activation or dModel not divisible by nhead.
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerEncoderLayerOptions = {}) {
    super();
    this.options = options = checkOptions(new.target.name, options, LAYER_OPTIONS);
    const p = options.dropout ?? 0.1;
    const dtype = options.dtype;
    const ff = options.dimFeedforward ?? 2048;
    const bias = options.bias ?? true;
    const eps = options.layerNormEps ?? 1e-5;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst, bias, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst, bias, dtype });
    this.linear1 = new Linear(dModel, ff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype });
    this.norm1 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, bias, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.normFirst = options.normFirst ?? false;
    this.activation = activationOf('TransformerDecoderLayer', options.activation);
  }

  private selfAttention(x: Tensor, o: DecoderCallOptions): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask: o.tgtMask, keyPaddingMask: o.tgtKeyPaddingMask, needWeights: false, isCausal: o.tgtIsCausal });
    return this.dropout1(y);
  }

  private crossAttention(x: Tensor, memory: Tensor, o: DecoderCallOptions): Tensor {
    const [y] = this.multihead_attn.forward(x, memory, memory, { attnMask: o.memoryMask, keyPaddingMask: o.memoryKeyPaddingMask, needWeights: false, isCausal: o.memoryIsCausal });
    return this.dropout2(y);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout3(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    options = checkOptions(this.constructor.name, options, ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal']);
    checkFloat(this.constructor.name, 'tgt', tgt);
    checkFloat(this.constructor.name, 'memory', memory);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.selfAttention(this.norm1(x), options));
      x = x.add(this.crossAttention(this.norm2(x), memory, options));
      return x.add(this.feedForward(this.norm3(x)));
    }
    x = this.norm1(x.add(this.selfAttention(x, options)));
    x = this.norm2(x.add(this.crossAttention(x, memory, options)));
    return this.norm3(x.add(this.feedForward(x)));
  }

  /** A new layer with the same settings and a copy of this one's parameters. */
  copy(): TransformerDecoderLayer {
    const c = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    c.loadStateDict(this.stateDict());
    return c;
  }
}

/** numLayers copies of a decoder layer applied in turn over the same memory, then an optional final norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  /** Throws TypeError when decoderLayer is not a TransformerDecoderLayer, RangeError for a bad numLayers. */
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, options: { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean } = {}) {
    super();
    options = checkOptions('TransformerDecoder', options, STACK_OPTIONS);
    this.layers = copiesOf('TransformerDecoder', decoderLayer, TransformerDecoderLayer, numLayers);
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    options = checkOptions(this.constructor.name, options, ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal']);
    checkFloat(this.constructor.name, 'tgt', tgt);
    checkFloat(this.constructor.name, 'memory', memory);
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, options);
    return this.norm ? this.norm<Tensor>(x) : x;
  }
}

export interface TransformerOptions extends TransformerEncoderLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerCallOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need": an encoder stack over src
 * (final LayerNorm as encoder.norm) and a decoder stack over tgt attending to the encoder's
 * output (decoder.norm). Defaults as PyTorch: dModel 512, nhead 8, 6 + 6 layers, feed-forward
 * 2048, dropout 0.1; weight matrices xavier-uniform. forward(src, tgt, options) → tgt's shape.
 * Options may come as one object, or dModel and nhead positionally first. Throws RangeError
 * when dModel is not divisible by nhead or src and tgt disagree on batch or feature size.
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(dModelOrOptions: number | TransformerOptions = {}, nhead?: number, options: TransformerOptions = {}) {
    super();
    const allowed = [...LAYER_OPTIONS, 'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'customEncoder', 'customDecoder'];
    const o: TransformerOptions = typeof dModelOrOptions === 'number'
      ? { ...checkOptions('Transformer', options, allowed), dModel: dModelOrOptions, nhead: nhead ?? options?.nhead }
      : checkOptions('Transformer', dModelOrOptions, allowed);
    this.dModel = o.dModel ?? 512;
    this.nhead = o.nhead ?? 8;
    this.batchFirst = o.batchFirst ?? false;
    const layerOptions: TransformerEncoderLayerOptions = {
      dimFeedforward: o.dimFeedforward, dropout: o.dropout, activation: o.activation, layerNormEps: o.layerNormEps,
      batchFirst: o.batchFirst, normFirst: o.normFirst, bias: o.bias, dtype: o.dtype,
    };
    const finalNorm = () => new LayerNorm(this.dModel, { eps: o.layerNormEps ?? 1e-5, bias: o.bias ?? true, dtype: o.dtype });
    this.encoder = o.customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(this.dModel, this.nhead, layerOptions), o.numEncoderLayers ?? 6, { norm: finalNorm() });
    this.decoder = o.customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(this.dModel, this.nhead, layerOptions), o.numDecoderLayers ?? 6, { norm: finalNorm() });
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }

  forward(src: Tensor, tgt: Tensor, options: TransformerCallOptions = {}): Tensor {
    options = checkOptions('Transformer', options, ['srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'srcIsCausal', 'tgtIsCausal', 'memoryIsCausal']);
    checkFloat('Transformer', 'src', src);
    checkFloat('Transformer', 'tgt', tgt);
    const b = this.batchFirst ? 0 : 1;
    if (src.dim() === 3 && tgt.dim() === 3 && src.shape[b] !== tgt.shape[b]) {
      throw new RangeError(`Transformer: the batch size of src ${formatShape(src.shape)} and tgt ${formatShape(tgt.shape)} must be equal`);
    }
    if (src.shape[src.dim() - 1] !== this.dModel || tgt.shape[tgt.dim() - 1] !== this.dModel) {
      throw new RangeError(`Transformer: the feature size of src ${formatShape(src.shape)} and tgt ${formatShape(tgt.shape)} must equal dModel (${this.dModel})`);
    }
    const memory = this.encoder<Tensor>(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.srcIsCausal });
    return this.decoder<Tensor>(tgt, memory, {
      tgtMask: options.tgtMask, memoryMask: options.memoryMask, tgtKeyPaddingMask: options.tgtKeyPaddingMask,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask, tgtIsCausal: options.tgtIsCausal, memoryIsCausal: options.memoryIsCausal,
    });
  }

  /** A [sz, sz] float mask with -inf above the diagonal (PyTorch's Transformer.generate_square_subsequent_mask). */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
    return generateSquareSubsequentMask(sz, sz, options.dtype ?? 'float32');
  }
}
