// kd.multinomial: draws follow the weights (frequencies within a few standard errors), zero
// weights are never drawn, without replacement each index at most once, the seeded generator
// repeats, and bad weights are refused naming the row.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

describe('multinomial', () => {
  it('draws in proportion to the weights, with replacement', () => {
    const w = kd.tensor([1, 0, 3, 6]);
    const n = 20000;
    const draws = kd.multinomial(w, n, true, { generator: new kd.Generator(1) }).toTypedArray();
    const counts = [0, 0, 0, 0];
    for (const d of draws) counts[d]++;
    expect(counts[1]).toBe(0);
    [0.1, 0, 0.3, 0.6].forEach((p, i) => {
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(counts[i] - n * p)).toBeLessThanOrEqual(4 * sd + 1e-9);
    });
  });

  it('without replacement draws each index at most once, per row of a 2-D input; the generator repeats', () => {
    const w = kd.rand([5, 8], { generator: new kd.Generator(3) }).add(0.01);
    const a = w.multinomial(8, false, { generator: new kd.Generator(9) });
    expect(a.shape).toEqual([5, 8]);
    expect(a.dtype).toBe('int32');
    for (const row of a.tolist() as number[][]) expect([...row].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(w.multinomial(8, false, { generator: new kd.Generator(9) }).tolist()).toEqual(a.tolist());
    // a heavy weight tends to come first
    const firsts = kd.multinomial(kd.tensor([100, 1, 1]), 1, false).toTypedArray();
    expect(firsts.length).toBe(1);
  });

  it('reads views (narrow, transpose, expand, select) as their .clone() copies', () => {
    const base = kd.rand([6, 5], { generator: new kd.Generator(4) }).add(0.05);
    const views = [base.narrow(0, 1, 3), base.transpose(0, 1), base.select(0, 2).unsqueeze(0).expand([4, 5]), base.select(1, 3)];
    for (const v of views) {
      const a = v.multinomial(3, true, { generator: new kd.Generator(5) });
      const b = v.clone().multinomial(3, true, { generator: new kd.Generator(5) });
      expect(a.tolist()).toEqual(b.tolist());
    }
  });

  it('refuses bad weights and counts, naming them', () => {
    expect(() => kd.multinomial(kd.tensor([1, -1]), 1)).toThrow(/finite and non-negative, but row 0 has -1 at 1/);
    expect(() => kd.multinomial(kd.tensor([[1, 1], [0, 0]]), 1)).toThrow(/row 1 of input \[2, 2\] has only zero weights/);
    expect(() => kd.multinomial(kd.tensor([1, 0, 1]), 3)).toThrow(/cannot draw 3 samples without replacement from row 0, which has 2 non-zero weights/);
    expect(() => kd.multinomial(kd.tensor([1, NaN]), 1)).toThrow(/finite and non-negative/);
    expect(() => kd.multinomial(kd.tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(/floating point/);
    expect(() => kd.multinomial(kd.tensor([1, 2]), 0)).toThrow(/numSamples must be a positive integer/);
    expect(() => kd.multinomial(kd.zeros([2, 2, 2]), 1)).toThrow(/1-D or 2-D/);
  });
});
