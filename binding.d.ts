/**
 * The kindling addon's surface. Every function works on caller-owned typed arrays, borrows
 * them only for the call, validates every argument before touching memory, and throws a
 * `TypeError` (wrong kind of argument) or `RangeError` (sizes, offsets, strides or indices
 * that do not fit) naming the argument. Loaded only by `lib/native.ts`.
 *
 * Layout arrays are `Float64Array`s of integers, described per function.
 */

/** The storage kinds: float32, float64, int32 and bool (as 0/1 bytes). */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatStorage = Float32Array | Float64Array;

export interface Binding {
  /** Op codes of `unary`, by name. */
  readonly unaryOps: Readonly<Record<UnaryOp, number>>;
  /** Op codes of `binary`, by name. */
  readonly binaryOps: Readonly<Record<BinaryOp, number>>;
  /** Op codes of `reduce`, by name. */
  readonly reduceOps: Readonly<Record<ReduceOp, number>>;
  /** Op codes of `scan`, by name. */
  readonly scanOps: Readonly<Record<ScanOp, number>>;
  /** Op codes of `order`, by name. */
  readonly orderOps: Readonly<Record<OrderOp, number>>;
  /** Modes of `scatter`, by name. */
  readonly scatterModes: Readonly<Record<ScatterMode, number>>;

  /**
   * out = op(x) elementwise. layout: [ndim, shape..., outOffset, outStrides..., xOffset, xStrides...].
   * p1/p2: clamp's min/max (NaN = none), leakyRelu's slope, powScalar's exponent. The
   * predicates (isnan, isinf, isfinite) write a Uint8Array.
   */
  unary(op: number, out: Storage, x: Storage, layout: Float64Array, p1?: number, p2?: number): void;
  /**
   * out = op(a, b) elementwise with stride-0 broadcasting; a or b may be a number.
   * layout: [ndim, shape..., then offset and strides for out, a, b]. Comparisons write a Uint8Array.
   * Backward ops take the incoming gradient as a and the saved forward value as b.
   */
  binary(op: number, out: Storage, a: Storage | number, b: Storage | number, layout: Float64Array, p1?: number, p2?: number): void;
  /** out = cond ? a : b. layout: [ndim, shape..., then offset and strides for out, cond, a, b]. */
  where(out: Storage, cond: Uint8Array, a: Storage | number, b: Storage | number, layout: Float64Array): void;
  /** Writes value into every element of the view. layout: [ndim, shape..., outOffset, outStrides..., 0, zeros...]. */
  fill(out: Storage, value: number, layout: Float64Array): void;
  /** Strided copy with conversion between any two storage kinds. layout as in `unary`. */
  copy(out: Storage, x: Storage, layout: Float64Array): void;

  /**
   * c = alpha * op(a) · op(b) + beta * c, per batch. layout: [transA, transB, m, n, k, lda, ldb, ldc,
   * aOffset, bOffset, cOffset, nbatch, batchShape..., aBatchStrides..., bBatchStrides..., cBatchStrides...].
   */
  /** Int32Array operands too (wrapping int32 arithmetic, integer alpha and beta). */
  gemm(a: FloatStorage | Int32Array, b: FloatStorage | Int32Array, c: FloatStorage | Int32Array, layout: Float64Array, alpha: number, beta: number): void;

  /**
   * Reduces the middle axis of a contiguous [outer, R, inner] block into [outer, inner].
   * layout: [xOffset, outOffset, outer, R, inner]. argmax/argmin write an Int32Array.
   * correction: var/std's Bessel correction (default 1).
   */
  reduce(op: number, out: Storage, x: Storage, layout: Float64Array, correction?: number): void;
  /** Softmax (log = false) or log-softmax along the middle axis. layout: [xOffset, outOffset, outer, R, inner]. */
  softmax(log: boolean, out: FloatStorage, x: FloatStorage, layout: Float64Array): void;
  /** Gradient of softmax/log-softmax from its output y. layout: [gradOutOffset, yOffset, gradInOffset, outer, R, inner]. */
  softmaxBackward(log: boolean, gradIn: FloatStorage, gradOut: FloatStorage, y: FloatStorage, layout: Float64Array): void;

  /**
   * Cross-entropy rows of x [N, C] (layout [xOffset, N, C]): writes per row its statistics
   * (stats[2n] = the row's max, stats[2n+1] = log sum exp(x - max)), the weighted NLL, the
   * weighted smoothing term -sum_c w_c log p_c and the target's weight (all 0 on ignored rows).
   * target and weight are dense from element 0. Throws RangeError on a target outside [0, C)
   * that is not ignoreIndex.
   */
  crossEntropy(x: FloatStorage, target: Int32Array, weight: FloatStorage | null, ignoreIndex: number, layout: Float64Array,
    stats: FloatStorage, nll: FloatStorage, smooth: FloatStorage, rowWeight: FloatStorage): void;
  /** gradInput[n,c] = g_n (a w_t (p_c - [c = t]) + b (p_c sum(w) - w_c)); gradOut has length N or 1, dense from 0. */
  crossEntropyBackward(gradInput: FloatStorage, x: FloatStorage, target: Int32Array, weight: FloatStorage | null,
    ignoreIndex: number, layout: Float64Array, stats: FloatStorage, gradOut: FloatStorage, a: number, b: number): void;
  /** nll[n] = -w_t x[n, t], rowWeight[n] = w_t (0 on ignored rows). layout: [xOffset, N, C]. */
  nllLoss(x: FloatStorage, target: Int32Array, weight: FloatStorage | null, ignoreIndex: number, layout: Float64Array,
    nll: FloatStorage, rowWeight: FloatStorage): void;
  /** Zeroes gradInput, then gradInput[n, t] = -scale g_n w_t. */
  nllLossBackward(gradInput: FloatStorage, target: Int32Array, weight: FloatStorage | null, ignoreIndex: number,
    layout: Float64Array, gradOut: FloatStorage, scale: number): void;

  /**
   * out[i] = x[i with i[dim] = index[i]]. layout: [ndim, dim, shape..., xDimSize, then offset and
   * strides for out, index, x]. Index values outside [0, xDimSize) throw RangeError.
   */
  gather(out: Storage, x: Storage, index: Int32Array, layout: Float64Array): void;
  /** target[i with i[dim] = index[i]] += src[i]; layout as in `gather` with (src, index, target). */
  scatterAdd(target: FloatStorage, src: FloatStorage, index: Int32Array, layout: Float64Array): void;
  /**
   * target[i with i[dim] = index[i]] (mode)= src[i], serially in index order (the last write
   * wins for 'assign'); layout as in `scatterAdd`. Any storage kind for 'assign'.
   */
  scatter(mode: number, target: Storage, src: Storage, index: Int32Array, layout: Float64Array): void;

  /**
   * Cumulative op along the middle axis of a contiguous [outer, R, inner] block of x starting at
   * xOffset; out (x's kind) and, for cummax/cummin, indices are dense from element 0, else null.
   * layout: [xOffset, outer, R, inner].
   */
  scan(op: number, out: Storage, x: Storage, indices: Int32Array | null, layout: Float64Array): void;
  /**
   * Sliding blocks of an image batch (im2col) or their sum back into images (col2im, fold
   * true: the image is overwritten). layout: [imageOffset, N, C, H, W, kH, kW, padH, padW,
   * strideH, strideW, dilH, dilW, oH, oW]; oH and oW must be the sizes this geometry gives.
   * The columns [N, C*kH*kW, oH*oW] are dense from element 0; both float32 or both float64.
   */
  unfold(fold: boolean, image: FloatStorage, columns: FloatStorage, layout: Float64Array): void;
  /**
   * 2-D convolution y = conv(x, weight) + bias over contiguous blocks: x [N, C, H, W] at
   * xOffset, weight [O, C/groups, kH, kW] at wOffset, bias [O] at bOffset (or null), y
   * [N, O, oH, oW] at yOffset, overwritten; all float32 or all float64. layout: [xOffset,
   * wOffset, bOffset, yOffset, N, C, H, W, O, groups, kH, kW, padH, padW, strideH, strideW,
   * dilH, dilW, oH, oW]; oH and oW must be the sizes this geometry gives.
   */
  conv2d(x: FloatStorage, weight: FloatStorage, bias: FloatStorage | null, y: FloatStorage, layout: Float64Array): void;
  /** The gradient of conv2d's input from dy (at yOffset) into dx (at xOffset), overwritten. layout as conv2d's. */
  conv2dBackwardInput(dy: FloatStorage, weight: FloatStorage, dx: FloatStorage, layout: Float64Array): void;
  /**
   * The gradients of conv2d's weight (into dw at wOffset) and bias (into db at bOffset, or
   * null), overwritten, from x and dy. layout as conv2d's.
   */
  conv2dBackwardWeight(x: FloatStorage, dy: FloatStorage, dw: FloatStorage, db: FloatStorage | null, layout: Float64Array): void;
  /**
   * Max (kind 0) or average (kind 1) pooling of x (dense [planes, H, W] from xOffset) into out
   * (dense [planes, oH, oW] from 0), as ATen's CPU kernels; max pooling also writes each
   * maximum's index into its H*W plane when indices is given. layout: [xOffset, planes, H, W,
   * kH, kW, strideH, strideW, padH, padW, dilH, dilW, oH, oW, countIncludePad, divisorOverride
   * (0 = none)]; average pooling takes dilation 1.
   */
  pool2d(kind: number, x: FloatStorage, out: FloatStorage, indices: Int32Array | null, layout: Float64Array): void;
  /**
   * The gradient of pool2d's input: gx (dense [planes, H, W] from 0, overwritten) from g (dense
   * [planes, oH, oW] from the layout's xOffset); max pooling needs the forward's indices.
   */
  pool2dBackward(kind: number, g: FloatStorage, indices: Int32Array | null, gx: FloatStorage, layout: Float64Array): void;
  /**
   * Uniform samples in [0, 1) into out[offset, offset + count) from kindling's xoshiro128**
   * generator whose four state words are `state` (advanced in place): the JS Generator's stream.
   */
  randomUniform(state: Int32Array, out: FloatStorage, offset: number, count: number): void;
  /**
   * A dropout mask into out[offset, offset + count): 1 / (1 - p) where the generator's next
   * uniform sample (randomUniform's stream) is at least p, else 0. p in [0, 1).
   */
  dropoutMask(state: Int32Array, out: FloatStorage, offset: number, count: number, p: number): void;
  /**
   * The LSTM cell's gate math: xProj and hProj [B, 4H] (gates i, f, g, o) and c [B, H] from the
   * layout's offsets give h2 and c2 [B, H], and for the gradient the activated gates act [B, 4H]
   * and tc = tanh(c2) [B, H], all dense from 0 and overwritten. layout: [xOffset, hOffset,
   * cOffset, B, H].
   */
  lstmCell(xProj: FloatStorage, hProj: FloatStorage, c: FloatStorage, h2: FloatStorage, c2: FloatStorage, act: FloatStorage, tc: FloatStorage, layout: Float64Array): void;
  /**
   * lstmCell's gradient: from dh and dc2 [B, H] (at the layout's first two offsets), act and tc
   * (dense) and c (at the third), the gate gradient dgates [B, 4H] and dc [B, H], dense from 0
   * and overwritten. layout: [dhOffset, dc2Offset, cOffset, B, H].
   */
  lstmCellBackward(dh: FloatStorage, dc2: FloatStorage, act: FloatStorage, tc: FloatStorage, c: FloatStorage, dgates: FloatStorage, dc: FloatStorage, layout: Float64Array): void;
  /**
   * The GRU cell's gate math: xProj and hProj [B, 3H] (gates r, z, n; hProj with the hidden
   * bias) and h [B, H] at the layout's offsets give hNew [B, H] and the activated gates act
   * [B, 3H], dense from 0 and overwritten. layout: [xOffset, hpOffset, hOffset, B, H].
   */
  gruCell(xProj: FloatStorage, hProj: FloatStorage, h: FloatStorage, hNew: FloatStorage, act: FloatStorage, layout: Float64Array): void;
  /**
   * gruCell's gradient from dh [B, H] (at the first offset), act (dense), hProj and h: dx (the
   * input projection's) and dhp (the hidden projection's) [B, 3H], and dhd [B, H] (h's direct
   * part), dense from 0 and overwritten. layout: [dhOffset, hpOffset, hOffset, B, H].
   */
  gruCellBackward(dh: FloatStorage, act: FloatStorage, hProj: FloatStorage, h: FloatStorage, dx: FloatStorage, dhp: FloatStorage, dhd: FloatStorage, layout: Float64Array): void;
  /**
   * Batch normalisation of x viewed as [N, C, S] (at the layout's xOffset) into y (at yOffset),
   * ATen's formulas. stats is dense [3C]: mean, invstd, biased variance — written when training,
   * its mean and invstd read otherwise. layout: [xOffset, yOffset, wOffset, bOffset, N, C, S].
   */
  batchNorm(x: FloatStorage, weight: FloatStorage | null, bias: FloatStorage | null, stats: FloatStorage, y: FloatStorage, layout: Float64Array, training: boolean, eps: number): void;
  /**
   * batchNorm's gradient from dy (at the layout's second offset): dx dense [N, C, S] and dwdb
   * dense [2C] (weight's gradient, then bias's), each skipped when null. layout as batchNorm's.
   */
  batchNormBackward(x: FloatStorage, dy: FloatStorage, weight: FloatStorage | null, stats: FloatStorage, dx: FloatStorage | null, dwdb: FloatStorage | null, layout: Float64Array, training: boolean): void;
  /**
   * Normalises each of R rows of M elements (x at the layout's xOffset, y at yOffset) by its
   * mean and biased variance, then the affine transform whose parameter for element j of row r
   * is ((r mod A) * M + j) / D (layer norm A = D = 1; group norm A = groups, D = spatial size;
   * instance norm A = channels, D = M). stats dense [2R]: mean, rstd.
   * layout: [xOffset, yOffset, wOffset, bOffset, R, M, A, D].
   */
  rowNorm(x: FloatStorage, weight: FloatStorage | null, bias: FloatStorage | null, stats: FloatStorage, y: FloatStorage, layout: Float64Array, eps: number): void;
  /**
   * rowNorm's gradient from dy (at the layout's second offset): dx dense [R, M] and dwdb dense
   * [2P] (weight's gradient, then bias's; P = A * M / D), each skipped when null.
   */
  rowNormBackward(x: FloatStorage, dy: FloatStorage, weight: FloatStorage | null, stats: FloatStorage, dx: FloatStorage | null, dwdb: FloatStorage | null, layout: Float64Array): void;
  /**
   * Orders lanes along the middle axis of [outer, R, inner]: sort (stable, n = R), topk (n = k,
   * largest when descending), kthvalue (k-th smallest, k from 1, n = 1) or median (lower median,
   * NaN if the lane has one, n = 1). values/indices are dense [outer, n, inner].
   * layout: [xOffset, outer, R, inner, k].
   */
  order(op: number, values: Storage, indices: Int32Array, x: Storage, layout: Float64Array, descending: boolean): void;

  /** One SGD step over a parameter (PyTorch's rule; the momentum buffer is set from the gradient on the first step). */
  sgd(param: FloatStorage, grad: FloatStorage, momentumBuffer: FloatStorage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean, firstStep: boolean): void;
  /** One Adagrad step with the decayed rate clr = lr / (1 + (step - 1) lrDecay). */
  adagrad(param: FloatStorage, grad: FloatStorage, stateSum: FloatStorage, clr: number, weightDecay: number, eps: number,
    maximize: boolean): void;
  /** One RMSprop step; gradAvg given means centered, momentumBuffer given means momentum > 0. */
  rmsprop(param: FloatStorage, grad: FloatStorage, squareAvg: FloatStorage, gradAvg: FloatStorage | null,
    momentumBuffer: FloatStorage | null, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number,
    maximize: boolean): void;
  /** One Adam (or AdamW, decoupledWeightDecay) step; maxExpAvgSq given means amsgrad. step counts from 1. */
  adam(param: FloatStorage, grad: FloatStorage, expAvg: FloatStorage, expAvgSq: FloatStorage,
    maxExpAvgSq: FloatStorage | null, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
    step: number, decoupledWeightDecay: boolean, maximize: boolean): void;

  /** Sets the threads of the kernel pool and of OpenBLAS (1..1024). */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** OpenBLAS's build description (version, target, threading). */
  blasConfig(): string;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'sigmoid' | 'tanh' | 'clamp' | 'leakyRelu'
  | 'gelu' | 'sign' | 'powScalar' | 'log1p' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh'
  | 'exp2' | 'expm1' | 'log2' | 'log10' | 'erf' | 'erfinv' | 'erfc' | 'floor' | 'ceil' | 'round' | 'trunc' | 'frac' | 'rsqrt'
  | 'isnan' | 'isinf' | 'isfinite';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'reluBackward' | 'sigmoidBackward' | 'tanhBackward' | 'clampBackward' | 'leakyReluBackward' | 'geluBackward'
  | 'powScalarBackward' | 'sqrtBackward' | 'absBackward' | 'atan2' | 'remainder' | 'fmod' | 'hypot'
  /** a + p1 * b (add_ and sub_ with alpha) */
  | 'addScaled'
  /** int32 and bool only */
  | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor';
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin' | 'var' | 'std' | 'prod' | 'logsumexp'
  /** the sum of squares, for 2-norms */
  | 'sumSquares';
export type ScanOp = 'cumsum' | 'cumprod' | 'cummax' | 'cummin';
export type OrderOp = 'sort' | 'topk' | 'kthvalue' | 'median';
export type ScatterMode = 'assign' | 'add' | 'multiply' | 'amax' | 'amin';
