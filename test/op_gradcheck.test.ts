// Finite-difference gradient checks (float64) for every row of the op table whose inputs take
// a gradient: the float outputs, flattened and joined, against central differences.
import { describe, expect, it } from 'vitest';
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import { OPS, outputsOf, sampleInput, takesGrad } from './op_table.js';

describe('gradcheck over the op table', () => {
  for (const row of OPS) {
    if (row.gradcheck === false || !row.inputs.some(takesGrad)) continue;
    it(row.name, () => {
      const inputs = row.inputs.map((spec, i) => {
        const t = sampleInput(spec, spec.shape, 101 + 13 * i, 'float64');
        return takesGrad(spec) ? t.requiresGrad_() : t;
      });
      const joined = (...xs: Tensor[]) => {
        const floats = outputsOf(row.fn(...xs)).filter((o) => o.dtype === 'float64');
        return floats.length === 0 ? kd.zeros([0], { dtype: 'float64' }) : kd.cat(floats.map((o) => o.reshape([-1])));
      };
      expect(kd.autograd.gradcheck(joined, inputs)).toBe(true);
    });
  }
});
