/**
 * The LSTM cell's gate math as one op (native/rnn.cc): from a step's input and hidden
 * projections [B, 4H] (gates i, f, g, o, as PyTorch orders them) and the cell state [B, H],
 * the new hidden and cell states, recorded as one node whose backward is one native pass.
 */
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { recordMulti } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';

/** [h2, c2] of an LSTM step; the caller (nn.LSTM, nn.LSTMCell) has checked the shapes and dtypes. */
export function lstmCell(xProj: Tensor, hProj: Tensor, c: Tensor): [Tensor, Tensor] {
  const op = 'lstmCell';
  const [batch, four] = xProj.shape;
  const hidden = four / 4;
  const xp = contiguous(xProj.detach());
  const hp = contiguous(hProj.detach());
  const cc = contiguous(c.detach());
  const dtype = xProj.dtype;
  const h2 = emptyTensor([batch, hidden], dtype, op);
  const c2 = emptyTensor([batch, hidden], dtype, op);
  const act = emptyTensor([batch, four], dtype, op);
  const tc = emptyTensor([batch, hidden], dtype, op);
  const s = (t: Tensor) => t.storage as FloatStorage;
  native.lstmCell(s(xp), s(hp), s(cc), s(h2), s(c2), s(act), s(tc), Float64Array.of(xp.offset, hp.offset, cc.offset, batch, hidden));
  recordMulti([h2, c2], 'LstmCellBackward', [xProj, hProj, c], ([gh, gc], needs) => {
    const ghc = contiguous(gh);
    const gcc = contiguous(gc);
    const dgates = emptyTensor([batch, four], dtype, op);
    const dc = emptyTensor([batch, hidden], dtype, op);
    native.lstmCellBackward(s(ghc), s(gcc), s(act), s(tc), s(cc), s(dgates), s(dc), Float64Array.of(ghc.offset, gcc.offset, cc.offset, batch, hidden));
    // both projections feed the same sum, so they share its gradient
    return [needs[0] ? dgates : null, needs[1] ? dgates : null, needs[2] ? dc : null];
  }, [c]);
  return [h2, c2];
}
