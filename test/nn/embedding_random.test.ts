// Embedding and EmbeddingBag with random settings against PyTorch 1.13 in float64
// (test/fixtures/embedding_random.json, from make_embedding_random.py): outputs, the weight's
// gradient, and maxNorm's in-place renormalisation of the weight.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const F = kd.nn.functional;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Case = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'embedding_random.json'), 'utf8'));

describe('embedding and embeddingBag with random settings match PyTorch (float64)', () => {
  cases.forEach((c, k) => {
    it(`#${k} ${c.kind} ${JSON.stringify(c.params)}`, () => {
      const w = kd.tensor(c.w.data, { dtype: 'float64' }).reshape(c.w.shape).requiresGrad_();
      const idx = kd.tensor(c.idx.data, { dtype: 'int32' }).reshape(c.idx.shape);
      const p = c.params;
      const out = c.kind === 'emb'
        ? F.embedding(idx, w, { paddingIdx: p.paddingIdx, maxNorm: p.maxNorm })
        : F.embeddingBag(idx, w, p.offsets ? kd.tensor(p.offsets, { dtype: 'int32' }) : null, {
          mode: p.mode, perSampleWeights: p.psw ? kd.tensor(p.psw, { dtype: 'float64' }).reshape(c.idx.shape) : null,
          includeLastOffset: p.ilo, paddingIdx: p.paddingIdx,
        });
      expect(out.shape).toEqual(c.outShape);
      expectClose(out.detach().toTypedArray(), c.out, 1e-9, 1e-12);
      out.mul(kd.tensor(c.G, { dtype: 'float64' }).reshape(c.outShape)).sum().backward();
      expectClose(w.grad!.toTypedArray(), c.gw, 1e-8, 1e-12);
      if (p.maxNorm) expectClose(w.detach().toTypedArray(), c.wAfter, 1e-9, 1e-12);
    });
  });
});
