// The 3-D layers: Conv3d (the module over F.conv3d, whose values and gradients
// layers_random.json checks against PyTorch), BatchNorm3d, InstanceNorm3d and Dropout3d.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { nn } = kd;
const F = nn.functional;

describe('3-D layers', () => {
  it('Conv3d: PyTorch\'s weight shape and keys, padding modes, same padding, bad input named', () => {
    kd.manualSeed(1);
    const conv = new nn.Conv3d(2, 4, [3, 1, 2], { stride: [1, 2, 1], padding: 1 });
    expect(conv.weight.shape).toEqual([4, 2, 3, 1, 2]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    const x = kd.randn([2, 2, 5, 6, 4]);
    expect(conv.forward(x).shape).toEqual([2, 4, 5, 4, 5]);
    expect(conv.forward(x.select(0, 0)).shape).toEqual([4, 5, 4, 5]);
    const same = new nn.Conv3d(2, 3, 2, { padding: 'same' });
    expect(same.forward(x).shape).toEqual([2, 3, 5, 6, 4]);
    const reflect = new nn.Conv3d(2, 3, 3, { padding: 1, paddingMode: 'replicate' });
    const manual = F.conv3d(F.pad(x, [1, 1, 1, 1, 1, 1], { mode: 'replicate' }), reflect.weight, reflect.bias);
    expect(reflect.forward(x).sub(manual).abs().max().item()).toBeLessThan(1e-6);
    expect(() => conv.forward(kd.randn([2, 3, 5, 6, 4]))).toThrow(/conv3d: weight \[4, 2, 3, 1, 2\] with groups=number 1 expects input to have 2 channels/);
    expect(() => conv.forward(kd.randn([2, 6, 4]))).toThrow(/conv3d: expected a 4-D \[C, D, H, W\] or 5-D \[N, C, D, H, W\] input/);
    expect(() => F.conv3d(kd.randn([1, 1, 2, 4, 4]), kd.randn([1, 1, 3, 1, 1]))).toThrow(/conv3d: the kernel's depth extent \(3\) is larger than the padded input depth \(2\)/);
  });

  it('BatchNorm3d and InstanceNorm3d normalise per channel of [N, C, D, H, W]; Dropout3d zeroes whole channels', () => {
    kd.manualSeed(2);
    const x = kd.randn([3, 4, 2, 3, 2]).mul(2).add(1);
    const bn = new nn.BatchNorm3d(4);
    const y = bn.forward(x);
    expect(y.sub(F.batchNorm(x, null, null, { weight: bn.weight, bias: bn.bias, training: true })).abs().max().item()).toBeLessThan(1e-6);
    expect(bn.running_mean!.sub(x.mean([0, 2, 3, 4]).mul(0.1)).abs().max().item()).toBeLessThan(1e-6);
    expect(() => bn.forward(kd.randn([3, 4, 2, 3]))).toThrow(/BatchNorm3d: expected 5-D \[N, C, D, H, W\] input/);
    const inorm = new nn.InstanceNorm3d(4);
    expect(inorm.forward(x).sub(F.instanceNorm(x)).abs().max().item()).toBeLessThan(1e-6);
    const d = new nn.Dropout3d(0.5).forward(kd.ones([4, 8, 2, 2, 2]));
    const perChannel = d.reshape([32, 8]);
    expect(perChannel.min(1).values.eq(perChannel.max(1).values).all().item()).toBe(1);
    expect(() => F.dropout3d(kd.ones([2, 2, 2, 2]))).toThrow(/dropout3d: expected a 5-D/);
  });
});

describe('3-D pooling modules', () => {
  it('MaxPool3d and AvgPool3d over [N, C, D, H, W] (values against PyTorch are in layers_random.json)', () => {
    const x = kd.arange(2 * 4 * 4 * 4).float().reshape([1, 2, 4, 4, 4]);
    const m = new nn.MaxPool3d(2).forward(x);
    expect(m.shape).toEqual([1, 2, 2, 2, 2]);
    expect((m.flatten().tolist() as number[]).slice(0, 2)).toEqual([21, 23]);
    const a = new nn.AvgPool3d(2, { stride: 2 }).forward(x);
    expect((a.flatten().tolist() as number[])[0]).toBe((0 + 1 + 4 + 5 + 16 + 17 + 20 + 21) / 8);
    expect(new nn.AvgPool3d(3, { padding: 1, countIncludePad: false }).forward(kd.ones([1, 1, 3, 3, 3])).min().item()).toBe(1);
    expect(() => new nn.MaxPool3d(2, { ceil_mode: true } as never)).toThrow(/MaxPool3d: unknown option 'ceil_mode'/);
    expect(() => F.maxPool3d(kd.ones([2, 3, 3]), 2)).toThrow(/maxPool3d: expected a 4-D \[C, D, H, W\] or 5-D/);
    expect(() => F.maxPool3d(kd.ones([1, 1, 2, 2, 2]), 2, { padding: 2 })).toThrow(/padding 2 should be at most half of the kernel size 2/);
  });
});
