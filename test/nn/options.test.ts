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

describe('functional forms, creation functions and schedulers check their options too', () => {
  const F = nn.functional;
  const x2 = () => kd.randn([4, 5]);
  const x4 = () => kd.randn([2, 3, 8, 8]);
  const idx = kd.tensor([1, 0, 2, 1], { dtype: 'int32' });
  // each call misspells one option as PyTorch spells it: before, each silently used the default
  const cases: [string, () => unknown, RegExp][] = [
    ['mseLoss', () => F.mseLoss(x2(), x2(), { reductio: 'sum' } as never), /mseLoss: unknown option 'reductio'/],
    ['crossEntropy', () => F.crossEntropy(x2(), idx, { label_smoothing: 0.1 } as never), /crossEntropy: unknown option 'label_smoothing' \(did you mean 'labelSmoothing'/],
    ['nllLoss', () => F.nllLoss(x2(), idx, { ignore_index: 1 } as never), /nllLoss: unknown option 'ignore_index'/],
    ['huberLoss', () => F.huberLoss(x2(), x2(), { beta: 2 } as never), /huberLoss: unknown option 'beta'.*'delta'/],
    ['klDiv', () => F.klDiv(x2(), x2(), { log_target: true } as never), /klDiv: unknown option 'log_target'/],
    ['tripletMarginLoss', () => F.tripletMarginLoss(x2(), x2(), x2(), { p_: 1 } as never), /tripletMarginLoss: unknown option 'p_'/],
    ['conv2d', () => F.conv2d(x4(), kd.randn([2, 3, 3, 3]), null, { strides: 2 } as never), /conv2d: unknown option 'strides'/],
    ['convTranspose2d', () => F.convTranspose2d(x4(), kd.randn([3, 2, 3, 3]), null, { output_padding: 1 } as never), /convTranspose2d: unknown option 'output_padding'/],
    ['maxPool2d', () => F.maxPool2d(x4(), 2, { ceil_mode: true } as never), /maxPool2d: unknown option 'ceil_mode'/],
    ['avgPool2d', () => F.avgPool2d(x4(), 2, { count_include_pad: false } as never), /avgPool2d: unknown option 'count_include_pad'/],
    ['pad', () => F.pad(x4(), [1, 1], { pad_mode: 'reflect' } as never), /pad: unknown option 'pad_mode'/],
    ['gridSample', () => F.gridSample(x4(), kd.zeros([2, 4, 4, 2]), { align_corners: true } as never), /gridSample: unknown option 'align_corners'/],
    ['scaledDotProductAttention', () => F.scaledDotProductAttention(x2(), x2(), x2(), { is_causal: true } as never), /scaledDotProductAttention: unknown option 'is_causal'/],
    ['embedding', () => F.embedding(idx, x2(), { padding_idx: 0 } as never), /embedding: unknown option 'padding_idx'/],
    ['batchNorm', () => F.batchNorm(x2(), null, null, { train: true } as never), /batchNorm: unknown option 'train'/],
    ['unfold', () => F.unfold(x4(), 2, { strides: 2 } as never), /unfold: unknown option 'strides'/],
    ['gelu', () => F.gelu(x2(), { approx: 'tanh' } as never), /gelu: unknown option 'approx'/],
    ['padSequence', () => nn.utils.rnn.padSequence([kd.ones([2]), kd.ones([3])], { batch_first: true } as never), /padSequence: unknown option 'batch_first'/],
    ['clipGradNorm_', () => nn.utils.clipGradNorm_([], 1, 2, { error_if_nonfinite: true } as never), /clipGradNorm_: unknown option 'error_if_nonfinite'/],
    ['kaimingUniform_', () => nn.init.kaimingUniform_(kd.empty([3, 4]), { nonlinear: 'relu' } as never), /kaimingUniform_: unknown option 'nonlinear'/],
    ['add', () => kd.add(x2(), x2(), { scale: 2 } as never), /add: unknown option 'scale'.*'alpha'/],
    ['addmm', () => kd.addmm(x2(), x2(), kd.randn([5, 5]), { Beta: 0 } as never), /addmm: unknown option 'Beta'/],
    ['allclose', () => kd.allclose(x2(), x2(), { equal_nan: true } as never), /allclose: unknown option 'equal_nan'/],
    ['zeros', () => kd.zeros([2], { dtpye: 'float64' } as never), /zeros: unknown option 'dtpye'/],
    ['tensor', () => kd.tensor([1, 2], { requires_grad: true } as never), /tensor: unknown option 'requires_grad' \(did you mean 'requiresGrad'/],
    ['randn', () => kd.randn([2], { gen: null } as never), /randn: unknown option 'gen'/],
    ['searchsorted', () => kd.searchsorted(kd.tensor([1, 2, 3]), kd.tensor([2]), { Right: true } as never), /searchsorted: unknown option 'Right'/],
    ['var', () => x2().var(1, { ddof: 0 } as never), /var: unknown option 'ddof'/],
    ['topk', () => x2().topk(2, { dim: 1, largest: false, sortd: true } as never), /topk: unknown option 'sortd'/],
    ['StepLR', () => new optim.lrScheduler.StepLR(new optim.SGD([kd.zeros([1]).requiresGrad_()], { lr: 1 }), { stepSize: 2, Gamma: 0.5 } as never), /StepLR: unknown option 'Gamma'/],
    ['Transformer', () => new nn.Transformer({ d_model: 8 } as never), /Transformer: unknown option 'd_model' \(did you mean 'dModel'/],
    ['MultiheadAttention.forward', () => new nn.MultiheadAttention(4, 2)(kd.randn([3, 2, 4]), kd.randn([3, 2, 4]), kd.randn([3, 2, 4]), { need_weights: false } as never), /MultiheadAttention: unknown option 'need_weights'/],
  ];
  for (const [name, call, message] of cases) it(name, () => expect(call).toThrow(message));

  it('the functional forms still take their own spellings, and the modules hand them only theirs', () => {
    expect(F.mseLoss(kd.ones([2]), kd.zeros([2]), { reduction: 'sum' }).item()).toBe(2);
    const conv = new nn.Conv2d(3, 2, 3, { padding: 1, paddingMode: 'reflect', bias: false, dtype: 'float64' });
    expect(conv(kd.randn([1, 3, 5, 5], { dtype: 'float64' })).shape).toEqual([1, 2, 5, 5]);
    const t = new nn.ConvTranspose2d(3, 2, 3, { stride: 2, bias: false });
    expect(t(kd.randn([1, 3, 4, 4])).shape).toEqual([1, 2, 9, 9]);
    expect(new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 1, { enableNestedTensor: false }).numLayers).toBe(1);
  });

  it('a boolean argument given an object is an error, not a silent true', () => {
    const x = kd.randn([2, 3]);
    // x.sum(1, { keepdim: false }) used to keep the dim: the object was truthy
    expect(() => x.sum(1, { keepdim: false } as never)).toThrow(/sum: expected keepdim to be true or false, but received an object.*positionally/);
    expect(() => x.mean(1, 'yes' as never)).toThrow(/mean: expected keepdim to be true or false/);
    expect(() => x.max(1, {} as never)).toThrow(/max: expected keepdim/);
    expect(() => x.argmax(null, {} as never)).toThrow(/argmax: expected keepdim/);
    expect(() => x.logsumexp(1, {} as never)).toThrow(/logsumexp: expected keepdim/);
    expect(() => x.norm(2, 1, {} as never)).toThrow(/norm: expected keepdim/);
    expect(() => x.median(1, {} as never)).toThrow(/median: expected keepdim/);
    expect(() => x.topk(1, 1, {} as never)).toThrow(/topk: expected largest/);
    expect(() => kd.multinomial(kd.ones([3]), 2, { replacement: true } as never)).toThrow(/multinomial: expected replacement/);
    // F.dropout(x, 0.5, { training: false }) used to drop: PyTorch's training is positional here
    expect(() => nn.functional.dropout(x, 0.5, { training: false } as never)).toThrow(/dropout: expected training to be true or false/);
    expect(() => nn.functional.alphaDropout(x, 0.5, 'no' as never)).toThrow(/alphaDropout: expected training/);
    expect(() => x.sort(1, {} as never)).toThrow(/sort: expected descending/);
    expect(() => x.sort({ dim: 1, descnding: true } as never)).toThrow(/sort: unknown option 'descnding'/);
    expect(nn.functional.dropout(x, 0.5, false)).toBe(x);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.sum(1).shape).toEqual([2]);
  });
});

describe('null options (PyTorch None) mean the defaults, and bad constructor arguments get a clear error', () => {
  const INTERNAL = /is not a function|Cannot read prop|undefined is not|of undefined|of null|is not iterable/;
  const param = () => [kd.zeros([3]).requiresGrad_()];
  const values: unknown[] = [undefined, null, 0, 1, 1.5, NaN, 'x', {}, [], [1, 2], true, () => 1, kd.zeros([2])];
  const internalErrors = (make: () => unknown): string[] => {
    try { make(); return []; } catch (e) {
      return !(e instanceof Error) ? [String(e)] : INTERNAL.test(e.message) ? [e.message] : [];
    }
  };

  it('every nn module constructor', () => {
    const bad: string[] = [];
    for (const [name, C] of Object.entries(nn)) {
      // Transformer's defaults build a 44M-parameter model per call: checked on its own below
      if (typeof C !== 'function' || !/^[A-Z]/.test(name) || ['Module', 'Parameter', 'Transformer'].includes(name)) continue;
      const Ctor = C as new (...a: unknown[]) => unknown;
      for (let n = 0; n < 4; n++) {
        for (const v of values) {
          for (const args of [[...Array<number>(n).fill(4), v], [v, ...Array<number>(n).fill(4)]]) {
            bad.push(...internalErrors(() => new Ctor(...args)).map((m) => `nn.${name}(${args.map(String).join(', ')}): ${m}`));
          }
        }
      }
    }
    for (const v of values) bad.push(...internalErrors(() => new nn.Transformer(4, 2, v as never)).map((m) => `nn.Transformer(4, 2, ${String(v)}): ${m}`));
    expect(bad).toEqual([]);
  });

  it('schedulers and optimizers', () => {
    const bad: string[] = [];
    for (const [name, C] of Object.entries(optim.lrScheduler)) {
      if (typeof C !== 'function') continue;
      const Ctor = C as new (...a: unknown[]) => { step?: () => void };
      for (let n = 0; n < 3; n++) {
        for (const v of values) {
          const opt = new optim.SGD(param(), { lr: 0.1 });
          bad.push(...internalErrors(() => new Ctor(opt, v, ...Array<number>(n).fill(2)).step?.()).map((m) => `${name}: ${m}`));
        }
      }
    }
    for (const [name, C] of Object.entries(optim)) {
      if (typeof C !== 'function' || !/^[A-Z]/.test(name) || name === 'Optimizer') continue;
      const Ctor = C as new (...a: unknown[]) => unknown;
      for (const first of [param(), null, 3, [], [{ params: param() }], [{}], [{ params: null }], 'x', kd.zeros([2]).requiresGrad_()]) {
        for (const v of values) bad.push(...internalErrors(() => new Ctor(first, v)).map((m) => `${name}: ${m}`));
      }
    }
    expect(bad).toEqual([]);
  });

  it('null options give the defaults', () => {
    expect(new nn.LSTM(4, 8, null as never).numLayers).toBe(1);
    expect(new nn.Conv2d(1, 2, 3, null).weight.shape).toEqual([2, 1, 3, 3]);
    expect(new nn.BatchNorm1d(3, null as never).running_mean).not.toBeNull();
    expect(new nn.ModuleList(null).length).toBe(0);
    expect(new nn.MSELoss(null)(kd.ones([2]), kd.zeros([2])).item()).toBe(1);
    expect(new optim.Adam(param(), null as never).defaults.lr).toBe(1e-3);
    expect(() => new optim.Adam(kd.zeros([2]).requiresGrad_() as never)).toThrow(/Adam: params should be an iterable of Tensors or of parameter groups, but received a single Tensor/);
    expect(() => new nn.Conv2d(1, 2, [3] as never)).toThrow(/Conv2d: expected kernelSize to be a number or an array of 2 numbers/);
    expect(() => new nn.ModuleDict([1, 2] as never)).toThrow(/ModuleDict: expected \[key, module\] pairs/);
    expect(() => new (optim.lrScheduler.LRScheduler as unknown as new (o: unknown) => unknown)(new optim.SGD(param(), { lr: 1 }))).toThrow(/LRScheduler is a base class/);
  });
});

describe('number arguments refuse what arithmetic would coerce', () => {
  it('names the function and the argument', () => {
    const x = kd.randn([3, 4]);
    expect(() => kd.histc(x, 4, [] as never, 2)).toThrow(/histc: expected min to be a number, but received/);
    expect(() => kd.linspace(0, '2' as never, 3)).toThrow(/linspace: expected end to be a number/);
    expect(() => x.uniform_(0, '2' as never)).toThrow(/uniform_: expected to to be a number/);
    expect(() => x.normal_(0, true as never)).toThrow(/normal_: expected std to be a number/);
    expect(() => nn.init.xavierUniform_(x, '2' as never)).toThrow(/xavierUniform_: expected gain to be a number/);
    expect(() => nn.init.uniform_(x, [] as never)).toThrow(/uniform_: expected a to be a number/);
    const opt = new optim.SGD([kd.zeros([1]).requiresGrad_()], { lr: 1 });
    expect(() => new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: '0.5' as never })).toThrow(/StepLR: expected gamma to be a number/);
    expect(() => new optim.lrScheduler.CyclicLR(opt, { baseLr: 0.1, maxLr: 1, stepSizeUp: [] as never })).toThrow(/CyclicLR: expected stepSizeUp to be a number/);
    expect(new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: null as never }).gamma).toBe(0.1);
    // activations' parameters name the activation (they used to fail inside mul or the addon)
    const F = nn.functional;
    expect(() => F.elu(x, {} as never)).toThrow(/elu: expected alpha to be a number/);
    expect(() => F.leakyRelu(x, '0.1' as never)).toThrow(/leakyRelu: expected negativeSlope to be a number/);
    expect(() => F.softplus(x, 1, [] as never)).toThrow(/softplus: expected threshold to be a number/);
    expect(() => F.hardtanh(x, {} as never)).toThrow(/hardtanh: expected minVal to be a number/);
    expect(() => F.threshold(x, 0.5, null as never)).toThrow(/threshold: expected value to be a number/);
    expect(() => F.rrelu(x, '0.1' as never)).toThrow(/rrelu: expected lower to be a number/);
    expect(() => F.localResponseNorm(kd.randn([1, 3, 4]), 2, {} as never)).toThrow(/localResponseNorm: expected alpha to be a number/);
  });
});
