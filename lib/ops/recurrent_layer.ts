/**
 * One RNN, LSTM or GRU layer in one direction over packed steps as a single op: the steps run
 * outside the tape (per step one GEMM for the hidden projection, then the fused gate kernel of
 * native/rnn.cc or the elementwise tanh/relu), and the backward walks them in reverse the same
 * way, then forms the hidden weight's gradient as ONE product over all steps. Step by step on
 * the tape, a 35-step layer made ~70 nodes, 35 small weight-gradient GEMMs and as many sums.
 */
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { recordMulti } from '../autograd/record.js';
import { copyInto, emptyTensor, zerosTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { denseFloat } from './dense.js';
import { elementwiseLayout } from './layout.js';
import { gemmInto, transposedView } from './matmul.js';

// the rows handed to kernels that write from element 0 are contiguous, so denseFloat is a subarray, never a copy
const dense = denseFloat;
const rows = (t: Tensor, start: number, count: number): Tensor => t.narrow(0, start, count);
const st = (t: Tensor): FloatStorage => t.storage as FloatStorage;

/** dst = a + b over three contiguous views of one shape. */
function addInto(dst: Tensor, a: Tensor, b: Tensor): void {
  native.binary(native.binaryOps.add, dst.storage, a.storage, b.storage, elementwiseLayout([dst.numel()], [dst.flatten(), a.flatten(), b.flatten()]));
}

/**
 * The bookkeeping every layer shares: packed step t holds rows [start, start + batchSizes[t])
 * for the first batchSizes[t] sequences (non-increasing, B = batchSizes[0]); steps run last to
 * first when `reverse`. Holds the running hidden state h [B, H], each step's input h (for the
 * weight gradient) and the hidden weight.
 */
class Steps {
  readonly dtype: Tensor['dtype'];
  readonly total: number;
  readonly batch: number;
  readonly starts: number[] = [];
  readonly w: Tensor;
  readonly wT: Tensor;
  readonly h: Tensor;
  readonly hPrev: Tensor;

  constructor(readonly op: string, proj: Tensor, wHh: Tensor, h0: Tensor, readonly hidden: number, readonly batchSizes: readonly number[], readonly reverse: boolean) {
    this.dtype = proj.dtype;
    this.total = proj.shape[0];
    this.batch = h0.shape[0];
    for (let t = 0, s = 0; t < batchSizes.length; s += batchSizes[t], t++) this.starts.push(s);
    this.w = wHh.detach();
    this.wT = transposedView(this.w);
    this.h = this.copyOf(h0);
    this.hPrev = this.empty([this.total, hidden]);
  }

  empty(shape: number[]): Tensor {
    return emptyTensor(shape, this.dtype, this.op);
  }

  copyOf(t: Tensor): Tensor {
    const c = this.empty([...t.shape]);
    copyInto(c, t.detach());
    return c;
  }

  /** fn(size, start) for every step in processing order, after saving the step's input h. */
  forward(fn: (bs: number, s: number) => void): void {
    const n = this.batchSizes.length;
    for (let i = 0; i < n; i++) {
      const t = this.reverse ? n - 1 - i : i;
      const bs = this.batchSizes[t];
      copyInto(rows(this.hPrev, this.starts[t], bs), rows(this.h, 0, bs));
      fn(bs, this.starts[t]);
    }
  }

  /**
   * Walks the steps in reverse processing order with dh (h's gradient, from ghN); fn gets the
   * step's whole gradient for its new h (its output's plus what the next step sent back) and
   * must leave dh's first `bs` rows holding the gradient for the step's input h.
   */
  backward(gOut: Tensor, ghN: Tensor, fn: (dhStep: Tensor, dh: Tensor, bs: number, s: number) => void): Tensor {
    const go = contiguous(gOut);
    const dh = this.copyOf(ghN);
    const dhStep = this.empty([this.batch, this.hidden]);
    const n = this.batchSizes.length;
    for (let i = n - 1; i >= 0; i--) {
      const t = this.reverse ? n - 1 - i : i;
      const bs = this.batchSizes[t];
      const s = this.starts[t];
      const step = rows(dhStep, 0, bs);
      addInto(step, rows(go, s, bs), rows(dh, 0, bs));
      fn(step, rows(dh, 0, bs), bs, s);
    }
    return dh;
  }

  /** The hidden weight's gradient over every step at once: dgatesᵀ · (each step's input h). */
  weightGrad(dgates: Tensor): Tensor {
    const dw = zerosTensor([dgates.shape[1], this.hidden], this.dtype, this.op);
    if (this.total > 0) gemmInto(dw, transposedView(dgates), this.hPrev, 0);
    return dw;
  }
}

/**
 * out [sum(batchSizes), H], hN and cN [B, H] of an LSTM layer: proj [sum(batchSizes), 4H] is
 * every step's input projection (both biases included). With wHr [P, H] (PyTorch's projSize),
 * each step's h is projected to P values, which are both the output and the recurrent state
 * (wHh is then [4H, P]): out and hN are [.., P], cN stays [B, H]. The caller (nn.LSTM) has
 * checked the shapes and dtypes.
 */
export function lstmLayer(proj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, batchSizes: readonly number[], reverse: boolean, wHr: Tensor | null = null): [Tensor, Tensor, Tensor] {
  const four = proj.shape[1];
  const hidden = four / 4;
  const width = wHr ? wHr.shape[0] : hidden;  // of h: the state and the output
  const k = new Steps('LSTM', proj, wHh, h0, width, batchSizes, reverse);
  const p = contiguous(proj.detach());
  const out = k.empty([k.total, width]);
  // each step's h before the projection (the output itself without one)
  const hc = wHr ? k.empty([k.total, hidden]) : out;
  const wr = wHr ? wHr.detach() : null;
  const wrT = wr ? transposedView(wr) : null;
  const act = k.empty([k.total, four]);
  const tc = k.empty([k.total, hidden]);
  const cPrev = k.empty([k.total, hidden]);
  const c = k.copyOf(c0);
  const hProj = k.empty([k.batch, four]);
  const cNext = k.empty([k.batch, hidden]);
  k.forward((bs, s) => {
    copyInto(rows(cPrev, s, bs), rows(c, 0, bs));
    gemmInto(rows(hProj, 0, bs), rows(k.h, 0, bs), k.wT, 0);
    const hcRows = rows(hc, s, bs);
    native.lstmCell(st(p), st(hProj), st(c), dense(hcRows), dense(rows(cNext, 0, bs)), dense(rows(act, s, bs)), dense(rows(tc, s, bs)),
      Float64Array.of(p.offset + s * four, 0, 0, bs, hidden));
    const outRows = rows(out, s, bs);
    if (wrT) gemmInto(outRows, hcRows, wrT, 0);
    copyInto(rows(k.h, 0, bs), outRows);
    copyInto(rows(c, 0, bs), rows(cNext, 0, bs));
  });
  return recordMulti([out, k.h, c], 'LstmLayerBackward', [proj, wHh, h0, c0, wHr], ([gOut, ghN, gcN], needs) => {
    const dc = k.copyOf(gcN);
    const dgates = k.empty([k.total, four]);
    const dcPrev = k.empty([k.batch, hidden]);
    // with a projection: every step's gradient of its projected h (for wHr's gradient), and of h itself
    const dOut = wr ? k.empty([k.total, width]) : null;
    const dhc = wr ? k.empty([k.batch, hidden]) : null;
    const dh = k.backward(gOut, ghN, (dhStep, dhb, bs, s) => {
      let dH = dhStep;
      if (wr && dOut && dhc) {
        copyInto(rows(dOut, s, bs), dhStep);
        dH = rows(dhc, 0, bs);
        gemmInto(dH, dhStep, wr, 0);
      }
      const dg = rows(dgates, s, bs);
      native.lstmCellBackward(st(dH), st(dc), dense(rows(act, s, bs)), dense(rows(tc, s, bs)), st(cPrev), dense(dg), dense(rows(dcPrev, 0, bs)),
        Float64Array.of(dH.offset, 0, s * hidden, bs, hidden));
      copyInto(rows(dc, 0, bs), rows(dcPrev, 0, bs));
      gemmInto(dhb, dg, k.w, 0);
    });
    let gWr: Tensor | null = null;
    if (needs[4] && wr && dOut) {
      // every step at once: the projected gradients' transpose times the unprojected h
      gWr = zerosTensor([width, hidden], k.dtype, 'LSTM');
      if (k.total > 0) gemmInto(gWr, transposedView(dOut), hc, 0);
    }
    return [needs[0] ? dgates : null, needs[1] ? k.weightGrad(dgates) : null, needs[2] ? dh : null, needs[3] ? dc : null, gWr];
  }, [wHh, ...(wHr ? [wHr] : [])]) as [Tensor, Tensor, Tensor];
}

/**
 * out [sum(batchSizes), H] and hN [B, H] of a GRU layer: proj [sum(batchSizes), 3H] is every
 * step's input projection (input bias included); the hidden projection keeps bHh, which r
 * multiplies in the n gate, as PyTorch.
 */
export function gruLayer(proj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, batchSizes: readonly number[], reverse: boolean): [Tensor, Tensor] {
  const three = proj.shape[1];
  const hidden = three / 3;
  const k = new Steps('GRU', proj, wHh, h0, hidden, batchSizes, reverse);
  const p = contiguous(proj.detach());
  const bias = bHh ? bHh.detach() : null;
  const out = k.empty([k.total, hidden]);
  const act = k.empty([k.total, three]);
  const hp = k.empty([k.total, three]);  // every step's hidden projection, bias included
  k.forward((bs, s) => {
    const hpRows = rows(hp, s, bs);
    if (bias) copyInto(hpRows, bias.expand([bs, three]));
    gemmInto(hpRows, rows(k.h, 0, bs), k.wT, bias ? 1 : 0);
    const outRows = rows(out, s, bs);
    native.gruCell(st(p), st(hp), st(k.h), dense(outRows), dense(rows(act, s, bs)), Float64Array.of(p.offset + s * three, s * three, 0, bs, hidden));
    copyInto(rows(k.h, 0, bs), outRows);
  });
  return recordMulti([out, k.h], 'GruLayerBackward', [proj, wHh, bHh, h0], ([gOut, ghN], needs) => {
    const dx = k.empty([k.total, three]);
    const dhp = k.empty([k.total, three]);
    const dhd = k.empty([k.batch, hidden]);
    const dh = k.backward(gOut, ghN, (dhStep, dhb, bs, s) => {
      const dhpRows = rows(dhp, s, bs);
      native.gruCellBackward(st(dhStep), dense(rows(act, s, bs)), st(hp), st(k.hPrev), dense(rows(dx, s, bs)), dense(dhpRows), dense(rows(dhd, 0, bs)),
        Float64Array.of(dhStep.offset, s * three, s * hidden, bs, hidden));
      // h's gradient for the step before: through z directly, and back through the hidden projection
      copyInto(dhb, rows(dhd, 0, bs));
      gemmInto(dhb, dhpRows, k.w, 1);
    });
    return [needs[0] ? dx : null, needs[1] ? k.weightGrad(dhp) : null, needs[2] ? dhp.sum(0) : null, needs[3] ? dh : null];
  }, [wHh]) as [Tensor, Tensor];
}

/**
 * out [sum(batchSizes), H] and hN [B, H] of an Elman RNN layer, h' = tanh or relu(proj + h
 * W_hhᵀ): proj [sum(batchSizes), H] is every step's input projection with both biases.
 */
export function rnnLayer(proj: Tensor, wHh: Tensor, h0: Tensor, batchSizes: readonly number[], reverse: boolean, nonlinearity: 'tanh' | 'relu'): [Tensor, Tensor] {
  const hidden = proj.shape[1];
  const k = new Steps('RNN', proj, wHh, h0, hidden, batchSizes, reverse);
  const out = k.empty([k.total, hidden]);
  const pre = k.empty([k.batch, hidden]);
  const act = nonlinearity === 'tanh' ? native.unaryOps.tanh : native.unaryOps.relu;
  const p = proj.detach();
  k.forward((bs, s) => {
    const pb = rows(pre, 0, bs);
    copyInto(pb, rows(p, s, bs));
    gemmInto(pb, rows(k.h, 0, bs), k.wT, 1);
    const outRows = rows(out, s, bs);
    native.unary(act, out.storage, pre.storage, elementwiseLayout([bs * hidden], [outRows.flatten(), pb.flatten()]));
    copyInto(rows(k.h, 0, bs), outRows);
  });
  return recordMulti([out, k.h], 'RnnLayerBackward', [proj, wHh, h0], ([gOut, ghN], needs) => {
    const dpre = k.empty([k.total, hidden]);
    const back = nonlinearity === 'tanh' ? native.binaryOps.tanhBackward : native.binaryOps.reluBackward;
    const dh = k.backward(gOut, ghN, (dhStep, dhb, bs, s) => {
      // through the nonlinearity, from its output (tanh: 1 - y², relu: y > 0)
      const dp = rows(dpre, s, bs);
      native.binary(back, dpre.storage, dhStep.storage, out.storage, elementwiseLayout([bs * hidden], [dp.flatten(), dhStep.flatten(), rows(out, s, bs).flatten()]));
      gemmInto(dhb, dp, k.w, 0);
    });
    return [needs[0] ? dpre : null, needs[1] ? k.weightGrad(dpre) : null, needs[2] ? dh : null];
  }, [wHh]) as [Tensor, Tensor];
}
