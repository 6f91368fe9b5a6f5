// nn.utils against PyTorch 1.13 (values printed by torch.nn.utils.clip_grad_norm_ for the same
// gradients): clipping by total norm (2, inf, 1) and by value, and parameter vectors.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { utils } = kd.nn;

function params() {
  const a = kd.tensor([[1, -2], [3, 0.5]], { requiresGrad: true });
  const b = kd.tensor([4, -1, 2], { requiresGrad: true });
  a.grad = kd.tensor([[1, -2], [3, 0.5]]);
  b.grad = kd.tensor([4, -1, 2]);
  return [a, b];
}

describe('nn.utils', () => {
  const cases: [number, number, number[], number[]][] = [
    [2, 5.93717098236084, [0.5052911043167114, -1.0105822086334229, 1.5158733129501343, 0.2526455521583557], [2.0211644172668457, -0.5052911043167114, 1.0105822086334229]],
    [Infinity, 4, [0.7499998211860657, -1.4999996423721313, 2.249999523162842, 0.37499991059303284], [2.9999992847442627, -0.7499998211860657, 1.4999996423721313]],
    [1, 13.5, [0.2222222089767456, -0.4444444179534912, 0.6666666269302368, 0.1111111044883728], [0.8888888359069824, -0.2222222089767456, 0.4444444179534912]],
  ];
  for (const [p, norm, ga, gb] of cases) {
    it(`clipGradNorm_ with norm type ${p} matches PyTorch`, () => {
      const [a, b] = params();
      const total = utils.clipGradNorm_([a, b], 3, p);
      expect(total.item()).toBeCloseTo(norm, 5);
      expectClose(a.grad!.toTypedArray(), ga);
      expectClose(b.grad!.toTypedArray(), gb);
    });
  }

  it('leaves small gradients alone, refuses non-finite norms on request, clips values', () => {
    const [a, b] = params();
    utils.clipGradNorm_([a, b], 100);
    expect(b.grad!.tolist()).toEqual([4, -1, 2]);
    b.grad = kd.tensor([NaN, 1, 1]);
    expect(() => utils.clipGradNorm_([a, b], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 .* is non-finite/);
    utils.clipGradValue_([a, b], 1.5);
    expect(a.grad!.tolist()).toEqual([[1, -1.5], [1.5, 0.5]]);
    expect(() => utils.clipGradNorm_([3 as never], 1)).toThrow(/parameters\[0\] is number 3, not a Tensor/);
  });

  it('parametersToVector and vectorToParameters round-trip a model', () => {
    const m = new kd.nn.Linear(3, 2);
    const v = utils.parametersToVector(m.parameters());
    expect(v.shape).toEqual([8]);
    utils.vectorToParameters(kd.arange(0, 8, 1, { dtype: 'float32' }), m.parameters());
    expect(m.weight.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(m.bias!.tolist()).toEqual([6, 7]);
    expect(() => utils.vectorToParameters(kd.ones([7]), m.parameters())).toThrow(/vec has 7 elements but the parameters hold 8/);
  });
});
