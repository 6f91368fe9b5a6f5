// Recurrent layers beyond the PyTorch fixtures (layers.json, layers_extra.json): parameter
// names and shapes, dropout between layers, a sequence task that trains, and bad input.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { nn } = kd;

describe('recurrent layers', () => {
  it('name and shape parameters as PyTorch', () => {
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const sd = lstm.stateDict();
    expect(Object.keys(sd)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(sd.weight_ih_l1.shape).toEqual([16, 8]);
    expect(lstm.parameters().every((p) => p.abs().max().item() <= 0.5)).toBe(true);
    expect(Object.keys(new nn.GRUCell(2, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    const [out, [h, c]] = lstm<[kd.Tensor, [kd.Tensor, kd.Tensor]]>(kd.randn([7, 2, 3]));
    expect([out.shape, h.shape, c.shape]).toEqual([[7, 2, 8], [4, 2, 4], [4, 2, 4]]);
  });

  it('applies dropout between layers only when training', () => {
    kd.manualSeed(1);
    const gru = new nn.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = kd.randn([5, 2, 3]);
    gru.eval();
    const [a] = gru.forward(x);
    const [b] = gru.forward(x);
    expect(a.tolist()).toEqual(b.tolist());
    gru.train();
    const [c] = gru.forward(x);
    expect(c.sub(a).abs().max().item()).toBeGreaterThan(0);
  });

  it('an LSTM learns to output the running sum sign of its input', () => {
    kd.manualSeed(3);
    const lstm = new nn.LSTM(1, 8, { batchFirst: true });
    const head = new nn.Linear(8, 1);
    const opt = new kd.optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.03 });
    const x = kd.randn([32, 6, 1]);
    const y = x.cumsum(1).gt(0).float();
    let loss = 1;
    for (let i = 0; i < 120; i++) {
      opt.zeroGrad();
      const [out] = lstm.forward(x);
      const l = kd.nn.functional.binaryCrossEntropyWithLogits(head(out), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.2);
  });

  it('refuses bad input naming the layer and the shapes', () => {
    const rnn = new nn.RNN(3, 4, { numLayers: 2 });
    expect(() => rnn(kd.zeros([5, 2, 6]))).toThrow(/RNN: expected input with 3 features \(last dim\), but got \[5, 2, 6\]/);
    expect(() => rnn(kd.zeros([5, 2, 3]), kd.zeros([1, 2, 4]))).toThrow(/RNN: expected hidden state h0 of shape \[2, 2, 4\], but got \[1, 2, 4\]/);
    expect(() => rnn(kd.zeros([5]))).toThrow(/expected a 2-D \(unbatched\) or 3-D input/);
    expect(() => new nn.LSTM(3, 4)(kd.zeros([5, 2, 3]), [kd.zeros([1, 2, 4]), kd.zeros([1, 3, 4])])).toThrow(/LSTM: expected cell state c0 of shape \[1, 2, 4\], but got \[1, 3, 4\]/);
    expect(() => new nn.LSTM(3, 4)(kd.zeros([5, 2, 3]), kd.zeros([1, 2, 4]) as never)).toThrow(/LSTM: expected the initial state as \[h0, c0\]/);
    expect(() => new nn.GRU(3, 0)).toThrow(/GRU: expected hiddenSize to be a positive integer/);
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow(/unknown nonlinearity 'sigmoid'/);
    expect(() => new nn.LSTMCell(3, 4)(kd.zeros([2, 5]))).toThrow(/LSTMCell: expected input \[batch, 3\] or \[3\], but got \[2, 5\]/);
    expect(() => new nn.GRU(3, 4)(kd.zeros([5, 2, 3], { dtype: 'int32' }))).toThrow(/GRU: expected input to be floating point/);
  });
});

describe('nn.utils.rnn.padSequence', () => {
  it('pads at the end to the longest sequence, seq-first or batch-first, with gradients to each', () => {
    const a = kd.tensor([[1, 1], [2, 2], [3, 3]]).requiresGrad_();
    const b = kd.tensor([[4, 4]]).requiresGrad_();
    const p = nn.utils.rnn.padSequence([a, b]);
    expect(p.shape).toEqual([3, 2, 2]);
    expect(p.select(1, 1).tolist()).toEqual([[4, 4], [0, 0], [0, 0]]);
    const q = nn.utils.rnn.padSequence([a, b], { batchFirst: true, paddingValue: -1 });
    expect(q.select(0, 1).tolist()).toEqual([[4, 4], [-1, -1], [-1, -1]]);
    q.sum().backward();
    expect(b.grad!.tolist()).toEqual([[1, 1]]);
    expect(a.grad!.tolist()).toEqual([[1, 1], [1, 1], [1, 1]]);
    expect(nn.utils.rnn.padSequence([kd.tensor([1, 2]), kd.tensor([3])]).tolist()).toEqual([[1, 3], [2, 0]]);
    expect(() => nn.utils.rnn.padSequence([])).toThrow(/non-empty array/);
    expect(() => nn.utils.rnn.padSequence([kd.zeros([2, 3]), kd.zeros([2, 4])])).toThrow(/sequences\[1\] has shape \[2, 4\], but sequences\[0\] has \[2, 3\]/);
  });
});
