// Randomly configured layers against PyTorch 1.13 in float64 (test/fixtures/layers_random.json,
// from make_layers_random.py): convolutions, transposed convolutions, pools, interpolation,
// padding, norms and unfold at shapes and settings no hand-written case chose; each output
// and every input's gradient of sum(out * G). Where PyTorch refused the input, so must we.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import type { InterpolateMode } from '../../lib/nn/functional.js';
import { expectClose } from '../helpers.js';

const F = kd.nn.functional;

interface Fx { shape: number[]; data: number[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = Record<string, any>;
interface Case { name: string; js: string; params: Params; inputs: Fx[]; out?: Fx; G?: number[]; grads?: (number[] | null)[]; error?: string }

const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'layers_random.json'), 'utf8'));

const CALLS: Record<string, (x: Tensor[], p: Params) => Tensor> = {
  conv2d: ([x, w, b], p) => F.conv2d(x, w, b, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups }),
  convTranspose2d: ([x, w, b], p) => F.convTranspose2d(x, w, b, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups, outputPadding: p.outputPadding }),
  maxPool2d: ([x], p) => F.maxPool2d(x, p.k, { stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceilMode }),
  avgPool2d: ([x], p) => F.avgPool2d(x, p.k, { stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, countIncludePad: p.countIncludePad, divisorOverride: p.divisorOverride }),
  adaptiveAvgPool2d: ([x], p) => F.adaptiveAvgPool2d(x, p.size),
  adaptiveMaxPool2d: ([x], p) => F.adaptiveMaxPool2d(x, p.size),
  interpolate: ([x], p) => (p.size
    ? F.interpolate(x, p.size, { mode: p.mode as InterpolateMode, alignCorners: p.alignCorners ?? undefined })
    : F.interpolate(x, { scaleFactor: p.scaleFactor, mode: p.mode as InterpolateMode, alignCorners: p.alignCorners ?? undefined })),
  pad: ([x], p) => F.pad(x, p.pads, { mode: p.mode, value: p.mode === 'constant' ? 0.5 : undefined }),
  conv1d: ([x, w], p) => F.conv1d(x, w, null, { stride: p.stride, padding: p.padding, dilation: p.dilation }),
  maxPool3d: ([x], p) => F.maxPool3d(x, p.k, { stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceilMode }),
  avgPool3d: ([x], p) => F.avgPool3d(x, p.k, { stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, countIncludePad: p.countIncludePad, divisorOverride: p.divisorOverride }),
  conv3d: ([x, w, b], p) => F.conv3d(x, w, b, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups }),
  groupNorm: ([x, w, b]) => F.groupNorm(x, 2, w, b),
  batchNormTrain: ([x, w, b]) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
  layerNorm: ([x, w, b]) => F.layerNorm(x, [x.shape[x.dim() - 1]], w, b),
  instanceNorm: ([x]) => F.instanceNorm(x),
  unfold: ([x], p) => F.unfold(x, p.k, { dilation: p.dilation, padding: p.padding, stride: p.stride }),
};

describe('randomly configured layers match PyTorch (float64)', () => {
  it('has a kindling call for every layer', () => {
    expect([...new Set(cases.map((c) => c.js))].filter((op) => !(op in CALLS))).toEqual([]);
  });
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      const inputs = c.inputs.map((f) => kd.tensor(f.data, { dtype: 'float64' }).reshape(f.shape).requiresGrad_());
      if (c.error) {
        expect(() => CALLS[c.js](inputs, c.params)).toThrow();
        return;
      }
      const out = CALLS[c.js](inputs, c.params);
      expect(out.shape).toEqual(c.out!.shape);
      expectClose(out.toTypedArray(), c.out!.data, 1e-8, 1e-9);
      out.mul(kd.tensor(c.G!, { dtype: 'float64' }).reshape(c.out!.shape)).sum().backward();
      c.grads!.forEach((g, i) => {
        if (g === null) return;
        expect(inputs[i].grad, `input ${i} gradient`).not.toBeNull();
        expectClose(inputs[i].grad!.toTypedArray(), g, 1e-8, 1e-9);
      });
    });
  }
});
