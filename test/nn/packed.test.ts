// Packed variable-length batches against PyTorch (test/fixtures/packed.json from
// make_packed.py): packPaddedSequence's data and batch sizes, recurrent layers over a
// PackedSequence (sorted and unsorted batches, initial states, both directions, several
// layers), padPackedSequence back, and every gradient. Plus the round trips and bad input.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;
const { rnn } = nn.utils;

interface JsonTensor { shape: number[]; data: number[] }
interface PackedCase {
  name: string; module: 'LSTM' | 'GRU' | 'RNN'; args: [number, number]; options: Record<string, unknown>; lengths: number[];
  batchFirst: boolean; enforceSorted: boolean; state: Record<string, JsonTensor>; x: JsonTensor; h0: JsonTensor | null; c0: JsonTensor | null;
  packedData: JsonTensor; batchSizes: number[]; sortedIndices: number[] | null; outLengths: number[]; outs: JsonTensor[]; G: JsonTensor[];
  xGrad: JsonTensor; h0Grad: JsonTensor | null; c0Grad: JsonTensor | null; paramGrads: Record<string, JsonTensor>;
}

const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'packed.json'), 'utf8')) as { cases: PackedCase[] };
const T = (j: JsonTensor, grad = false) => {
  const t = kd.tensor(j.data).reshape(j.shape);
  return grad ? t.requiresGrad_() : t;
};
function same(actual: Tensor, expected: JsonTensor, what: string) {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  try { expectClose(actual.toTypedArray(), expected.data, 1e-4, 2e-5); } catch (e) { throw new Error(`${what}: ${(e as Error).message}`); }
}

describe('recurrent layers over packed sequences match PyTorch (packed.json)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const Ctor = nn[c.module] as unknown as new (i: number, h: number, o: Record<string, unknown>) => kd.nn.Module;
      const m = new Ctor(c.args[0], c.args[1], c.options);
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, T(v)])));
      const x = T(c.x, true);
      const h0 = c.h0 ? T(c.h0, true) : null;
      const c0 = c.c0 ? T(c.c0, true) : null;
      const packed = rnn.packPaddedSequence(x, c.lengths, { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted });
      same(packed.data, c.packedData, 'packed data');
      expect(packed.steps).toEqual(c.batchSizes);
      expect(packed.sortedIndices ? Array.from(packed.sortedIndices.toTypedArray()) : null).toEqual(c.sortedIndices);
      const call = m.forward as (x: unknown, s: unknown) => [kd.nn.utils.rnn.PackedSequence, Tensor | [Tensor, Tensor]];
      const [out, hn] = call.call(m, packed, c.module === 'LSTM' ? (h0 ? [h0, c0] : null) : h0);
      expect(out).toBeInstanceOf(rnn.PackedSequence);
      const [padded, lengths] = rnn.padPackedSequence(out, { batchFirst: c.batchFirst, totalLength: c.x.shape[c.batchFirst ? 1 : 0] });
      expect(Array.from(lengths.toTypedArray())).toEqual(c.outLengths);
      const outs = [padded, ...(Array.isArray(hn) ? hn : [hn])];
      outs.forEach((o, k) => same(o, c.outs[k], `output ${k}`));
      outs.map((o, k) => o.mul(T(c.G[k])).sum()).reduce((a, b) => a.add(b)).backward();
      same(x.grad!, c.xGrad, 'input gradient');
      if (h0) same(h0.grad!, c.h0Grad!, 'h0 gradient');
      if (c0) same(c0.grad!, c.c0Grad!, 'c0 gradient');
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) same(params[k].grad!, g, `gradient of ${k}`);
    });
  }
});

describe('nn.utils.rnn packing', () => {
  it('padPackedSequence undoes packPaddedSequence (paddingValue fills past each end)', () => {
    kd.manualSeed(1);
    const x = kd.randn([3, 4, 2]);  // batchFirst [B, T, F]
    const p = rnn.packPaddedSequence(x, [2, 4, 1], { batchFirst: true, enforceSorted: false });
    const [back, lengths] = rnn.padPackedSequence(p, { batchFirst: true, paddingValue: -7 });
    expect(Array.from(lengths.toTypedArray())).toEqual([2, 4, 1]);
    expect(back.shape).toEqual([3, 4, 2]);
    for (const [b, n] of [[0, 2], [1, 4], [2, 1]]) {
      expect(back.select(0, b).narrow(0, 0, n).tolist()).toEqual(x.select(0, b).narrow(0, 0, n).tolist());
      if (n < 4) expect(back.select(0, b).narrow(0, n, 4 - n).eq(-7).all().item()).toBeTruthy();
    }
  });

  it('packSequence and unpackSequence round-trip a list of sequences', () => {
    const seqs = [kd.tensor([[1], [2], [3]]), kd.tensor([[4]]), kd.tensor([[5], [6]])];
    const p = rnn.packSequence(seqs, { enforceSorted: false });
    expect(p.steps).toEqual([3, 2, 1]);
    expect(Array.from(p.data.toTypedArray())).toEqual([1, 5, 4, 2, 6, 3]);
    expect(rnn.unpackSequence(p).map((s) => s.tolist())).toEqual(seqs.map((s) => s.tolist()));
  });

  it('an RNN over a packed batch gives each sequence what it gives that sequence alone', () => {
    kd.manualSeed(2);
    const lstm = new nn.LSTM(2, 3, { bidirectional: true });
    const seqs = [kd.randn([2, 2]), kd.randn([5, 2]), kd.randn([3, 2])];
    const [out, [hN]] = lstm.forward(rnn.packSequence(seqs, { enforceSorted: false }));
    const unpacked = rnn.unpackSequence(out);
    seqs.forEach((s, b) => {
      const [alone, [hAlone]] = lstm.forward(s);
      expectClose(unpacked[b].toTypedArray(), alone.toTypedArray(), 1e-5, 1e-6);
      expectClose(hN.select(1, b).toTypedArray(), hAlone.toTypedArray(), 1e-5, 1e-6);
    });
  });

  it('refuses bad lengths, unsorted lengths and short totalLength, naming them', () => {
    const x = kd.zeros([4, 3, 2]);
    expect(() => rnn.packPaddedSequence(x, [4, 2])).toThrow(/expected 3 lengths/);
    expect(() => rnn.packPaddedSequence(x, [4, 0, 1])).toThrow(/lengths\[1\] is number 0/);
    expect(() => rnn.packPaddedSequence(x, [5, 2, 1])).toThrow(/5 is longer than the 4 steps/);
    expect(() => rnn.packPaddedSequence(x, [2, 4, 1])).toThrow(/sorted in decreasing order.*enforceSorted: false/);
    const p = rnn.packPaddedSequence(x, [4, 2, 1]);
    expect(() => rnn.padPackedSequence(p, { totalLength: 3 })).toThrow(/totalLength to be at least the longest sequence length \(4\)/);
    expect(() => new nn.GRU(3, 2).forward(p)).toThrow(/GRU: expected input with 3 features/);
    expect(() => new nn.GRU(2, 2).forward(p, kd.zeros([1, 2, 2]))).toThrow(/GRU: expected hidden state h0 of shape \[1, 3, 2\]/);
  });
});
