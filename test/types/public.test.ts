// The public declarations as users see them: the types `tsc` infers for common calls.
// (npm test type-checks this file; vitest runs the assertions too.)
import { describe, expectTypeOf, it } from 'vitest';
import * as kd from '../../lib/index.js';

describe('public types', () => {
  it('tensors, reductions and autograd', () => {
    const x = kd.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    expectTypeOf(x).toEqualTypeOf<kd.Tensor>();
    expectTypeOf(x.shape).toEqualTypeOf<readonly number[]>();
    expectTypeOf(x.dtype).toEqualTypeOf<kd.DType>();
    expectTypeOf(x.max(1)).toEqualTypeOf<{ values: kd.Tensor; indices: kd.Tensor }>();
    expectTypeOf(x.max()).toEqualTypeOf<kd.Tensor>();
    expectTypeOf(x.sum().item()).toBeNumber();
    expectTypeOf(kd.noGrad(() => 3)).toBeNumber();
    expectTypeOf(x.grad).toEqualTypeOf<kd.Tensor | null>();
  });

  it('nn, optim and data', () => {
    const model = new kd.nn.Sequential(new kd.nn.Linear(2, 3), new kd.nn.ReLU());
    expectTypeOf(model.forward(kd.zeros([1, 2]))).toEqualTypeOf<kd.Tensor>();
    expectTypeOf(model.parameters()).toEqualTypeOf<kd.nn.Parameter[]>();
    expectTypeOf(model.stateDict()).toEqualTypeOf<kd.nn.StateDict>();
    const opt = new kd.optim.Adam(model.parameters(), { lr: 1e-3 });
    expectTypeOf(opt.step()).toEqualTypeOf<kd.Tensor | undefined>();
    const loader = new kd.data.DataLoader(new kd.data.TensorDataset(kd.zeros([4, 2]), kd.zeros([4])), { batchSize: 2 });
    for (const batch of loader) expectTypeOf(batch).toEqualTypeOf<kd.Tensor[]>();
    expectTypeOf(kd.load<kd.nn.StateDict>).returns.toEqualTypeOf<kd.nn.StateDict>();
  });
});
