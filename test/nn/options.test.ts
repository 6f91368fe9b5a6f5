// Options objects are checked: a PyTorch snake_case keyword or a misspelt key is an error
// naming the class and the key (with the camelCase spelling), never a silently kept default.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { nn, optim, data } = kd;

describe('unknown options are refused, with the camelCase spelling when that is the mistake', () => {
  it('recurrent layers, attention, transformer layers, convolutions', () => {
    expect(() => new nn.LSTM(4, 8, { batch_first: true } as never)).toThrow(/LSTM: unknown option 'batch_first' \(did you mean 'batchFirst'\?/);
    expect(() => new nn.GRU(4, 8, { num_layers: 2 } as never)).toThrow(/GRU: unknown option 'num_layers' \(did you mean 'numLayers'\?/);
    expect(() => new nn.RNN(4, 8, { nonlinearity: 'relu', bidirectinal: true } as never)).toThrow(/RNN: unknown option 'bidirectinal'; the options are/);
    expect(() => new nn.GRU(4, 8, { projSize: 2 } as never)).toThrow(/GRU: projSize is only supported by LSTM/);
    expect(() => new nn.LSTM(4, 8, { projSize: 8 })).toThrow(/LSTM: projSize must be a non-negative integer smaller than hiddenSize \(8\)/);
    expect(Object.keys(new nn.LSTM(4, 8, { projSize: 3, numLayers: 2 }).stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_hr_l1']);
    expect(() => new nn.MultiheadAttention(8, 2, { batch_first: true } as never)).toThrow(/MultiheadAttention: unknown option 'batch_first'/);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 } as never)).toThrow(/TransformerEncoderLayer: unknown option 'dim_feedforward' \(did you mean 'dimFeedforward'\?/);
    expect(() => new nn.TransformerDecoderLayer(8, 2, { norm_first: true } as never)).toThrow(/TransformerDecoderLayer: unknown option 'norm_first'/);
    expect(() => new nn.Conv2d(1, 2, 3, { padding_mode: 'reflect' } as never)).toThrow(/Conv2d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?/);
    expect(() => new nn.Conv1d(1, 2, 3, { strides: 2 } as never)).toThrow(/Conv1d: unknown option 'strides'/);
    expect(() => new nn.ConvTranspose2d(1, 2, 3, { output_padding: 1 } as never)).toThrow(/ConvTranspose2d: unknown option 'output_padding'/);
    expect(() => new nn.Linear(2, 3, { bias_: false } as never)).toThrow(/Linear: unknown option 'bias_'/);
    expect(() => new nn.BatchNorm2d(3, { track_running_stats: false } as never)).toThrow(/BatchNorm2d: unknown option 'track_running_stats' \(did you mean 'trackRunningStats'\?/);
    expect(() => new nn.InstanceNorm1d(3, { afine: true } as never)).toThrow(/InstanceNorm1d: unknown option 'afine'/);
    expect(() => new nn.LayerNorm(4, { elementwise_affine: false } as never)).toThrow(/LayerNorm: unknown option 'elementwise_affine'/);
    expect(() => new nn.GroupNorm(2, 4, { epsilon: 1e-3 } as never)).toThrow(/GroupNorm: unknown option 'epsilon'/);
    expect(() => new nn.Embedding(10, 3, { padding_idx: 0 } as never)).toThrow(/Embedding: unknown option 'padding_idx' \(did you mean 'paddingIdx'\?/);
    expect(() => new nn.Embedding(10, 3, { sparse: true } as never)).toThrow(/Embedding: unknown option 'sparse'/);
    expect(() => new nn.MaxPool2d(2, { ceil_mode: true } as never)).toThrow(/MaxPool2d: unknown option 'ceil_mode'/);
    expect(() => new nn.AvgPool1d(2, { count_include_pad: false } as never)).toThrow(/AvgPool1d: unknown option 'count_include_pad'/);
    expect(nn.Embedding.fromPretrained(kd.ones([3, 2]), { freeze: false, paddingIdx: 0 }).weight.requiresGrad).toBe(true);
    // the right spellings still work
    expect(new nn.LSTM(4, 8, { batchFirst: true, numLayers: 2 }).batchFirst).toBe(true);
    expect(new nn.Conv2d(1, 2, 3, { paddingMode: 'reflect', padding: 1 }).paddingMode).toBe('reflect');
  });

  it('optimizers and the DataLoader', () => {
    const p = [kd.zeros([2]).requiresGrad_()];
    expect(() => new optim.Adam(p, { weight_decay: 0.1 } as never)).toThrow(/Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?/);
    expect(() => new optim.SGD(p, { lr: 0.1, momentun: 0.9 } as never)).toThrow(/SGD: unknown option 'momentun'; the options are .*'momentum'/);
    expect(() => new optim.AdamW(p, { amsgrad: true, betas: [0.9, 0.99], lr: 0.1, foo: 1 } as never)).toThrow(/AdamW: unknown option 'foo'/);
    expect(new optim.AdamW(p, { lr: 0.1 }).defaults.weightDecay).toBe(0.01);
    expect(new optim.LBFGS(p, { historySize: 5 }).defaults.historySize).toBe(5);
    expect(() => new data.DataLoader([1, 2, 3], { batch_size: 2 } as never)).toThrow(/DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?/);
    expect(() => new data.DataLoader([1, 2, 3], 4 as never)).toThrow(/DataLoader: expected an options object/);
  });
});
