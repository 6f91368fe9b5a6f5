// x.index(...) and x.indexPut_(...) against PyTorch 1.13's x[...] and x[...] = v in float64
// (test/fixtures/indexing_random.json, from make_indexing_random.py): random mixes of
// integers, stepped slices, None, Ellipsis, index tensors and masks — result, gradient, setter.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { IndexItem } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

type Item = [string, ...unknown[]];
interface Case { shape: number[]; x: number[]; items: Item[]; out?: number[]; outShape?: number[]; G?: number[]; gx?: number[]; v?: number[]; setter?: number[] | null; error?: string }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'indexing_random.json'), 'utf8'));

function item(it: Item): IndexItem {
  switch (it[0]) {
    case 'int': return it[1] as number;
    case 'slice': return kd.slice(it[1] as number | null, it[2] as number | null, (it[3] as number | null) ?? 1);
    case 'none': return null;
    case 'idx': return kd.tensor(it[1] as number[], { dtype: 'int32' });
    case 'ellipsis': return '...';
    case 'mask': return kd.tensor((it[1] as boolean[][] | boolean[]).flat(), { dtype: 'bool' });
    default: return ':';
  }
}

describe('Python-style indexing matches PyTorch (float64)', () => {
  cases.forEach((c, k) => {
    it(`#${k} ${JSON.stringify(c.shape)} ${JSON.stringify(c.items)}`, () => {
      const x = kd.tensor(c.x, { dtype: 'float64' }).reshape(c.shape).requiresGrad_();
      const items = c.items.map(item);
      if (c.error) {
        expect(() => x.index(...items)).toThrow();
        return;
      }
      const out = x.index(...items);
      expect(out.shape).toEqual(c.outShape);
      expectClose(out.detach().contiguous().toTypedArray(), c.out!, 1e-12, 1e-12);
      out.mul(kd.tensor(c.G!, { dtype: 'float64' }).reshape(c.outShape!)).sum().backward();
      expectClose(x.grad!.toTypedArray(), c.gx!, 1e-12, 1e-12);
      if (c.setter) {
        const target = kd.tensor(c.x, { dtype: 'float64' }).reshape(c.shape);
        target.indexPut_(items, kd.tensor(c.v!, { dtype: 'float64' }).reshape(c.outShape!));
        expectClose(target.toTypedArray(), c.setter, 1e-12, 1e-12);
      }
    });
  });
});
