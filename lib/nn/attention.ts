/**
 * MultiheadAttention (PyTorch's nn.MultiheadAttention) with PyTorch's parameter names
 * (in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias; q_proj_weight, k_proj_weight,
 * v_proj_weight when kdim or vdim differ from embedDim) and mask conventions: a bool attnMask
 * or keyPaddingMask is true where attending is NOT allowed; float masks are added.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty, zeros } from '../tensor/create.js';
import { noGrad } from '../autograd/grad_mode.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';
import { applyMask, dropoutWeights, generateSquareSubsequentMask } from '../ops/attention.js';
import { checkFloat } from '../ops/loss.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Linear } from './linear.js';
import * as init from './init.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  kdim?: number;
  vdim?: number;
  batchFirst?: boolean;
  dtype?: DType;
}

export interface AttentionCallOptions {
  /** [N, S]: true (or -inf) where a key is padding. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** [L, S] or [N*numHeads, L, S]: true (or -inf) where attending is not allowed. */
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/** Attention over numHeads heads of embedDim / numHeads each. forward(q, k, v, options) → [output, weights | null]. */
export class MultiheadAttention extends Module {
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;

  /** Throws RangeError when embedDim is not divisible by numHeads. */
  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    options = checkOptions('MultiheadAttention', options, ['dropout', 'bias', 'kdim', 'vdim', 'batchFirst', 'dtype']);
    if (!Number.isInteger(embedDim) || embedDim <= 0 || !Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
      throw new RangeError(`MultiheadAttention: embedDim (${describe(embedDim)}) must be divisible by numHeads (${describe(numHeads)})`);
    }
    const dtype = options.dtype ?? 'float32';
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    const same = this.kdim === embedDim && this.vdim === embedDim;
    this.in_proj_weight = same ? new Parameter(empty([3 * embedDim, embedDim], { dtype })) : null;
    if (!same) {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], { dtype }));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], { dtype }));
    }
    this.in_proj_bias = options.bias === false ? null : new Parameter(zeros([3 * embedDim], { dtype }));
    this.out_proj = new Linear(embedDim, embedDim, { bias: options.bias !== false, dtype });
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform_(w);
    if (this.out_proj.bias) noGrad(() => this.out_proj.bias!.fill_(0));
  }

  private project(x: Tensor, i: number): Tensor {
    const e = this.embedDim;
    const w = this.in_proj_weight ? this.in_proj_weight.narrow(0, i * e, e) : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][i]!;
    return F.linear(x, w, this.in_proj_bias ? this.in_proj_bias.narrow(0, i * e, e) : null);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const name = 'MultiheadAttention';
    options = checkOptions(name, options, ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']);
    for (const [n, t] of [['query', query], ['key', key], ['value', value]] as const) checkFloat(name, n, t);
    const unbatched = query.dim() === 2;
    if (query.dim() !== key.dim() || query.dim() !== value.dim() || (query.dim() !== 2 && query.dim() !== 3)) {
      throw new RangeError(`${name}: expected query, key and value all 3-D (or all 2-D, unbatched), but got ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`);
    }
    const prep = (t: Tensor) => (unbatched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t);
    const [q0, k0, v0] = [prep(query), prep(key), prep(value)];  // [L, N, E], [S, N, kdim], [S, N, vdim]
    const [l, n, e] = q0.shape;
    const s = k0.shape[0];
    if (e !== this.embedDim || k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim || v0.shape[0] !== s || k0.shape[1] !== n || v0.shape[1] !== n) {
      throw new RangeError(`${name}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} do not fit embedDim ${this.embedDim}, kdim ${this.kdim}, vdim ${this.vdim}${this.batchFirst ? ' (batchFirst)' : ''}`);
    }
    const h = this.numHeads, d = this.headDim;
    const heads = (t: Tensor, len: number) => t.reshape([len, n, h, d]).permute([1, 2, 0, 3]);  // [N, H, len, d]
    const q = heads(this.project(q0, 0), l), k = heads(this.project(k0, 1), s), v = heads(this.project(v0, 2), s);
    let scores = matmul(q.mul(1 / Math.sqrt(d)), k.transpose(-2, -1));  // [N, H, L, S]
    let attnMask = options.attnMask ?? null;
    if (options.isCausal && !attnMask) attnMask = generateSquareSubsequentMask(l, s, q.dtype);
    if (attnMask) {
      const ok = attnMask.dim() === 2 ? attnMask.shape[0] === l && attnMask.shape[1] === s : attnMask.dim() === 3 && attnMask.shape[0] === n * h && attnMask.shape[1] === l && attnMask.shape[2] === s;
      if (!ok) throw new RangeError(`${name}: expected attnMask of shape [${l}, ${s}] or [${n * h}, ${l}, ${s}], but got ${formatShape(attnMask.shape)}`);
      scores = applyMask(scores, attnMask.dim() === 3 ? attnMask.reshape([n, h, l, s]) : attnMask, false);
    }
    if (options.keyPaddingMask) {
      const kpm = unbatched && options.keyPaddingMask.dim() === 1 ? options.keyPaddingMask.unsqueeze(0) : options.keyPaddingMask;
      if (kpm.dim() !== 2 || kpm.shape[0] !== n || kpm.shape[1] !== s) throw new RangeError(`${name}: expected keyPaddingMask of shape [${n}, ${s}], but got ${formatShape(options.keyPaddingMask.shape)}`);
      scores = applyMask(scores, kpm.reshape([n, 1, 1, s]), false);
    }
    let weights = softmax(scores, -1);
    if (this.dropout > 0 && this.training) weights = dropoutWeights(weights, this.dropout);
    const attended = matmul(weights, v).permute([2, 0, 1, 3]).reshape([l, n, e]);  // [L, N, E]
    let out = this.out_proj(attended);
    out = unbatched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (options.needWeights === false) return [out, null];
    let w = (options.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    if (unbatched) w = w.squeeze(0);
    return [out, w];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}
