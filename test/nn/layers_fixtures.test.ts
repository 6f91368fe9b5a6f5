// nn layers against PyTorch: test/fixtures/layers.json (copied from ../shared/fixtures; format
// in its README), layers_extra.json and layers_more.json (same format, from make_layers_extra.py
// and make_layers_more.py). Each module case loads PyTorch's state dict under PyTorch's keys, runs
// forward in the case's mode, and compares every output, the input and parameter gradients of
// sum_k sum(outs[k] * G[k]), the state after the call and the eval-mode outputs. A case whose
// layer kindling lacks fails, naming the layer.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;
const F = nn.functional as unknown as Record<string, (...args: unknown[]) => unknown>;

interface JsonTensor { shape: number[]; dtype: string; data: number[]; requiresGrad?: boolean }
interface LayerCase {
  name: string;
  module?: string;
  functional?: string;
  args?: unknown[];
  options?: Record<string, unknown>;
  params?: Record<string, unknown>;
  mode?: 'train' | 'eval';
  state?: Record<string, JsonTensor>;
  inputs: JsonTensor[];
  callOptions?: Record<string, JsonTensor>;
  outs: JsonTensor[];
  G: JsonTensor[];
  inputGrads: (JsonTensor | null)[];
  paramGrads?: Record<string, JsonTensor>;
  stateAfter?: Record<string, JsonTensor>;
  evalOuts?: JsonTensor[];
  /** LSTM's initial state: inputs [x, h0, c0] are passed as (x, [h0, c0]). */
  statePair?: boolean;
  /** TransformerDecoder's constructor arguments: a layer made from these, a count, a final LayerNorm's size. */
  decoderOf?: { layerArgs: number[]; layerOptions: Record<string, unknown>; numLayers: number; norm: number };
}

const here = dirname(fileURLToPath(import.meta.url));
const read = (file: string) => (JSON.parse(readFileSync(join(here, '..', 'fixtures', file), 'utf8')) as { cases: LayerCase[] }).cases;
const cases = [
  ...read('layers.json'),
  ...read('layers_extra.json').map((c) => ({ ...c, name: `${c.name} (extra)` })),
  ...read('layers_more.json').map((c) => ({ ...c, name: `${c.name} (more)` })),
];

function toTensor(j: JsonTensor, grad = false): Tensor {
  const dtype = j.dtype === 'int64' ? 'int32' : (j.dtype as 'float32' | 'float64' | 'int32' | 'bool');
  const t = kd.tensor(j.data, { dtype }).reshape(j.shape);
  return grad && j.requiresGrad !== false && (dtype === 'float32' || dtype === 'float64') ? t.requiresGrad_() : t;
}

function flatOutputs(o: unknown): Tensor[] {
  if (o instanceof kd.Tensor) return [o];
  if (Array.isArray(o)) return o.flatMap(flatOutputs);
  if (o === null) return [];
  throw new Error(`unexpected output ${String(o)}`);
}

function expectTensor(actual: Tensor, expected: JsonTensor, what: string): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  try {
    expectClose(actual.toTypedArray(), expected.data, 1e-4, 2e-5);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

function build(c: LayerCase): kd.nn.Module {
  const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => kd.nn.Module>)[c.module!];
  const d = c.decoderOf;
  const m = d
    ? new nn.TransformerDecoder(new nn.TransformerDecoderLayer(d.layerArgs[0], d.layerArgs[1], d.layerOptions), d.numLayers, { norm: new nn.LayerNorm(d.norm) })
    : new Ctor(...(c.args ?? []), c.options ?? {});
  const state = Object.fromEntries(Object.entries(c.state ?? {}).map(([k, v]) => [k, toTensor(v)]));
  m.loadStateDict(state);
  if (c.mode === 'eval') m.eval(); else m.train();
  return m;
}

function run(c: LayerCase, m: kd.nn.Module, inputs: Tensor[]): Tensor[] {
  const callOptions = Object.fromEntries(Object.entries(c.callOptions ?? {}).map(([k, v]) => [k, toTensor(v)]));
  const positional: unknown[] = c.statePair ? [inputs[0], [inputs[1], inputs[2]]] : inputs;
  const args: unknown[] = Object.keys(callOptions).length > 0 ? [...positional, callOptions] : positional;
  return flatOutputs((m as unknown as (...a: unknown[]) => unknown)(...args));
}

/** PyTorch's positional arguments of each functional case, then its keyword ones as options. */
function callFunctional(name: string, inputs: Tensor[], params: Record<string, unknown>): unknown {
  const { pad, kernelSize, ...rest } = params;
  switch (name) {
    case 'pad': return F.pad(inputs[0], pad, rest);
    case 'maxPool2d': return F.maxPool2d(inputs[0], kernelSize, rest);
    default: return F[name](...inputs, params);
  }
}

describe('nn layers match PyTorch (layers.json)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const available = c.module ? typeof (nn as unknown as Record<string, unknown>)[c.module] === 'function' : typeof F[c.functional!] === 'function';
      expect(available, `${c.module ?? `F.${c.functional}`} is not in kindling`).toBe(true);
      const inputs = c.inputs.map((j) => toTensor(j, true));
      let outs: Tensor[];
      let m: kd.nn.Module | null = null;
      if (c.module) {
        m = build(c);
        outs = run(c, m, inputs);
      } else {
        outs = flatOutputs(callFunctional(c.functional!, inputs, c.params ?? {}));
      }
      expect(outs.length).toBe(c.outs.length);
      outs.forEach((o, k) => expectTensor(o, c.outs[k], `output ${k}`));
      let total: Tensor | null = null;
      outs.forEach((o, k) => {
        const term = o.mul(toTensor(c.G[k])).sum();
        total = total === null ? term : total.add(term);
      });
      (total as unknown as Tensor).backward();
      c.inputGrads.forEach((g, i) => {
        if (g !== null) expectTensor(inputs[i].grad!, g, `gradient of input ${i}`);
      });
      if (m) {
        const params = Object.fromEntries(m.namedParameters());
        for (const [key, g] of Object.entries(c.paramGrads ?? {})) {
          expect(params[key], `parameter ${key}`).toBeDefined();
          expectTensor(params[key].grad!, g, `gradient of ${key}`);
        }
        const after = m.stateDict();
        for (const [key, v] of Object.entries(c.stateAfter ?? {})) expectTensor(after[key], v, `state ${key} after the call`);
        if (c.evalOuts) {
          m.eval();
          kd.noGrad(() => run(c, m!, inputs).forEach((o, k) => expectTensor(o, c.evalOuts![k], `eval output ${k}`)));
        }
      }
    });
  }
});
