/**
 * One RNN, LSTM or GRU layer in one direction over packed steps as a single op: the steps run
 * outside the tape (per step one GEMM for the hidden projection and the fused gate kernel,
 * native/rnn.cc, or the elementwise tanh/relu), and the backward walks them in reverse the same way, then forms the hidden
 * weight's gradient as ONE product over all steps. Step by step on the tape, a 35-step layer
 * made ~70 nodes, 35 small weight-gradient GEMMs and as many gradient sums.
 */
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { recordMulti } from '../autograd/record.js';
import { copyInto, emptyTensor, zerosTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { elementwiseLayout } from './layout.js';
import { gemmInto, transposedView } from './matmul.js';

/** A contiguous view's elements as their own typed array (no copy), for kernels that write from 0. */
const dense = (t: Tensor): FloatStorage => (t.storage as FloatStorage).subarray(t.offset, t.offset + t.numel()) as FloatStorage;
const rows = (t: Tensor, start: number, count: number): Tensor => t.narrow(0, start, count);

/** Where each step's rows start in packed data, and step i's index in processing order. */
function stepPlan(batchSizes: readonly number[], reverse: boolean): { starts: number[]; order: (i: number) => number } {
  const starts: number[] = [];
  for (let t = 0, s = 0; t < batchSizes.length; s += batchSizes[t], t++) starts.push(s);
  return { starts, order: (i: number) => (reverse ? batchSizes.length - 1 - i : i) };
}

/** dst = a + b over n elements of three contiguous views (a step's output gradient plus the one from the next step). */
function addInto(dst: Tensor, a: Tensor, b: Tensor): void {
  native.binary(native.binaryOps.add, dst.storage, a.storage, b.storage, elementwiseLayout([dst.numel()], [dst.flatten(), a.flatten(), b.flatten()]));
}

/**
 * out [sum(batchSizes), H], hN and cN [B, H] of an LSTM layer: proj [sum(batchSizes), 4H] is
 * every step's input projection (biases included), step t holding rows for the first
 * batchSizes[t] sequences (non-increasing, B = batchSizes[0]); steps run last to first when
 * `reverse`. The caller (nn.LSTM) has checked the shapes and dtypes.
 */
export function lstmLayer(proj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, batchSizes: readonly number[], reverse: boolean): [Tensor, Tensor, Tensor] {
  const op = 'LSTM';
  const dtype = proj.dtype;
  const [total, four] = proj.shape;
  const hidden = four / 4;
  const batch = h0.shape[0];
  const steps = batchSizes.length;
  const { starts, order } = stepPlan(batchSizes, reverse);
  const p = contiguous(proj.detach());
  const w = wHh.detach();
  const out = emptyTensor([total, hidden], dtype, op);
  const act = emptyTensor([total, four], dtype, op);
  const tc = emptyTensor([total, hidden], dtype, op);
  const hPrev = emptyTensor([total, hidden], dtype, op);
  const cPrev = emptyTensor([total, hidden], dtype, op);
  const h = emptyTensor([batch, hidden], dtype, op);
  const c = emptyTensor([batch, hidden], dtype, op);
  copyInto(h, h0.detach());
  copyInto(c, c0.detach());
  const hProj = emptyTensor([batch, four], dtype, op);
  const cNext = emptyTensor([batch, hidden], dtype, op);
  const wT = transposedView(w);
  for (let i = 0; i < steps; i++) {
    const t = order(i);
    const bs = batchSizes[t];
    const s = starts[t];
    const hb = rows(h, 0, bs);
    const cb = rows(c, 0, bs);
    copyInto(rows(hPrev, s, bs), hb);
    copyInto(rows(cPrev, s, bs), cb);
    const hp = rows(hProj, 0, bs);
    gemmInto(hp, hb, wT, 0);
    const outRows = rows(out, s, bs);
    native.lstmCell(p.storage as FloatStorage, hProj.storage as FloatStorage, c.storage as FloatStorage, dense(outRows), dense(rows(cNext, 0, bs)),
      dense(rows(act, s, bs)), dense(rows(tc, s, bs)), Float64Array.of(p.offset + s * four, 0, 0, bs, hidden));
    copyInto(hb, outRows);
    copyInto(cb, rows(cNext, 0, bs));
  }
  return recordMulti([out, h, c], 'LstmLayerBackward', [proj, wHh, h0, c0], ([gOut, ghN, gcN], needs) => {
    const go = contiguous(gOut);
    const dh = emptyTensor([batch, hidden], dtype, op);
    const dc = emptyTensor([batch, hidden], dtype, op);
    copyInto(dh, ghN);
    copyInto(dc, gcN);
    const dgates = emptyTensor([total, four], dtype, op);
    const dhStep = emptyTensor([batch, hidden], dtype, op);
    const dcPrev = emptyTensor([batch, hidden], dtype, op);
    for (let i = steps - 1; i >= 0; i--) {
      const t = order(i);
      const bs = batchSizes[t];
      const s = starts[t];
      const dhb = rows(dh, 0, bs);
      const step = rows(dhStep, 0, bs);
      // the step's output gradient plus what the next step sent back through h
      addInto(step, rows(go, s, bs), dhb);
      const dg = rows(dgates, s, bs);
      native.lstmCellBackward(dhStep.storage as FloatStorage, dc.storage as FloatStorage, dense(rows(act, s, bs)), dense(rows(tc, s, bs)),
        cPrev.storage as FloatStorage, dense(dg), dense(rows(dcPrev, 0, bs)), Float64Array.of(0, 0, s * hidden, bs, hidden));
      copyInto(rows(dc, 0, bs), rows(dcPrev, 0, bs));
      gemmInto(dhb, dg, w, 0);
    }
    let dw: Tensor | null = null;
    if (needs[1]) {
      // the hidden weight's gradient over every step at once: dgatesᵀ · (each step's input h)
      dw = zerosTensor([four, hidden], dtype, op);
      if (total > 0) gemmInto(dw, transposedView(dgates), hPrev, 0);
    }
    return [needs[0] ? dgates : null, dw, needs[2] ? dh : null, needs[3] ? dc : null];
  }, [wHh]) as [Tensor, Tensor, Tensor];
}

/**
 * out [sum(batchSizes), H] and hN [B, H] of a GRU layer: proj [sum(batchSizes), 3H] is every
 * step's input projection (input bias included); the hidden projection takes bHh inside r's
 * product, as PyTorch. Steps as lstmLayer's.
 */
export function gruLayer(proj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, batchSizes: readonly number[], reverse: boolean): [Tensor, Tensor] {
  const op = 'GRU';
  const dtype = proj.dtype;
  const [total, three] = proj.shape;
  const hidden = three / 3;
  const batch = h0.shape[0];
  const steps = batchSizes.length;
  const { starts, order } = stepPlan(batchSizes, reverse);
  const p = contiguous(proj.detach());
  const w = wHh.detach();
  const wT = transposedView(w);
  const bias = bHh ? bHh.detach() : null;
  const out = emptyTensor([total, hidden], dtype, op);
  const act = emptyTensor([total, three], dtype, op);
  const hp = emptyTensor([total, three], dtype, op);  // every step's hidden projection, bias included
  const hPrev = emptyTensor([total, hidden], dtype, op);
  const h = emptyTensor([batch, hidden], dtype, op);
  copyInto(h, h0.detach());
  for (let i = 0; i < steps; i++) {
    const t = order(i);
    const bs = batchSizes[t];
    const s = starts[t];
    const hb = rows(h, 0, bs);
    copyInto(rows(hPrev, s, bs), hb);
    const hpRows = rows(hp, s, bs);
    if (bias) copyInto(hpRows, bias.expand([bs, three]));
    gemmInto(hpRows, hb, wT, bias ? 1 : 0);
    const outRows = rows(out, s, bs);
    native.gruCell(p.storage as FloatStorage, hp.storage as FloatStorage, h.storage as FloatStorage, dense(outRows), dense(rows(act, s, bs)),
      Float64Array.of(p.offset + s * three, s * three, 0, bs, hidden));
    copyInto(hb, outRows);
  }
  return recordMulti([out, h], 'GruLayerBackward', [proj, wHh, bHh, h0], ([gOut, ghN], needs) => {
    const go = contiguous(gOut);
    const dh = emptyTensor([batch, hidden], dtype, op);
    copyInto(dh, ghN);
    const dx = emptyTensor([total, three], dtype, op);
    const dhp = emptyTensor([total, three], dtype, op);
    const dhStep = emptyTensor([batch, hidden], dtype, op);
    const dhd = emptyTensor([batch, hidden], dtype, op);
    for (let i = steps - 1; i >= 0; i--) {
      const t = order(i);
      const bs = batchSizes[t];
      const s = starts[t];
      const dhb = rows(dh, 0, bs);
      addInto(rows(dhStep, 0, bs), rows(go, s, bs), dhb);
      const dhpRows = rows(dhp, s, bs);
      native.gruCellBackward(dhStep.storage as FloatStorage, dense(rows(act, s, bs)), hp.storage as FloatStorage, hPrev.storage as FloatStorage,
        dense(rows(dx, s, bs)), dense(dhpRows), dense(rows(dhd, 0, bs)), Float64Array.of(0, s * three, s * hidden, bs, hidden));
      // h's gradient for the step before: through z directly, and back through the hidden projection
      copyInto(dhb, rows(dhd, 0, bs));
      gemmInto(dhb, dhpRows, w, 1);
    }
    let dw: Tensor | null = null;
    if (needs[1]) {
      dw = zerosTensor([three, hidden], dtype, op);
      if (total > 0) gemmInto(dw, transposedView(dhp), hPrev, 0);
    }
    const db = needs[2] ? dhp.sum(0) : null;
    return [needs[0] ? dx : null, dw, db, needs[3] ? dh : null];
  }, [wHh]) as [Tensor, Tensor];
}

/**
 * out [sum(batchSizes), H] and hN [B, H] of an Elman RNN layer, h' = tanh or relu(proj + h
 * W_hhᵀ): proj [sum(batchSizes), H] is every step's input projection with both biases. Steps as
 * lstmLayer's.
 */
export function rnnLayer(proj: Tensor, wHh: Tensor, h0: Tensor, batchSizes: readonly number[], reverse: boolean, nonlinearity: 'tanh' | 'relu'): [Tensor, Tensor] {
  const op = 'RNN';
  const dtype = proj.dtype;
  const [total, hidden] = proj.shape;
  const batch = h0.shape[0];
  const steps = batchSizes.length;
  const { starts, order } = stepPlan(batchSizes, reverse);
  const w = wHh.detach();
  const wT = transposedView(w);
  const out = emptyTensor([total, hidden], dtype, op);
  const hPrev = emptyTensor([total, hidden], dtype, op);
  const h = emptyTensor([batch, hidden], dtype, op);
  const pre = emptyTensor([batch, hidden], dtype, op);
  copyInto(h, h0.detach());
  const act = nonlinearity === 'tanh' ? native.unaryOps.tanh : native.unaryOps.relu;
  for (let i = 0; i < steps; i++) {
    const t = order(i);
    const bs = batchSizes[t];
    const s = starts[t];
    const hb = rows(h, 0, bs);
    copyInto(rows(hPrev, s, bs), hb);
    const pb = rows(pre, 0, bs);
    copyInto(pb, rows(proj.detach(), s, bs));
    gemmInto(pb, hb, wT, 1);
    const outRows = rows(out, s, bs);
    native.unary(act, out.storage, pre.storage, elementwiseLayout([bs * hidden], [outRows.flatten(), pb.flatten()]));
    copyInto(hb, outRows);
  }
  return recordMulti([out, h], 'RnnLayerBackward', [proj, wHh, h0], ([gOut, ghN], needs) => {
    const go = contiguous(gOut);
    const dh = emptyTensor([batch, hidden], dtype, op);
    copyInto(dh, ghN);
    const dpre = emptyTensor([total, hidden], dtype, op);
    const dhStep = emptyTensor([batch, hidden], dtype, op);
    const back = nonlinearity === 'tanh' ? native.binaryOps.tanhBackward : native.binaryOps.reluBackward;
    for (let i = steps - 1; i >= 0; i--) {
      const t = order(i);
      const bs = batchSizes[t];
      const s = starts[t];
      const dhb = rows(dh, 0, bs);
      const step = rows(dhStep, 0, bs);
      addInto(step, rows(go, s, bs), dhb);
      // through the nonlinearity, from its output (tanh: 1 - y², relu: y > 0)
      const dp = rows(dpre, s, bs);
      native.binary(back, dpre.storage, dhStep.storage, out.storage, elementwiseLayout([bs * hidden], [dp.flatten(), step.flatten(), rows(out, s, bs).flatten()]));
      gemmInto(dhb, dp, w, 0);
    }
    let dw: Tensor | null = null;
    if (needs[1]) {
      dw = zerosTensor([hidden, hidden], dtype, op);
      if (total > 0) gemmInto(dw, transposedView(dpre), hPrev, 0);
    }
    return [needs[0] ? dpre : null, dw, needs[2] ? dh : null];
  }, [wHh]) as [Tensor, Tensor];
}
