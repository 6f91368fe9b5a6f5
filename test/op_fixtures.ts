// Reading test/fixtures/ops.json (PyTorch 1.13 reference cases) and checking a case's
// output and input gradients; shared by the tensor and nn suites.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import { expectClose } from './helpers.js';

export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: (number | boolean)[];
  requiresGrad?: boolean;
}

export interface OpCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: FixtureTensor[];
  out: FixtureTensor;
  G?: FixtureTensor;
  grads?: (FixtureTensor | null)[];
}

const here = dirname(fileURLToPath(import.meta.url));
export const opCases: OpCase[] = JSON.parse(readFileSync(join(here, 'fixtures', 'ops.json'), 'utf8')).cases;

export function fromFixture(f: FixtureTensor): Tensor {
  return kd.tensor(f.data.map(Number), { dtype: f.dtype }).reshape(f.shape).detach().requiresGrad_(Boolean(f.requiresGrad));
}

export type OpFn = (inputs: Tensor[], p: Record<string, any>) => Tensor;

/** Runs a fixture case with `ops` and checks the output and every input gradient. */
export function checkCase(c: OpCase, ops: Record<string, OpFn>): void {
  const inputs = c.inputs.map(fromFixture);
  const out = ops[c.op](inputs, c.params);
  expect(out.shape).toEqual(c.out.shape);
  const matmulHeavy = /matmul|linear|mlp/.test(c.op);
  const rtol = matmulHeavy ? 1e-3 : 1e-4;
  expectClose(out.float().toTypedArray(), c.out.data.map(Number), rtol, 1e-5);
  if (!c.G || !c.grads) return;
  out.mul(fromFixture(c.G)).sum().backward();
  c.grads.forEach((g, i) => {
    if (g === null) return;
    const got = inputs[i].grad;
    if (got === null) throw new Error(`${c.name}: input ${i} got no gradient`);
    expect(got.shape).toEqual(g.shape);
    expectClose(got.toTypedArray(), g.data.map(Number), rtol, 1e-5);
  });
}

