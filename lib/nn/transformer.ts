/**
 * TransformerEncoderLayer and TransformerEncoder (PyTorch's nn/modules/transformer.py) with
 * PyTorch's submodule names (self_attn, linear1, linear2, norm1, norm2, dropout, dropout1,
 * dropout2; layers.0, …), post-norm by default or normFirst.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { Module } from './module.js';
import { ModuleList } from './containers.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './attention.js';
import * as F from './functional.js';

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
    const act = options.activation ?? 'relu';
    if (typeof act === 'function') this.activation = act;
    else if (act === 'relu') this.activation = (x) => x.relu();
    else if (act === 'gelu') this.activation = (x) => F.gelu(x);
    else throw new RangeError(`TransformerEncoderLayer: activation should be 'relu' or 'gelu' (or a function), not ${describe(act)}`);
  }

  private selfAttention(x: Tensor, o: EncoderCallOptions): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask: o.srcMask, keyPaddingMask: o.srcKeyPaddingMask, needWeights: false, isCausal: o.isCausal });
    return this.dropout1(y);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }

  forward(src: Tensor, options: EncoderCallOptions = {}): Tensor {
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

/** numLayers copies of an encoder layer applied in turn, then an optional final norm. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError(`TransformerEncoder: expected a TransformerEncoderLayer, but received ${describe(encoderLayer)}`);
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new RangeError(`TransformerEncoder: expected numLayers to be a positive integer, but received ${describe(numLayers)}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.copy()));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    return this.norm ? this.norm<Tensor>(x) : x;
  }
}
