// Convolutions and pooling against PyTorch beyond layers.json (test/fixtures/conv.json from
// make_conv.py, float64: transposed with groups/dilation/outputPadding, 1-D 'same', padding
// modes, unfold/fold, pooling with ceil mode, dilation, divisors, indices, adaptive windows),
// and bad input naming the layer and the shapes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;
const F = nn.functional;

interface JsonTensor { shape: number[]; data: number[] }
interface ConvCase { name: string; fn: string; options: Record<string, unknown>; inputs: JsonTensor[]; out: JsonTensor; G: JsonTensor; grads: JsonTensor[]; indices?: JsonTensor }

const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'conv.json'), 'utf8')) as { cases: ConvCase[] };
const toTensor = (j: JsonTensor): Tensor => kd.tensor(j.data, { dtype: 'float64' }).reshape(j.shape);

describe('convolutions match PyTorch (conv.json, float64)', () => {
  for (const c of cases) {
    if (c.indices) {
      it(c.name, () => {
        const { kernelSize, ...rest } = c.options as Record<string, never>;
        const [values, indices] = F.maxPool2d(toTensor(c.inputs[0]), kernelSize, { ...rest, returnIndices: true });
        expectClose(values.toTypedArray(), c.out.data, 0, 0);
        expect(indices.dtype).toBe('int32');
        expect(Array.from(indices.toTypedArray())).toEqual(c.indices!.data);
        expect(indices.shape).toEqual(c.indices!.shape);
      });
      continue;
    }
    it(c.name, () => {
      const inputs = c.inputs.map((j) => toTensor(j).requiresGrad_());
      let out: Tensor;
      let grads: () => (Tensor | null)[] = () => inputs.map((x) => x.grad);
      const o = c.options as Record<string, never>;
      if (c.fn.startsWith('Conv2d:')) {
        const [x, w, b] = inputs;
        const m = new nn.Conv2d(w.shape[1], w.shape[0], [w.shape[2], w.shape[3]], { ...o, dtype: 'float64' });
        m.loadStateDict({ weight: w.detach(), bias: b.detach() });
        out = m(x);
        grads = () => [x.grad, m.weight.grad, m.bias!.grad];
      } else if (['maxPool2d', 'maxPool1d', 'avgPool2d', 'avgPool1d'].includes(c.fn)) {
        const { kernelSize, ...rest } = o;
        out = (F[c.fn as 'avgPool2d'] as (x: Tensor, k: unknown, opts: unknown) => Tensor)(inputs[0], kernelSize, rest);
      } else if (c.fn.startsWith('adaptive')) {
        out = (F[c.fn as 'adaptiveAvgPool2d'] as (x: Tensor, size: unknown) => Tensor)(inputs[0], o.outputSize);
      } else if (c.fn === 'unfold') {
        const { kernelSize, ...rest } = o;
        out = F.unfold(inputs[0], kernelSize, rest);
      } else if (c.fn === 'fold') {
        const { outputSize, kernelSize, ...rest } = o;
        out = F.fold(inputs[0], outputSize, kernelSize, rest);
      } else {
        const fn = F[c.fn as 'conv2d'] as (x: Tensor, w: Tensor, b: Tensor, opts: unknown) => Tensor;
        out = fn(inputs[0], inputs[1], inputs[2], o);
      }
      expect(out.shape).toEqual(c.out.shape);
      expectClose(out.toTypedArray(), c.out.data, 1e-10, 1e-12);
      out.mul(toTensor(c.G)).sum().backward();
      grads().forEach((g, i) => expectClose(g!.toTypedArray(), c.grads[i].data, 1e-10, 1e-12));
    });
  }
});

describe('convolution modules', () => {
  it('have PyTorch shapes, keys and initialisation bounds', () => {
    const conv = new nn.Conv2d(4, 8, 3, { groups: 2 });
    expect(conv.weight.shape).toEqual([8, 2, 3, 3]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(conv.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(conv.weight.abs().max().item()).toBeLessThanOrEqual(bound + 1e-7);  // kaiming-uniform with a = sqrt(5) has the same bound
    expect(new nn.ConvTranspose2d(4, 6, [2, 3], { groups: 2 }).weight.shape).toEqual([4, 3, 2, 3]);
    expect(new nn.Conv1d(3, 5, 4, { bias: false }).parameters()).toHaveLength(1);
    expect(new nn.ConvTranspose1d(3, 5, 4).weight.shape).toEqual([3, 5, 4]);
    expect(new nn.Conv2d(1, 32, 3)(kd.zeros([2, 1, 28, 28])).shape).toEqual([2, 32, 26, 26]);
    expect(new nn.Conv2d(1, 2, 3, { padding: 'same' })(kd.zeros([1, 5, 5])).shape).toEqual([2, 5, 5]);
    expect(new nn.ConvTranspose2d(2, 1, 4, { stride: 2, padding: 1 })(kd.zeros([1, 2, 7, 7])).shape).toEqual([1, 1, 14, 14]);
    expect(String(new nn.Conv2d(2, 4, 3, { stride: 2 }))).toContain('Conv2d(2, 4, kernelSize=[3, 3], stride=2)');
  });

  it('refuse bad input with errors naming the layer and the shapes', () => {
    const conv = new nn.Conv2d(1, 32, 3);
    expect(() => conv(kd.zeros([64, 28, 28]))).toThrow(/conv2d: weight \[32, 1, 3, 3\] with groups=1 expects input to have 1 channels, but got 64 channels \(input \[64, 28, 28\]\); a 3-D input is one unbatched \[C, H, W\] image .*unsqueeze\(1\)/);
    expect(() => conv(kd.zeros([2, 3, 28, 28]))).toThrow(/expects input to have 1 channels, but got 3 channels \(input \[2, 3, 28, 28\]\)/);
    expect(() => conv(kd.zeros([2, 1, 2, 8]))).toThrow(/conv2d: kernel 3×3 \(dilation 1×1\) is larger than input \[2, 1, 2, 8\] padded by 0×0/);
    expect(() => conv(kd.zeros([28, 28]))).toThrow(/expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input \(weight \[32, 1, 3, 3\]\), but got \[28, 28\]/);
    expect(() => conv(kd.zeros([1, 1, 5, 5], { dtype: 'float64' }))).toThrow(/input is float64 but weight is float32/);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/inChannels \(3\) and outChannels \(4\) must both be divisible by groups \(2\)/);
    expect(() => new nn.Conv2d(3, 4, 0)).toThrow(/kernelSize to be positive integers/);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'mirror' as never })).toThrow(/paddingMode must be one of zeros, reflect, replicate, circular/);
    expect(() => F.conv2d(kd.zeros([1, 1, 5, 5]), kd.zeros([1, 1, 3, 3]), null, { stride: 2, padding: 'same' })).toThrow(/padding='same' is not supported for strided convolutions/);
    expect(() => F.conv2d(kd.zeros([1, 1, 5, 5]), kd.zeros([1, 1, 3, 3]), kd.zeros([2]))).toThrow(/expected bias of shape \[1\], but got \[2\]/);
    expect(() => F.conv2d(kd.zeros([1, 1, 5, 5]), kd.zeros([1, 1, 3, 3]), null, { stride: 0 })).toThrow(/expected stride to be an integer ≥ 1/);
    expect(() => new nn.Conv1d(2, 3, 3)(kd.zeros([1, 3, 10]))).toThrow(/conv1d \(input \[1, 3, 10\], weight \[3, 2, 3\]\): weight .* expects input to have 2 channels/);
    expect(() => F.convTranspose2d(kd.zeros([1, 2, 3, 3]), kd.zeros([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding 2×2 must be smaller than either stride 2×2 or dilation 1×1/);
    expect(() => F.convTranspose2d(kd.zeros([1, 3, 3, 3]), kd.zeros([2, 1, 3, 3]))).toThrow(/expects input to have 2 channels, but got 3/);
    expect(() => F.unfold(kd.zeros([1, 1, 2, 2]), 3)).toThrow(/unfold: the 3×3 kernel \(dilation 1×1\) is larger than the input \[1, 1, 2, 2\] padded by 0×0/);
    expect(() => F.fold(kd.zeros([1, 4, 5]), [3, 3], 2)).toThrow(/fold: input \[1, 4, 5\] has 5 blocks, but outputSize 3×3 .* gives 4/);
    expect(() => F.fold(kd.zeros([1, 3, 4]), [3, 3], 2)).toThrow(/dim 1 of input \[1, 3, 4\] must be divisible by the kernel's 4 taps/);
  });

  it('train: a conv net learns a separable image task', () => {
    kd.manualSeed(0);
    // class 1: a bright vertical bar somewhere; class 0: a horizontal one
    const n = 64;
    const x = kd.zeros([n, 1, 8, 8]);
    const y = kd.zeros([n], { dtype: 'int32' });
    for (let i = 0; i < n; i++) {
      const at = i % 6 + 1;
      const label = i % 2;
      x.select(0, i).select(0, 0).index(label ? `:, ${at}` : `${at}, :`).fill_(1);
      y.select(0, i).fill_(label);
    }
    const net = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(4, 4, 3, { stride: 2 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(36, 2));
    const opt = new kd.optim.Adam(net.parameters(), { lr: 0.01 });
    let loss = 0;
    for (let step = 0; step < 60; step++) {
      opt.zeroGrad();
      const l = F.crossEntropy(net(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
  });
});

describe('pooling modules', () => {
  it('work as layers and refuse bad input naming the shapes', () => {
    const x = kd.randn([2, 3, 8, 8]);
    expect(new nn.MaxPool2d(2)(x).shape).toEqual([2, 3, 4, 4]);
    expect(new nn.AvgPool2d([2, 4])(x).shape).toEqual([2, 3, 4, 2]);
    expect(new nn.AdaptiveAvgPool2d([null, 2])(x).shape).toEqual([2, 3, 8, 2]);
    expect(new nn.AdaptiveAvgPool2d(1)(x).reshape([2, 3]).tolist()).toEqual(x.mean([2, 3]).tolist());
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(x) as kd.Tensor[];
    expect(v.shape).toEqual(i.shape);
    expect(new nn.MaxPool1d(2)(kd.randn([3, 10])).shape).toEqual([3, 5]);
    expect(() => F.maxPool2d(x, 3, { padding: 2 })).toThrow(/maxPool2d: padding 2 should be at most half of the kernel size 3/);
    expect(() => F.maxPool2d(kd.zeros([1, 1, 2, 2]), 3)).toThrow(/maxPool2d: kernel 3×3 \(dilation 1×1\) is larger than input \[1, 1, 2, 2\] padded by 0×0: the output would be 0×0/);
    expect(() => F.avgPool2d(kd.zeros([8, 8]), 2)).toThrow(/avgPool2d: expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, but got \[8, 8\]/);
    expect(() => F.avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(/divisorOverride must be a non-zero integer/);
    expect(() => F.adaptiveAvgPool2d(x, [0, 2])).toThrow(/outputSize to be positive integers/);
    expect(() => F.maxPool1d(x, 2)).toThrow(/maxPool1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input, but got \[2, 3, 8, 8\]/);
  });
});

describe('pooling at ATen edges', () => {
  it('a NaN wins a max window, and an all -Infinity window points at its first tap inside the input', () => {
    const [v, i] = F.maxPool2d(kd.tensor([[[[1, NaN], [3, 2]]]]), 2, { returnIndices: true }) as Tensor[];
    expect(Number.isNaN(v.item())).toBe(true);
    expect(i.item()).toBe(1);
    const [w, j] = F.maxPool2d(kd.full([1, 1, 2, 2], -Infinity), 2, { stride: 2, padding: 1, returnIndices: true }) as Tensor[];
    expect(w.flatten().tolist()).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    expect(j.flatten().tolist()).toEqual([0, 1, 2, 3]);
  });

  it('average pooling divides by the padded window, the input window, or divisorOverride', () => {
    const ones = kd.ones([1, 1, 4, 4]);
    expect((F.avgPool2d(ones, 2, { divisorOverride: 3 }).flatten().tolist() as number[]).map((x) => +x.toFixed(5))).toEqual(Array(4).fill(1.33333));
    expect(F.avgPool2d(ones, 2, { stride: 2, padding: 1 }).flatten().tolist()).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
    expect(F.avgPool2d(ones, 2, { stride: 2, padding: 1, countIncludePad: false }).flatten().tolist()).toEqual(Array(9).fill(1));
  });

  it('wide rows (more output columns than one chunk of the kernel) pool like a plain scan', () => {
    const w = 9001;
    const data = Array.from({ length: 2 * w }, (_, i) => Math.sin(i * 0.37) * 10);
    const x = kd.tensor(data).reshape([1, 1, 2, w]);
    const [v, idx] = F.maxPool2d(x, [2, 3], { stride: [1, 2], padding: [0, 1], returnIndices: true }) as Tensor[];
    const ow = v.shape[3];
    const values = v.flatten().tolist() as number[];
    const where = idx.flatten().tolist() as number[];
    for (let j = 0; j < ow; j++) {
      let best = -Infinity, at = -1;
      for (let r = 0; r < 2; r++) {
        for (let t = 0; t < 3; t++) {
          const c = j * 2 - 1 + t;
          if (c < 0 || c >= w) continue;
          const e = Math.fround(data[r * w + c]);
          if (e > best) { best = e; at = r * w + c; }
        }
      }
      expect(values[j]).toBe(best);
      expect(where[j]).toBe(at);
    }
    expect((F.maxPool2d(x, [2, 3], { stride: [1, 2], padding: [0, 1] }) as Tensor).flatten().tolist()).toEqual(values);
  });

  it('returned indices changed in place make backward refuse, as PyTorch', () => {
    const x = kd.randn([1, 1, 4, 4], { requiresGrad: true });
    const [v, i] = F.maxPool2d(x, 2, { returnIndices: true }) as Tensor[];
    i.fill_(0);
    expect(() => v.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it('max pooling sends each window gradient to its maximum, overlapping windows adding', () => {
    const x = kd.tensor([[[[1, 5, 2], [0, 3, 4], [6, 1, 0]]]], { requiresGrad: true });
    (F.maxPool2d(x, 2, { stride: 1 }) as Tensor).sum().backward();
    expect(x.grad!.flatten().tolist()).toEqual([0, 2, 0, 0, 0, 1, 1, 0, 0]);
  });
});

describe('native convolution', () => {
  // the reference: the same product through F.unfold and a batched matmul (both on the tape)
  const reference = (x: Tensor, w: Tensor, b: Tensor, groups: number, o: { stride: [number, number]; padding: [number, number]; dilation: [number, number] }) => {
    const [n, , h, wd] = x.shape;
    const [oc, cg, kh, kw] = w.shape;
    const oh = Math.floor((h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
    const ow = Math.floor((wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
    const cols = F.unfold(x, [kh, kw], o).reshape([n, groups, cg * kh * kw, oh * ow]);
    return kd.matmul(w.reshape([groups, oc / groups, cg * kh * kw]), cols).reshape([n, oc, oh, ow]).add(b.reshape([oc, 1, 1]));
  };

  it('matches unfold + matmul, values and gradients, for batches split over 1 and 2 threads', () => {
    kd.manualSeed(3);
    const before = kd.getNumThreads();
    const o = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number] };
    for (const threads of [1, 2]) {
      kd.setNumThreads(threads);
      for (const [n, groups] of [[5, 1], [3, 2], [1, 3]]) {
        const x = kd.randn([n, 6, 7, 8], { dtype: 'float64', requiresGrad: true });
        const w = kd.randn([6, 6 / groups, 3, 2], { dtype: 'float64', requiresGrad: true });
        const b = kd.randn([6], { dtype: 'float64', requiresGrad: true });
        const ours = F.conv2d(x, w, b, { ...o, groups });
        const theirs = reference(x, w, b, groups, o);
        const flat = (t: Tensor): number[] => t.flatten().tolist() as number[];
        expect(ours.shape).toEqual(theirs.shape);
        expectClose(flat(ours), flat(theirs), 1e-12);
        const g = kd.randn(ours.shape, { dtype: 'float64' });
        const [gx, gw, gb] = kd.autograd.grad([ours], [x, w, b], { gradOutputs: [g] }) as Tensor[];
        const [rx, rw, rb] = kd.autograd.grad([theirs], [x, w, b], { gradOutputs: [g] }) as Tensor[];
        expectClose(flat(gx), flat(rx), 1e-12);
        expectClose(flat(gw), flat(rw), 1e-12);
        expectClose(flat(gb), flat(rb), 1e-12);
      }
    }
    kd.setNumThreads(before);
  });

  it('refuses a bias of another dtype, naming it', () => {
    expect(() => F.conv2d(kd.zeros([1, 1, 3, 3]), kd.zeros([1, 1, 2, 2]), kd.zeros([1], { dtype: 'float64' }))).toThrow(/conv2d: input is float32 but bias is float64/);
  });
});
