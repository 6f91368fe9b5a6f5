// EmbeddingBag, interpolate/Upsample and the Transformer decoder beyond the PyTorch cases in
// layers_more.json: state-dict keys character for character, how the pieces fit (a bag equals
// the mean of its embeddings, upsampling by whole factors repeats pixels), and bad input.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn } = kd;
const F = nn.functional;

describe('EmbeddingBag', () => {
  it('a bag is the sum, mean or max of its rows, an empty bag is zeros', () => {
    kd.manualSeed(4);
    const w = kd.randn([6, 3]);
    const idx = kd.tensor([1, 4, 4, 2, 0], { dtype: 'int32' });
    const rows = w.indexSelect(0, idx);
    const sum = F.embeddingBag(idx, w, [0, 3, 3], { mode: 'sum' });
    expectClose(sum.select(0, 0).toTypedArray(), rows.narrow(0, 0, 3).sum(0).toTypedArray());
    expect(sum.select(0, 1).tolist()).toEqual([0, 0, 0]);
    expectClose(F.embeddingBag(idx, w, [0, 3, 3]).select(0, 2).toTypedArray(), rows.narrow(0, 3, 2).mean(0).toTypedArray());
    expectClose(F.embeddingBag(idx, w, [0, 3, 3], { mode: 'max' }).select(0, 0).toTypedArray(), rows.narrow(0, 0, 3).amax(0).toTypedArray());
  });

  it('has PyTorch\'s state-dict key and trains through the rows it used only', () => {
    const bag = new nn.EmbeddingBag(5, 2, { mode: 'sum' });
    expect(Object.keys(bag.stateDict())).toEqual(['weight']);
    bag(kd.tensor([[0, 3]], { dtype: 'int32' })).sum().backward();
    expect(bag.weight.grad!.sum(1).tolist()).toEqual([2, 0, 0, 2, 0]);
  });

  it('refuses bad offsets, indices and options, naming them', () => {
    const w = kd.randn([4, 2]);
    const i = kd.tensor([0, 1, 2], { dtype: 'int32' });
    expect(() => F.embeddingBag(i, w)).toThrow(/offsets is required when input is 1-D/);
    expect(() => F.embeddingBag(i, w, [1])).toThrow(/offsets\[0\] has to be 0/);
    expect(() => F.embeddingBag(i, w, [0, 2, 1])).toThrow(/non-decreasing.*offsets\[2\] is 1 after 2/);
    expect(() => F.embeddingBag(i, w, [0, 4])).toThrow(/at most the input length 3/);
    expect(() => F.embeddingBag(kd.tensor([[0, 1]], { dtype: 'int32' }), w, [0])).toThrow(/offsets has to be null when input is 2-D/);
    expect(() => F.embeddingBag(kd.tensor([0, 9], { dtype: 'int32' }), w, [0])).toThrow(/index 9 is out of range for 4 embeddings/);
    expect(() => F.embeddingBag(i, w, [0], { mode: 'max', perSampleWeights: kd.ones([3]) })).toThrow(/only supported for mode 'sum'/);
    expect(() => F.embeddingBag(i, w, [0], { mode: 'sum', perSampleWeights: kd.ones([2]) })).toThrow(/perSampleWeights of shape \[2\] must have input's shape \[3\]/);
    expect(() => F.embeddingBag(i, w, [0, 3], { includeLastOffset: true, mode: 'sum' }).shape).not.toThrow();
    expect(() => F.embeddingBag(i, w, [0, 2], { includeLastOffset: true })).toThrow(/last offset has to equal the input length 3/);
    expect(() => F.embeddingBag(kd.tensor([0.5]), w, [0])).toThrow(/whole numbers/);
    expect(() => new nn.EmbeddingBag(4, 2, { mode: 'median' as 'sum' })).toThrow(/mode must be 'sum', 'mean' or 'max'/);
  });
});

describe('interpolate and Upsample', () => {
  it('nearest by whole factors repeats each pixel; bilinear with alignCorners keeps the corners', () => {
    const x = kd.arange(6).float().reshape([1, 1, 2, 3]);
    expect(F.interpolate(x, { scaleFactor: 2 }).tolist()).toEqual([[[[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5], [3, 3, 4, 4, 5, 5]]]]);
    const y = F.interpolate(x, [5, 7], { mode: 'bilinear', alignCorners: true });
    expect([0, 6, 28, 34].map((k) => y.reshape([-1]).toTypedArray()[k])).toEqual([0, 2, 3, 5]);
    expect(new nn.Upsample({ scaleFactor: 3, mode: 'nearest' })(x).shape).toEqual([1, 1, 6, 9]);
    expect(new nn.Upsample([4, 4])(x).shape).toEqual([1, 1, 4, 4]);
    expect(new nn.UpsamplingBilinear2d(null, 2)(x).shape).toEqual([1, 1, 4, 6]);
  });

  it('works on float64 and on views like on copies', () => {
    const x = kd.randn([2, 3, 4, 6], { dtype: 'float64' }).transpose(2, 3);
    const a = F.interpolate(x, { size: [5, 5], mode: 'bilinear' });
    expect(a.dtype).toBe('float64');
    expect(a.tolist()).toEqual(F.interpolate(x.clone(), { size: [5, 5], mode: 'bilinear' }).tolist());
  });

  it('refuses bad sizes and modes, naming them', () => {
    const x = kd.zeros([1, 2, 4, 4]);
    expect(() => F.interpolate(x)).toThrow(/exactly one of size and scaleFactor/);
    expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(/exactly one of size and scaleFactor/);
    expect(() => F.interpolate(x, { size: [3, 3, 3] })).toThrow(/size should be a number or 2 numbers for input of shape \[1, 2, 4, 4\]/);
    expect(() => F.interpolate(x, { size: 3, mode: 'linear' })).toThrow(/mode 'linear' needs a 3-D input, but got \[1, 2, 4, 4\]/);
    expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(/alignCorners can only be set with the linear and bicubic modes/);
    expect(() => F.interpolate(x, { scaleFactor: 0.1 })).toThrow(/output size \[0, 0\] from input \[1, 2, 4, 4\] must be positive integers/);
    // area mode is adaptive average pooling, which PyTorch lets empty a dim (shapes from PyTorch 1.13)
    const xg = kd.randn([1, 2, 3, 4], { requiresGrad: true });
    const empty = F.interpolate(xg, { size: [0, 2], mode: 'area' });
    expect(empty.shape).toEqual([1, 2, 0, 2]);
    empty.sum().backward();
    expect(xg.grad!.abs().sum().item()).toBe(0);
    expect(F.interpolate(kd.randn([1, 2, 3]), { size: 0, mode: 'area' }).shape).toEqual([1, 2, 0]);
    expect(() => F.interpolate(x, { size: [0, 2], mode: 'area', scaleFactor: undefined })).not.toThrow();
    expect(() => F.interpolate(x, { size: [-1, 2], mode: 'area' })).toThrow(/must be non-negative integers/);
    expect(() => F.interpolate(x, { scaleFactor: -1 })).toThrow(/scaleFactor must be positive/);
    expect(() => F.interpolate(x, { size: 3, mode: 'lanczos' as 'nearest' })).toThrow(/mode must be one of/);
    expect(() => F.interpolate(kd.ones([1, 1, 4]), { size: 3, mode: 'bicubic' })).toThrow(/mode 'bicubic' needs a 4-D input/);
    expect(() => F.interpolate(kd.zeros([4, 4]), { size: 3 })).toThrow(/3-D, 4-D or 5-D input/);
    expect(() => F.interpolate(kd.zeros([1, 1, 4], { dtype: 'int32' }), { size: 3 })).toThrow(/floating point/);
  });
});

describe('Transformer', () => {
  it('has PyTorch\'s state-dict keys, in order', () => {
    const keys = Object.keys(new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 }).stateDict());
    const layer = (p: string, attn: string[], norms: number) => [
      ...attn.flatMap((a) => ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'].map((k) => `${p}.${a}.${k}`)),
      ...['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias'].map((k) => `${p}.${k}`),
      ...Array.from({ length: norms }, (_, i) => [`${p}.norm${i + 1}.weight`, `${p}.norm${i + 1}.bias`]).flat(),
    ];
    expect(keys).toEqual([
      ...layer('encoder.layers.0', ['self_attn'], 2), 'encoder.norm.weight', 'encoder.norm.bias',
      ...layer('decoder.layers.0', ['self_attn', 'multihead_attn'], 3), 'decoder.norm.weight', 'decoder.norm.bias',
    ]);
  });

  it('a causal target mask makes each output position independent of later targets', () => {
    kd.manualSeed(9);
    const model = new nn.Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0 });
    const src = kd.randn([5, 1, 8]);
    const tgt = kd.randn([4, 1, 8]);
    const mask = nn.Transformer.generateSquareSubsequentMask(4);
    const a = model(src, tgt, { tgtMask: mask }) as kd.Tensor;
    const changed = kd.cat([tgt.narrow(0, 0, 2), kd.randn([2, 1, 8])], 0);
    const b = model(src, changed, { tgtMask: mask }) as kd.Tensor;
    expectClose(a.narrow(0, 0, 2).toTypedArray(), b.narrow(0, 0, 2).toTypedArray(), 1e-5, 1e-6);
    const c = model(src, tgt, { tgtIsCausal: true }) as kd.Tensor;
    expectClose(c.toTypedArray(), a.toTypedArray(), 1e-5, 1e-6);
  });

  it('refuses mismatched inputs, naming the shapes', () => {
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
    expect(() => model(kd.zeros([3, 2, 8]), kd.zeros([3, 4, 8]))).toThrow(/batch size of src \[3, 2, 8\] and tgt \[3, 4, 8\] must be equal/);
    expect(() => model(kd.zeros([3, 2, 8]), kd.zeros([3, 2, 6]))).toThrow(/must equal dModel \(8\)/);
    expect(() => new nn.Transformer({ dModel: 9, nhead: 2 })).toThrow(/must be divisible by numHeads/);
    expect(() => new nn.TransformerDecoder(new nn.Linear(2, 2) as unknown as kd.nn.TransformerDecoderLayer, 2)).toThrow(/expected a TransformerDecoderLayer/);
    const dec = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 8 });
    expect(() => dec(kd.zeros([3, 2, 8]), kd.zeros([4, 2, 6]))).toThrow(/MultiheadAttention/);
  });
});
