/**
 * One LSTM layer in one direction over packed steps as a single op: the steps run outside the
 * tape (per step one GEMM for the hidden projection and the fused gate kernel, native/rnn.cc),
 * and the backward walks them in reverse the same way, then forms the hidden weight's gradient
 * as ONE product over all steps. Step by step on the tape, a 35-step layer made ~70 nodes, 35
 * small weight-gradient GEMMs and as many gradient sums.
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
  const starts: number[] = [];
  for (let t = 0, s = 0; t < steps; s += batchSizes[t], t++) starts.push(s);
  const order = (i: number) => (reverse ? steps - 1 - i : i);
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
      native.binary(native.binaryOps.add, dhStep.storage, go.storage, dh.storage, elementwiseLayout([bs * hidden], [step.flatten(), rows(go, s, bs).flatten(), dhb.flatten()]));
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
