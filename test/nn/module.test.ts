// nn.Module: registration by assignment, names, state dicts, modes, printing; the layers.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

const { nn } = kd;

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  drop = new nn.Dropout(0.5);
  fc2: kd.nn.Linear;
  scale: kd.nn.Parameter;
  notAParam = kd.ones([3]);
  constructor() {
    super();
    this.fc2 = new nn.Linear(8, 2, { bias: false });
    this.scale = new nn.Parameter(kd.ones([1]));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.drop.forward(this.act.forward(this.fc1.forward(x)))).mul(this.scale);
  }
}

describe('nn.Module', () => {
  it('registers fields in assignment order with PyTorch names (own parameters first, as PyTorch)', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [1]], ['fc1.weight', [8, 4]], ['fc1.bias', [8]], ['fc2.weight', [2, 8]],
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'drop', 'fc2']);
    expect(net.modules()).toHaveLength(5);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const shared = new nn.Linear(2, 2);
    expect(new nn.Sequential(shared, shared).parameters()).toHaveLength(2);
  });

  it('round-trips a state dict and explains missing, unexpected and mismatched keys', () => {
    kd.manualSeed(1);
    const a = new Net();
    kd.manualSeed(2);
    const b = new Net();
    const x = kd.randn([5, 4]);
    a.eval();
    b.eval();
    expect(a.forward(x).tolist()).not.toEqual(b.forward(x).tolist());
    b.loadStateDict(a.stateDict());
    expect(b.forward(x).tolist()).toEqual(a.forward(x).tolist());
    const sd = a.stateDict();
    delete sd['fc1.bias'];
    sd['extra.weight'] = kd.zeros([1]);
    sd['fc2.weight'] = kd.zeros([3, 8]);
    let message = '';
    try {
      b.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Missing key(s) in state dict: "fc1.bias"');
    expect(message).toContain('Unexpected key(s) in state dict: "extra.weight"');
    expect(message).toContain('size mismatch for fc2.weight: copying a param with shape [3, 8], the shape in the current model is [2, 8]');
    delete sd['fc2.weight'];
    expect(b.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['fc1.bias', 'fc2.weight'], unexpectedKeys: ['extra.weight'] });
  });

  it('switches train/eval everywhere, and Dropout follows it', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const x = kd.ones([1000]);
    expect(net.drop.forward(x).tolist()).toEqual(x.tolist());
    net.train();
    kd.manualSeed(3);
    const y = net.drop.forward(x);
    const kept = y.gt(0).float().sum().item();
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThan(600);
    expect(y.max().item()).toBe(2);
  });

  it('zeroGrad, apply and printing', () => {
    const net = new Net();
    net.forward(kd.randn([2, 4])).sum().backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.apply((m) => {
      if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
    });
    expect(net.fc2.weight.sum().item()).toBe(0);
    expect(String(new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Dropout(0.2)))).toBe(
      'Sequential(\n  (0): Linear(inFeatures=784, outFeatures=512, bias=true)\n  (1): ReLU()\n  (2): Dropout(p=0.2)\n)',
    );
  });
});

describe('layers', () => {
  it('Linear uses PyTorch\'s default init bounds and computes x Wᵀ + b', () => {
    kd.manualSeed(0);
    const l = new nn.Linear(100, 50);
    const bound = 1 / Math.sqrt(100);
    expect(l.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(l.weight.abs().max().item()).toBeGreaterThan(bound * 0.9);
    expect(l.weight.std().item()).toBeCloseTo(bound / Math.sqrt(3), 2);
    const x = kd.randn([3, 7, 100]);
    const want = x.matmul(l.weight.t()).add(l.bias!);
    const got = l.forward(x);
    expect(got.shape).toEqual([3, 7, 50]);
    expect(got.sub(want).abs().max().item()).toBeLessThan(1e-5);
    expect(() => l.forward(kd.zeros([2, 99]))).toThrow(/the layer expects 100 input features/);
    expect(() => new nn.Linear(0, 3)).toThrow(/positive integer/);
  });

  it('activations, softmax layers, Flatten and Identity match their functional forms', () => {
    const x = kd.randn([2, 3, 4]);
    expect(new nn.Sigmoid().forward(x).tolist()).toEqual(x.sigmoid().tolist());
    expect(new nn.Tanh().forward(x).tolist()).toEqual(x.tanh().tolist());
    expect(new nn.LeakyReLU(0.2).forward(kd.tensor([-1, 2])).tolist()).toEqual([Math.fround(-0.2), 2]);
    expect(new nn.GELU().forward(kd.tensor([1])).item()).toBeCloseTo(0.8413447, 6);
    expect(new nn.Softmax(1).forward(x).sum(1).sub(1).abs().max().item()).toBeLessThan(1e-6);
    expect(new nn.LogSoftmax(-1).forward(x).exp().sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-6);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 12]);
    expect(new nn.Identity().forward(x)).toBe(x);
    expect(kd.autograd.gradcheck((t) => nn.functional.gelu(t), [kd.randn([5], { dtype: 'float64' }).requiresGrad_()])).toBe(true);
    expect(kd.autograd.gradcheck((t) => nn.functional.leakyRelu(t, 0.1), [kd.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });

  it('init functions follow PyTorch\'s formulas', () => {
    kd.manualSeed(5);
    const w = kd.empty([256, 512]);
    nn.init.xavierUniform_(w);
    expect(w.abs().max().item()).toBeLessThanOrEqual(Math.sqrt(6 / (256 + 512)));
    nn.init.kaimingNormal_(w, { nonlinearity: 'relu' });
    expect(w.std().item()).toBeCloseTo(Math.sqrt(2 / 512), 2);
    nn.init.normal_(w, 3, 0.5);
    expect(w.mean().item()).toBeCloseTo(3, 1);
    nn.init.constant_(w, 0.25);
    expect(w.min().item()).toBe(0.25);
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(() => nn.init.xavierUniform_(kd.empty([3]))).toThrow(/fewer than 2 dimensions/);
  });

  it('ModuleList holds modules without a forward of its own', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
    list.append(new nn.Linear(2, 1));
    expect(list.length).toBe(3);
    expect(list.parameters()).toHaveLength(6);
    expect(list.at(-1)).toBeInstanceOf(nn.Linear);
    expect(() => list.forward()).toThrow(/no forward/);
    expect(() => new nn.Sequential(3 as never)).toThrow(/entry 0 to be a Module/);
  });

  it('lists a tied weight and a shared module under every name, as PyTorch does, and loads them', () => {
    // PyTorch 1.13: a.weight, a.bias, b.weight, b.bias, shared.weight, shared.bias; 3 parameters
    class Tied extends nn.Module {
      a = new nn.Linear(2, 2);
      b = new nn.Linear(2, 2);
      shared: kd.nn.Linear;
      constructor() {
        super();
        this.b.weight = this.a.weight;
        this.shared = this.a;
      }
      forward(x: kd.Tensor) { return this.b.forward(this.a.forward(x)); }
    }
    const m = new Tied();
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias', 'shared.weight', 'shared.bias']);
    expect(m.parameters()).toHaveLength(3);
    const sd = m.stateDict();
    const fresh: Record<string, kd.Tensor> = {};
    for (const [k, v] of Object.entries(sd)) fresh[k] = v.add(1);
    // PyTorch's dict names the tied weight twice; both names hold the same values
    fresh['b.weight'] = fresh['a.weight'];
    fresh['shared.weight'] = fresh['a.weight'];
    fresh['shared.bias'] = fresh['a.bias'];
    m.loadStateDict(fresh);
    expect(m.b.weight).toBe(m.a.weight);
    expect(m.a.weight.tolist()).toEqual(fresh['a.weight'].tolist());
    const { 'b.weight': _dropped, ...partial } = fresh;
    expect(() => m.loadStateDict(partial)).toThrow(/Missing key\(s\) in state dict: "b.weight"/);
  });
});
