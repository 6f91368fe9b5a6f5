// The Module surface of PyTorch users reach for: calling a module, hooks, dtype conversion,
// freezing, registration helpers, containers; and the activation modules against PyTorch
// (test/fixtures/activations.json, from make_activations.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  act = new nn.ReLU();
  fc2 = new nn.Linear(3, 2);
  override name = 'my net';  // a field a plain function's own `name` would have shadowed
  forward(x: Tensor): Tensor {
    return this.fc2(this.act(this.fc1(x)));
  }
}

describe('callable modules', () => {
  it('model(x) is forward, for layers and user subclasses, with instanceof, fields and printing unchanged', () => {
    kd.manualSeed(1);
    const m = new Net();
    const x = kd.randn([5, 4]);
    expect(m(x).tolist()).toEqual(m.forward(x).tolist());
    expect(m).toBeInstanceOf(Net);
    expect(m).toBeInstanceOf(nn.Module);
    expect(m.name).toBe('my net');
    expect(Object.keys(m.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(String(m)).toContain('(fc1): Linear(inFeatures=4, outFeatures=3, bias=true)');
    const loss = new nn.MSELoss();
    expect(loss(m(x), kd.zeros([5, 2])).item()).toBeCloseTo(m(x).pow(2).mean().item(), 6);
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh());
    expect(seq(x).shape).toEqual([5, 3]);
    expect(seq.length).toBe(2);
    expect(seq.slice(1)(kd.zeros([1, 3])).tolist()).toEqual([[0, 0, 0]]);
  });

  it('runs forward pre-hooks and forward hooks, which may replace inputs and output, until removed', () => {
    const m = new Net();
    const seen: number[][] = [];
    const pre = m.fc1.registerForwardPreHook((_mod, inputs) => [(inputs[0] as Tensor).mul(0)]);
    const post = m.registerForwardHook((_mod, _inputs, out) => {
      seen.push((out as Tensor).shape.slice());
      return (out as Tensor).add(1);
    });
    const x = kd.randn([2, 4]);
    const expected = m.fc2.forward(m.fc1.bias!.detach().relu().expand([2, 3])).add(1);
    expectClose(m(x).toTypedArray(), expected.toTypedArray());
    expect(seen).toEqual([[2, 2]]);
    pre.remove();
    post.remove();
    expect(m(x).tolist()).toEqual(m.forward(x).tolist());
    expect(() => m.registerForwardHook(3 as never)).toThrow(/registerForwardHook: expected a function/);
  });
});

describe('the Module surface', () => {
  it('to/double/float convert parameters (tied ones stay tied), requiresGrad_ freezes, zeroGrad keeps zeros on request', () => {
    const m = new Net();
    m.fc2.weight = m.fc2.weight;  // a field assigned twice stays one registration
    const tied = new nn.Linear(3, 3);
    class Tied extends nn.Module {
      a = tied;
      b = new nn.Linear(3, 3);
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: Tensor) { return this.b(this.a(x)); }
    }
    const t = new Tied().double();
    expect(t.a.weight.dtype).toBe('float64');
    expect(t.b.weight).toBe(t.a.weight);
    expect(t(kd.ones([1, 3], { dtype: 'float64' })).dtype).toBe('float64');
    expect(m.to('cpu')).toBe(m);
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.requiresGrad_();
    m(kd.ones([1, 4])).sum().backward();
    m.zeroGrad({ setToNone: false });
    expect(m.fc1.weight.grad!.abs().sum().item()).toBe(0);
    m.zeroGrad();
    expect(m.fc1.weight.grad).toBeNull();
  });

  it('registerParameter, addModule and getSubmodule', () => {
    const m = new Net();
    m.registerParameter('scale', new nn.Parameter(kd.ones([1])));
    m.addModule('extra', new nn.Identity());
    expect(Object.keys(m.stateDict())).toContain('scale');
    expect(m.getSubmodule('extra')).toBeInstanceOf(nn.Identity);
    expect(m.getSubmodule('fc1')).toBe(m.fc1);
    expect(() => m.getSubmodule('fc1.nope')).toThrow(/Linear has no submodule 'nope' \(in 'fc1.nope'\)/);
    expect(() => m.registerParameter('x', kd.ones([1]) as never)).toThrow(/nn.Parameter or null expected/);
    expect(() => m.addModule('a.b', new nn.Identity())).toThrow(/without '\.'/);
    expect(() => m.registerParameter('forward', null)).toThrow(/attribute 'forward' already exists/);
  });

  it('buffers, cpu, registerModule, getParameter and getBuffer, as PyTorch names them', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2));
    expect(m.buffers()).toEqual(m.namedBuffers().map(([, b]) => b));
    expect(m.buffers().length).toBe(3);
    expect(m.cpu()).toBe(m);
    m.registerModule('head', new nn.Identity());
    expect(m.getSubmodule('head')).toBeInstanceOf(nn.Identity);
    expect(m.getParameter('0.weight').shape).toEqual([2, 1, 3, 3]);
    expect(m.getBuffer('1.running_var').shape).toEqual([2]);
    expect(() => m.getBuffer('1.weight')).toThrow(/BatchNorm2d has no buffer 'weight' \(in '1.weight'\)/);
    expect(() => m.getParameter('1.running_mean')).toThrow(/BatchNorm2d has no parameter 'running_mean'/);
  });

  it('ModuleDict, ParameterList and ParameterDict register their entries under PyTorch keys', () => {
    const d = new nn.ModuleDict({ enc: new nn.Linear(2, 2), dec: new nn.Linear(2, 1) });
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    expect(d.keys()).toEqual(['enc', 'dec']);
    expect(d.get('dec')).toBeInstanceOf(nn.Linear);
    const pl = new nn.ParameterList([kd.ones([2]), new nn.Parameter(kd.zeros([3]))]);
    expect(Object.keys(pl.stateDict())).toEqual(['0', '1']);
    expect(pl.length).toBe(2);
    expect(pl.parameters()).toHaveLength(2);
    const pd = new nn.ParameterDict({ alpha: kd.ones([1]) });
    expect(Object.keys(pd.stateDict())).toEqual(['alpha']);
    expect(pd.get('alpha')).toBeInstanceOf(nn.Parameter);
    expect(() => new nn.ModuleDict({ x: 3 as never })).toThrow(/expected 'x' to be a Module/);
  });
});

interface ActCase { name: string; input: number[]; shape: number[]; out: number[]; outShape: number[]; G: number[]; grad: number[]; weight?: number[]; weightGrad?: number[] }
const here = dirname(fileURLToPath(import.meta.url));
const actCases: ActCase[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'activations.json'), 'utf8')).cases;

const MODULES: Record<string, () => kd.nn.Module> = {
  selu: () => new nn.SELU(),
  celu: () => new nn.CELU(1.3),
  relu6: () => new nn.ReLU6(),
  hardswish: () => new nn.Hardswish(),
  hardsigmoid: () => new nn.Hardsigmoid(),
  softsign: () => new nn.Softsign(),
  geluTanh: () => new nn.GELU('tanh'),
  softmin: () => new nn.Softmin(1),
  glu: () => new nn.GLU(1),
  threshold: () => new nn.Threshold(0.5, -2),
  prelu: () => new nn.PReLU(4),
  softplusBeta: () => new nn.Softplus(2, 5),
  elu: () => new nn.ELU(0.7),
};

describe('activation modules match PyTorch', () => {
  for (const c of actCases) {
    it(c.name, () => {
      const m = MODULES[c.name]();
      if (c.weight) kd.noGrad(() => (m as kd.nn.PReLU).weight.copy_(kd.tensor(c.weight!)));
      const x = kd.tensor(c.input).reshape(c.shape).requiresGrad_();
      const out = m<Tensor>(x);
      expect(out.shape).toEqual(c.outShape);
      expectClose(out.toTypedArray(), c.out, 1e-5, 1e-6);
      out.mul(kd.tensor(c.G).reshape(c.outShape)).sum().backward();
      expectClose(x.grad!.toTypedArray(), c.grad, 1e-5, 1e-6);
      if (c.weightGrad) expectClose((m as kd.nn.PReLU).weight.grad!.toTypedArray(), c.weightGrad, 1e-5, 1e-5);
    });
  }
});
