/**
 * Recurrent layers (PyTorch's nn/modules/rnn.py): RNN (tanh, relu), LSTM and GRU with
 * numLayers, bias, batchFirst, dropout between layers, bidirectional and initial states, and
 * the single-step cells. Parameters carry PyTorch's names (weight_ih_l0, weight_hh_l0_reverse,
 * bias_ih_l1, …) and gate order (LSTM i, f, g, o; GRU r, z, n), so state dicts move both ways.
 * The input projection of all time steps is one GEMM per layer and direction; each step is
 * then one GEMM for all gates plus the gate math as tensor ops (not yet a fused kernel).
 * A PackedSequence input runs each step over only the sequences that have it.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty, zeros } from '../tensor/create.js';
import { stack, cat } from '../ops/indexing.js';
import { checkFloat } from '../ops/loss.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';
import { gruLayer, lstmLayer, rnnLayer } from '../ops/recurrent_layer.js';
import { PackedSequence } from './utils/rnn.js';
import { checkOptions } from '../options.js';

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

const RNN_OPTIONS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'projSize'];

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as [batch, seq, feature] instead of [seq, batch, feature]. */
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last, when training. */
  dropout?: number;
  bidirectional?: boolean;
  /** LSTM only: project each step's h to this many values (PyTorch's proj_size; 0 = none). */
  projSize?: number;
  dtype?: DType;
}

/**
 * One step of a cell: the layer op over a single packed step holding the whole batch, so the
 * cells share the layers' kernels and gradients. Returns the new hidden state (and cell state
 * for LSTM).
 */
function step(mode: Mode, x: Tensor, h: Tensor, c: Tensor | null, wIh: Tensor, bIh: Tensor | null, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor | null] {
  const steps = [x.shape[0]];
  if (mode === 'GRU') return [gruLayer(F.linear(x, wIh, bIh), wHh, bHh, h, steps, false)[0], null];
  const proj = F.linear(x, wIh, bIh !== null && bHh !== null ? bIh.add(bHh) : bIh);
  if (mode === 'LSTM') {
    const [out, , c2] = lstmLayer(proj, wHh, h, c!, steps, false);
    return [out, c2];
  }
  return [rnnLayer(proj, wHh, h, steps, false, mode === 'RNN_TANH' ? 'tanh' : 'relu')[0], null];
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly hasBias: boolean;
  /** LSTM's projection size (0: none); h, the output and weight_hh's width are then projSize. */
  readonly projSize: number;

  /** The width of h (the state and each direction's output): projSize, or hiddenSize. */
  get stateSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  constructor(protected readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions) {
    super();
    const name = this.constructor.name;
    options = checkOptions(name, options, mode.startsWith('RNN') ? [...RNN_OPTIONS, 'nonlinearity'] : RNN_OPTIONS);
    const projSize = options.projSize ?? 0;
    if (projSize !== 0 && mode !== 'LSTM') throw new RangeError(`${name}: projSize is only supported by LSTM`);
    if (!Number.isInteger(projSize) || projSize < 0 || (projSize > 0 && projSize >= hiddenSize)) {
      throw new RangeError(`${name}: projSize must be a non-negative integer smaller than hiddenSize (${hiddenSize}), but received ${describe(options.projSize)}`);
    }
    this.projSize = projSize;
    for (const [k, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', options.numLayers ?? 1]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: expected ${k} to be a positive integer, but received ${describe(v)}`);
    }
    this.numLayers = options.numLayers ?? 1;
    this.bidirectional = options.bidirectional ?? false;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`${name}: dropout should be a number in [0, 1], but received ${describe(options.dropout)}`);
    this.hasBias = options.bias ?? true;
    const dtype = options.dtype ?? 'float32';
    const g = GATES[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const hWidth = this.stateSize;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : hWidth * dirs;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(empty([g, inSize], { dtype })));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(empty([g, hWidth], { dtype })));
        if (this.hasBias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(empty([g], { dtype })));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(empty([g], { dtype })));
        }
        if (this.projSize > 0) this.registerParameter(`weight_hr${sfx}`, new Parameter(empty([this.projSize, hiddenSize], { dtype })));
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias uniform in ±1/sqrt(hiddenSize), as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  private param(name: string): Tensor | null {
    return ((this as unknown as Record<string, Tensor | undefined>)[name]) ?? null;
  }

  /**
   * Runs all layers over a padded [T, B, I] (or batchFirst, or unbatched [T, I]) input or a
   * PackedSequence; h0 (and c0) are [L*D, B, H] in the caller's batch order.
   */
  protected run(input: Tensor | PackedSequence, h0: Tensor | null, c0: Tensor | null): { output: Tensor | PackedSequence; hN: Tensor; cN: Tensor | null } {
    const name = this.constructor.name;
    const packed = input instanceof PackedSequence ? input : null;
    const x = packed ? packed.data : input as Tensor;
    checkFloat(name, packed ? 'input.data' : 'input', x);
    const unbatched = !packed && x.dim() === 2;
    if (!packed && x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`${name}: expected a 2-D (unbatched) or 3-D input, but got ${formatShape(x.shape)}`);
    if (packed && x.dim() !== 2) throw new RangeError(`${name}: expected a packed sequence of [steps, features] data, but its data is ${formatShape(x.shape)}`);
    if (x.shape[x.dim() - 1] !== this.inputSize) throw new RangeError(`${name}: expected input with ${this.inputSize} features (last dim), but got ${formatShape(x.shape)}`);
    // a padded batch is a packed one whose every step holds the whole batch
    const seq = packed ? null : unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    const batchSizes = packed ? packed.steps : new Array<number>(seq!.shape[0]).fill(seq!.shape[1]);
    const batch = packed ? (batchSizes[0] ?? 0) : seq!.shape[1];
    const dirs = this.bidirectional ? 2 : 1;
    const state = (s: Tensor | null, what: string, width: number): Tensor => {
      const stateShape = [this.numLayers * dirs, batch, width];
      if (s === null) return zeros(stateShape, { dtype: x.dtype });
      checkFloat(name, what, s);
      const t = unbatched && s.dim() === 2 ? s.unsqueeze(1) : s;
      if (t.dim() !== 3 || t.shape.some((v, i) => v !== stateShape[i])) {
        throw new RangeError(`${name}: expected ${what} of shape ${formatShape(unbatched ? [stateShape[0], stateShape[2]] : stateShape)}, but got ${formatShape(s.shape)}`);
      }
      // packed batches run longest-first: put the caller's states in that order
      return packed?.sortedIndices ? t.indexSelect(1, packed.sortedIndices) : t;
    };
    const h = state(h0, 'hidden state h0', this.stateSize);
    const c = this.mode === 'LSTM' ? state(c0, 'cell state c0', this.hiddenSize) : null;
    let data = packed ? x : seq!.reshape([-1, this.inputSize]);
    const hOut: Tensor[] = [];
    const cOut: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const r = this.direction(data, batchSizes, d === 1, this.param(`weight_ih${sfx}`)!, this.param(`bias_ih${sfx}`), this.param(`weight_hh${sfx}`)!,
          this.param(`bias_hh${sfx}`), h.select(0, l * dirs + d), c ? c.select(0, l * dirs + d) : null, this.param(`weight_hr${sfx}`));
        outs.push(r.out);
        hOut.push(r.h);
        if (r.c) cOut.push(r.c);
      }
      data = dirs === 2 ? cat(outs, 1) : outs[0];
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) data = F.dropout(data, this.dropout, true);
    }
    const finish = (s: Tensor[]) => {
      const t = stack(s, 0);
      return unbatched ? t.squeeze(1) : packed?.unsortedIndices ? t.indexSelect(1, packed.unsortedIndices) : t;
    };
    let output: Tensor | PackedSequence;
    if (packed) output = packed.withData(data);
    else {
      const y = data.reshape([seq!.shape[0], batch, dirs * this.stateSize]);
      output = (unbatched ? y.squeeze(1) : this.batchFirst ? y.transpose(0, 1) : y).contiguous();
    }
    return { output, hN: finish(hOut), cN: c ? finish(cOut) : null };
  }

  /**
   * One layer in one direction over packed rows data [sum(batchSizes), I]: the input
   * projection of every step is one GEMM, then the steps run as one op
   * (lib/ops/recurrent_layer.ts); step t updates the first batchSizes[t] states (the
   * sequences that have a step t), the others keep theirs.
   */
  private direction(data: Tensor, batchSizes: number[], reverse: boolean, wIh: Tensor, bIh: Tensor | null, wHh: Tensor, bHh: Tensor | null,
    h0: Tensor, c0: Tensor | null, wHr: Tensor | null): { out: Tensor; h: Tensor; c: Tensor | null } {
    // The hidden bias is added once to every step's input projection instead of in each
    // step (GRU excepted: its n gate multiplies the hidden projection, bias included, by r).
    if (this.mode === 'GRU') {
      const [out, h] = gruLayer(F.linear(data, wIh, bIh), wHh, bHh, h0, batchSizes, reverse);
      return { out, h, c: null };
    }
    const proj = F.linear(data, wIh, bIh !== null && bHh !== null ? bIh.add(bHh) : bIh);
    if (this.mode === 'LSTM') {
      const [out, h, c] = lstmLayer(proj, wHh, h0, c0!, batchSizes, reverse, wHr);
      return { out, h, c };
    }
    const [out, h] = rnnLayer(proj, wHh, h0, batchSizes, reverse, this.mode === 'RNN_TANH' ? 'tanh' : 'relu');
    return { out, h, c: null };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}` + (this.numLayers !== 1 ? `, numLayers=${this.numLayers}` : '') +
      (this.batchFirst ? ', batchFirst=true' : '') + (this.bidirectional ? ', bidirectional=true' : '') + (this.dropout ? `, dropout=${this.dropout}` : '');
  }
}

/** Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). forward(x, h0?) → [output, hN]. */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN: unknown nonlinearity '${String(nl)}' (expected 'tanh' or 'relu')`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(x: Tensor | PackedSequence, h0: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const { output, hN } = this.run(x, h0, null);
    return [output, hN];
  }
}

/** LSTM (gates i, f, g, o). forward(x, [h0, c0]?) → [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  forward(x: PackedSequence, state?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(x: Tensor | PackedSequence, state: [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) throw new TypeError(`LSTM: expected the initial state as [h0, c0], but received ${describe(state)}`);
    const { output, hN, cN } = this.run(x, state ? state[0] : null, state ? state[1] : null);
    return [output, [hN, cN!]];
  }
}

/** GRU (gates r, z, n). forward(x, h0?) → [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(x: Tensor | PackedSequence, h0: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const { output, hN } = this.run(x, h0, null);
    return [output, hN];
  }
}

abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(protected readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, options: { bias?: boolean; dtype?: DType }) {
    super();
    options = checkOptions(this.constructor.name, options, mode.startsWith('RNN') ? ['bias', 'nonlinearity', 'dtype'] : ['bias', 'dtype']);
    for (const [k, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${this.constructor.name}: expected ${k} to be a positive integer, but received ${describe(v)}`);
    }
    const dtype = options.dtype ?? 'float32';
    const g = GATES[mode] * hiddenSize;
    this.weight_ih = new Parameter(empty([g, inputSize], { dtype }));
    this.weight_hh = new Parameter(empty([g, hiddenSize], { dtype }));
    this.bias_ih = options.bias === false ? null : new Parameter(empty([g], { dtype }));
    this.bias_hh = options.bias === false ? null : new Parameter(empty([g], { dtype }));
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  protected cell(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const name = this.constructor.name;
    checkFloat(name, 'input', x);
    if ((x.dim() !== 1 && x.dim() !== 2) || x.shape[x.dim() - 1] !== this.inputSize) {
      throw new RangeError(`${name}: expected input [batch, ${this.inputSize}] or [${this.inputSize}], but got ${formatShape(x.shape)}`);
    }
    const xb = x.dim() === 1 ? x.unsqueeze(0) : x;
    const shape = [xb.shape[0], this.hiddenSize];
    const state = (s: Tensor | null, what: string): Tensor => {
      if (s === null) return zeros(shape, { dtype: x.dtype });
      checkFloat(name, what, s);
      const t = x.dim() === 1 && s.dim() === 1 ? s.unsqueeze(0) : s;
      if (t.dim() !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
        throw new RangeError(`${name}: expected ${what} of shape ${formatShape(x.dim() === 1 ? [this.hiddenSize] : shape)}, but got ${formatShape(s.shape)}`);
      }
      return t;
    };
    const [h2, c2] = step(this.mode, xb, state(h, 'hidden state'), this.mode === 'LSTM' ? state(c, 'cell state') : null, this.weight_ih, this.bias_ih, this.weight_hh, this.bias_hh);
    return x.dim() === 1 ? [h2.squeeze(0), c2 ? c2.squeeze(0) : null] : [h2, c2];
  }
}

/** One RNN step: forward(x, h?) → h'. */
export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu'; dtype?: DType } = {}) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNNCell: unknown nonlinearity '${String(nl)}' (expected 'tanh' or 'relu')`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor { return this.cell(x, h, null)[0]; }
}

/** One LSTM step: forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.cell(x, state ? state[0] : null, state ? state[1] : null);
    return [h, c!];
  }
}

/** One GRU step: forward(x, h?) → h'. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor { return this.cell(x, h, null)[0]; }
}
