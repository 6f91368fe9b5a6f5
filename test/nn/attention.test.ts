// Attention beyond the PyTorch fixtures (layers.json): scaled dot-product attention's masks,
// MultiheadAttention's options and errors, and the encoder stack.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { nn } = kd;
const F = nn.functional;
const maxDiff = (a: kd.Tensor, b: kd.Tensor) => a.sub(b).abs().max().item();

describe('scaledDotProductAttention', () => {
  it('matches softmax(q kᵀ / sqrt(d)) v, with bool, float and causal masks', () => {
    kd.manualSeed(4);
    const [q, k, v] = [kd.randn([2, 3, 4, 8]), kd.randn([2, 3, 5, 8]), kd.randn([2, 3, 5, 6])];
    const ref = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(8)).softmax(-1).matmul(v);
    expect(maxDiff(F.scaledDotProductAttention(q, k, v), ref)).toBeLessThan(1e-5);
    const allowed = kd.tensor([[1, 1, 0, 0, 1]], { dtype: 'bool' });
    const additive = kd.tensor([[0, 0, -Infinity, -Infinity, 0]]);
    expect(maxDiff(F.scaledDotProductAttention(q, k, v, { attnMask: allowed }), F.scaledDotProductAttention(q, k, v, { attnMask: additive }))).toBeLessThan(1e-6);
    const qs = kd.randn([1, 4, 8]);
    const causal = F.scaledDotProductAttention(qs, qs, qs, { isCausal: true });
    expect(maxDiff(causal.select(1, 0), qs.select(1, 0))).toBeLessThan(1e-6);  // the first query sees only itself
    expect(nn.generateSquareSubsequentMask(3).tolist()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    expect(() => F.scaledDotProductAttention(q, k.narrow(-1, 0, 4), v)).toThrow(/query \[2, 3, 4, 8\], key \[2, 3, 5, 4\] and value \[2, 3, 5, 6\] do not line up/);
    expect(() => F.scaledDotProductAttention(q, k, v, { isCausal: true, attnMask: allowed })).toThrow(/either attnMask or isCausal/);
  });
});

describe('MultiheadAttention', () => {
  it('agrees with scaledDotProductAttention per head, and handles kdim/vdim, unbatched input and per-head weights', () => {
    kd.manualSeed(6);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = kd.randn([3, 5, 8]);
    const [out, w] = mha.forward(x, x, x, { averageAttnWeights: false });
    expect(w!.shape).toEqual([3, 2, 5, 5]);
    const proj = (i: number) => F.linear(x, mha.in_proj_weight!.narrow(0, 8 * i, 8), mha.in_proj_bias!.narrow(0, 8 * i, 8)).reshape([3, 5, 2, 4]).transpose(1, 2);
    const ref = mha.out_proj(F.scaledDotProductAttention(proj(0), proj(1), proj(2)).transpose(1, 2).reshape([3, 5, 8]));
    expect(maxDiff(out, ref)).toBeLessThan(1e-5);
    const cross = new nn.MultiheadAttention(8, 4, { kdim: 3, vdim: 5 });
    expect(Object.keys(cross.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const [o2, w2] = cross.forward(kd.randn([4, 8]), kd.randn([6, 3]), kd.randn([6, 5]));
    expect([o2.shape, w2!.shape]).toEqual([[4, 8], [4, 6]]);
    const [, none] = mha.forward(x, x, x, { needWeights: false });
    expect(none).toBeNull();
  });

  it('masks padded keys and refuses shapes that do not fit', () => {
    const mha = new nn.MultiheadAttention(4, 2);
    const x = kd.randn([3, 2, 4]);
    const pad = kd.tensor([[false, false, true], [false, true, true]], { dtype: 'bool' });
    const [, w] = mha.forward(x, x, x, { keyPaddingMask: pad });
    expect(w!.select(0, 1).narrow(1, 1, 2).abs().sum().item()).toBe(0);  // batch 1 never attends to keys 1 and 2
    expect(w!.select(0, 0).narrow(1, 2, 1).abs().sum().item()).toBe(0);
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embedDim \(number 6\) must be divisible by numHeads \(number 4\)/);
    expect(() => mha.forward(kd.randn([3, 2, 5]), x, x)).toThrow(/do not fit embedDim 4/);
    expect(() => mha.forward(x, x, x, { attnMask: kd.zeros([2, 2]) })).toThrow(/expected attnMask of shape \[3, 3\] or \[4, 3, 3\], but got \[2, 2\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: kd.zeros([3, 2], { dtype: 'bool' }) })).toThrow(/expected keyPaddingMask of shape \[2, 3\], but got \[3, 2\]/);
    expect(() => mha.forward(x, kd.randn([3, 4]), x)).toThrow(/all 3-D \(or all 2-D, unbatched\)/);
  });
});

describe('TransformerEncoder', () => {
  it('stacks independent copies of the layer under PyTorch\'s keys, and trains', () => {
    kd.manualSeed(7);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
    const enc = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
    const keys = Object.keys(enc.stateDict());
    expect(keys).toContain('layers.1.self_attn.out_proj.weight');
    expect(keys).toContain('layers.0.norm2.bias');
    expect(keys).toContain('norm.weight');
    const [a, b] = [...enc.layers] as kd.nn.TransformerEncoderLayer[];
    const [l0, l1] = [a.linear1.weight, b.linear1.weight];
    expect(l0).not.toBe(l1);
    const x = kd.randn([4, 6, 8]);
    const y = x.flip([1]);
    const head = new nn.Linear(8, 8);
    const opt = new kd.optim.Adam([...enc.parameters(), ...head.parameters()], { lr: 0.01 });
    let first = 0, last = 0;
    for (let i = 0; i < 40; i++) {
      opt.zeroGrad();
      const loss = F.mseLoss(head(enc.forward(x)), y);
      loss.backward();
      opt.step();
      if (i === 0) first = loss.item();
      last = loss.item();
    }
    expect(last).toBeLessThan(first * 0.5);
    expect(enc.forward(x, { isCausal: true }).shape).toEqual([4, 6, 8]);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'swish' as never })).toThrow(/activation should be 'relu' or 'gelu'/);
  });
});
