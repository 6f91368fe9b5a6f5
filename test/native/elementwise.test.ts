// Elementwise kernels against plain-JS references: awkward sizes, strided and broadcast
// operands, both float types, threaded vs single-threaded, and bad calls that must throw.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { at, expectClose, indices, randomArray, stridesOf, type FloatCtor } from '../helpers.js';

const SIZES = [0, 1, 7, 1023, 70001];
const FLOATS: [string, FloatCtor][] = [['float32', Float32Array], ['float64', Float64Array]];

/** A strided operand: buffer, offset, strides, over the layout's shape. */
interface View {
  buf: Float32Array | Float64Array | Int32Array | Uint8Array;
  offset: number;
  strides: number[];
}

function layout(shape: number[], views: (View | null)[]): Float64Array {
  const out = [shape.length, ...shape];
  for (const v of views) out.push(v ? v.offset : 0, ...(v ? v.strides : shape.map(() => 0)));
  return new Float64Array(out);
}

/** A non-contiguous view of `shape`: each row padded, starting at an offset. */
function paddedView(ctor: FloatCtor, shape: number[], seed: number): View {
  const pad = 3;
  const rowLen = (shape[shape.length - 1] ?? 1) + pad;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const strides = shape.map(() => 0);
  if (shape.length > 0) strides[shape.length - 1] = 1;
  let acc = rowLen;
  for (let d = shape.length - 2; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  return { buf: randomArray(ctor, 5 + rows * rowLen, seed), offset: 5, strides };
}

function denseView(ctor: FloatCtor, shape: number[], seed: number): View {
  const n = shape.reduce((a, b) => a * b, 1);
  return { buf: randomArray(ctor, n, seed), offset: 0, strides: stridesOf(shape) };
}

const UNARY: Record<string, (x: number, p1: number, p2: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  clamp: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  leakyRelu: (x, s) => (x > 0 ? x : x * s),
  sign: Math.sign,
  powScalar: (x, p) => Math.pow(x, p),
  log1p: Math.log1p,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => Number(a === b),
  ne: (a, b) => Number(a !== b),
  lt: (a, b) => Number(a < b),
  le: (a, b) => Number(a <= b),
  gt: (a, b) => Number(a > b),
  ge: (a, b) => Number(a >= b),
  reluBackward: (g, x) => (x > 0 ? g : 0),
  sigmoidBackward: (g, y) => g * y * (1 - y),
  tanhBackward: (g, y) => g * (1 - y * y),
  sqrtBackward: (g, y) => g / (2 * y),
  absBackward: (g, x) => g * Math.sign(x),
};
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

function tolFor(ctor: FloatCtor): [number, number] {
  return ctor === Float32Array ? [2e-6, 1e-6] : [1e-12, 1e-12];
}

afterAll(() => native.setNumThreads(2));

describe('unary kernels', () => {
  for (const [dname, ctor] of FLOATS) {
    for (const op of Object.keys(UNARY)) {
      it(`${op} ${dname} matches the JS reference on awkward sizes and strided views`, () => {
        const p1 = op === 'clamp' ? -0.5 : op === 'leakyRelu' ? 0.1 : op === 'powScalar' ? 3 : 0;
        const p2 = op === 'clamp' ? 0.75 : 0;
        for (const n of SIZES) {
          for (const shape of [[n], [Math.ceil(n / 7), Math.min(n, 7)]]) {
            const x = n % 2 ? paddedView(ctor, shape, n + 1) : denseView(ctor, shape, n + 1);
            if (op === 'log' || op === 'sqrt') for (let i = 0; i < x.buf.length; i++) x.buf[i] = Math.abs(x.buf[i]) + 0.1;
            const count = shape.reduce((a, b) => a * b, 1);
            const out = new ctor(count);
            native.unary(native.unaryOps[op as keyof typeof native.unaryOps], out, x.buf, layout(shape, [{ buf: out, offset: 0, strides: stridesOf(shape) }, x]), p1, p2);
            const expected = new Float64Array(count);
            let k = 0;
            for (const idx of indices(shape)) expected[k++] = UNARY[op](x.buf[at(x.offset, x.strides, idx)], p1, p2);
            const [rtol, atol] = tolFor(ctor);
            expectClose(out, ctor === Float32Array ? Float32Array.from(expected) : expected, rtol * 4, atol);
          }
        }
      });
    }
  }

  it('clamp treats NaN bounds as absent and keeps NaN inputs', () => {
    const x = new Float32Array([-3, 0, 3, NaN]);
    const out = new Float32Array(4);
    native.unary(native.unaryOps.clamp, out, x, layout([4], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [1] }]), NaN, 1);
    expect(Array.from(out)).toEqual([-3, 0, 1, NaN]);
  });

  it('int32 neg, abs and relu wrap like two\'s complement instead of overflowing', () => {
    const x = new Int32Array([-2147483648, -5, 0, 7]);
    const out = new Int32Array(4);
    const lay = layout([4], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [1] }]);
    native.unary(native.unaryOps.neg, out, x, lay);
    expect(Array.from(out)).toEqual([-2147483648, 5, 0, -7]);
    native.unary(native.unaryOps.relu, out, x, lay);
    expect(Array.from(out)).toEqual([0, 0, 0, 7]);
    expect(() => native.unary(native.unaryOps.exp, out, x, lay)).toThrow(TypeError);
  });
});

/** Broadcast pairs: [outShape, aShape, bShape] with PyTorch's alignment from the right. */
const BROADCASTS: [number[], number[], number[]][] = [
  [[1023], [1023], [1023]],
  [[7, 5], [7, 5], [5]],
  [[7, 5], [7, 1], [1, 5]],
  [[4, 3, 5], [3, 5], [4, 1, 5]],
  [[4, 3, 5], [1], [4, 3, 5]],
  [[2, 3, 4, 5], [2, 1, 4, 1], [3, 1, 5]],
  [[0, 3], [0, 3], [3]],
  [[300, 257], [300, 257], [300, 1]],
];

function broadcastView(v: View, shape: number[], outShape: number[]): View {
  const lead = outShape.length - shape.length;
  return {
    buf: v.buf,
    offset: v.offset,
    strides: outShape.map((s, i) => (i < lead || shape[i - lead] === 1 ? 0 : v.strides[i - lead])),
  };
}

describe('binary kernels with broadcasting', () => {
  for (const [dname, ctor] of FLOATS) {
    for (const op of Object.keys(BINARY)) {
      it(`${op} ${dname} matches the reference for every kind of broadcast`, () => {
        let seed = 10;
        for (const [outShape, aShape, bShape] of BROADCASTS) {
          for (const strided of [false, true]) {
            const make = strided ? paddedView : denseView;
            const a = make(ctor, aShape, seed++);
            const b = make(ctor, bShape, seed++);
            if (op === 'pow') for (let i = 0; i < a.buf.length; i++) a.buf[i] = Math.abs(a.buf[i]) + 0.5;
            if (op === 'sqrtBackward') for (let i = 0; i < b.buf.length; i++) b.buf[i] = Math.abs(b.buf[i]) + 0.5;
            if (COMPARISONS.has(op)) b.buf[b.offset] = a.buf[a.offset];  // at least one tie
            const n = outShape.reduce((x, y) => x * y, 1);
            const out = COMPARISONS.has(op) ? new Uint8Array(n) : new ctor(n);
            const av = broadcastView(a, aShape, outShape);
            const bv = broadcastView(b, bShape, outShape);
            native.binary(native.binaryOps[op as keyof typeof native.binaryOps], out, a.buf, b.buf,
              layout(outShape, [{ buf: out, offset: 0, strides: stridesOf(outShape) }, av, bv]));
            const expected = new Float64Array(n);
            let k = 0;
            for (const idx of indices(outShape)) {
              expected[k++] = BINARY[op](a.buf[at(av.offset, av.strides, idx)], b.buf[at(bv.offset, bv.strides, idx)]);
            }
            const [rtol, atol] = tolFor(ctor);
            expectClose(out, ctor === Float32Array && !COMPARISONS.has(op) ? Float32Array.from(expected) : expected, rtol * 4, atol);
          }
        }
      });
    }
  }

  it('takes a number on either side, converted to the tensor type', () => {
    const x = new Float32Array([1, 2, 4]);
    const out = new Float32Array(3);
    const lay = layout([3], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [1] }, null]);
    native.binary(native.binaryOps.sub, out, x, 0.5, lay);
    expect(Array.from(out)).toEqual([0.5, 1.5, 3.5]);
    const lay2 = layout([3], [{ buf: out, offset: 0, strides: [1] }, null, { buf: x, offset: 0, strides: [1] }]);
    native.binary(native.binaryOps.div, out, 1, x, lay2);
    expect(Array.from(out)).toEqual([1, 0.5, 0.25]);
  });

  it('int32 arithmetic wraps and refuses division', () => {
    const a = new Int32Array([2147483647, -3, 5]);
    const out = new Int32Array(3);
    const lay = layout([3], [{ buf: out, offset: 0, strides: [1] }, { buf: a, offset: 0, strides: [1] }, null]);
    native.binary(native.binaryOps.add, out, a, 1, lay);
    expect(Array.from(out)).toEqual([-2147483648, -2, 6]);
    expect(() => native.binary(native.binaryOps.div, out, a, 0, lay)).toThrow(/floating-point/);
  });

  it('bitwise ops take int32 and bool, and refuse floating-point buffers before touching memory', () => {
    const a = new Int32Array([12, -3, -2147483648]);
    const out = new Int32Array(3);
    const lay = layout([3], [{ buf: out, offset: 0, strides: [1] }, { buf: a, offset: 0, strides: [1] }, null]);
    native.binary(native.binaryOps.bitwiseXor, out, a, 5, lay);
    expect(Array.from(out)).toEqual([12 ^ 5, -3 ^ 5, -2147483648 ^ 5]);
    const m = new Uint8Array([1, 0, 1]);
    const mo = new Uint8Array(3);
    native.binary(native.binaryOps.bitwiseOr, mo, m, new Uint8Array([0, 0, 1]), layout([3], [{ buf: mo, offset: 0, strides: [1] }, { buf: m, offset: 0, strides: [1] }, { buf: m, offset: 0, strides: [1] }]));
    expect(Array.from(mo)).toEqual([1, 0, 1]);
    const f = new Float32Array([1, 2, 3]);
    const fo = new Float32Array(3).fill(7);
    const flay = layout([3], [{ buf: fo, offset: 0, strides: [1] }, { buf: f, offset: 0, strides: [1] }, null]);
    expect(() => native.binary(native.binaryOps.bitwiseAnd, fo, f, 1, flay)).toThrow(/'bitwiseAnd' needs Int32Array or Uint8Array \(bool\) inputs, received Float32Array/);
    expect(Array.from(fo)).toEqual([7, 7, 7]);
  });

  it('works in place (out is a)', () => {
    const a = randomArray(Float64Array, 100, 3);
    const before = a.slice();
    const lay = layout([100], [{ buf: a, offset: 0, strides: [1] }, { buf: a, offset: 0, strides: [1] }, null]);
    native.binary(native.binaryOps.mul, a, a, 2, lay);
    expectClose(a, before.map((v) => v * 2));
  });
});

describe('where, fill and copy', () => {
  it('where picks per element with broadcasting and scalar branches', () => {
    const cond = new Uint8Array([1, 0, 1, 0, 0, 1]);
    const a = new Float32Array([10, 20, 30]);
    const out = new Float32Array(6);
    native.where(out, cond, a, -1, layout([2, 3], [
      { buf: out, offset: 0, strides: [3, 1] }, { buf: cond, offset: 0, strides: [3, 1] }, { buf: a, offset: 0, strides: [0, 1] }, null,
    ]));
    expect(Array.from(out)).toEqual([10, -1, 30, -1, -1, 30]);
  });

  it('fill writes only the view', () => {
    const buf = new Float64Array(12);
    native.fill(buf, 7, layout([3, 2], [{ buf, offset: 1, strides: [4, 2] }, null]));
    expect(Array.from(buf)).toEqual([0, 7, 0, 7, 0, 7, 0, 7, 0, 7, 0, 7]);
  });

  it('copy converts between every pair of storage kinds like PyTorch', () => {
    const f = new Float64Array([-2.7, -0.5, 0, 0.5, 2.7, NaN, 3e10]);
    const lay = layout([7], [{ buf: f, offset: 0, strides: [1] }, { buf: f, offset: 0, strides: [1] }]);
    const i = new Int32Array(7);
    native.copy(i, f, lay);
    expect(Array.from(i)).toEqual([-2, 0, 0, 0, 2, -2147483648, -2147483648]);
    const b = new Uint8Array(7);
    native.copy(b, f, lay);
    expect(Array.from(b)).toEqual([1, 1, 0, 1, 1, 1, 1]);
    const s = new Float32Array(7);
    native.copy(s, b, lay);
    expect(Array.from(s)).toEqual([1, 1, 0, 1, 1, 1, 1]);
  });

  it('copy gathers a transposed view into contiguous order', () => {
    const src = Float32Array.from({ length: 12 }, (_, k) => k);  // 3x4
    const out = new Float32Array(12);
    native.copy(out, src, layout([4, 3], [{ buf: out, offset: 0, strides: [3, 1] }, { buf: src, offset: 0, strides: [1, 4] }]));
    expect(Array.from(out)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  });
});

describe('threading', () => {
  it('gives bitwise the same results on 1 and 2 threads', () => {
    const n = 1 << 20;
    const a = randomArray(Float32Array, n, 5);
    const b = randomArray(Float32Array, n, 6);
    const lay = layout([n], [{ buf: a, offset: 0, strides: [1] }, { buf: a, offset: 0, strides: [1] }, { buf: b, offset: 0, strides: [1] }]);
    const run = (threads: number) => {
      native.setNumThreads(threads);
      const out = new Float32Array(n);
      native.binary(native.binaryOps.mul, out, a, b, lay);
      const e = new Float32Array(n);
      native.unary(native.unaryOps.tanh, e, out, layout([n], [{ buf: e, offset: 0, strides: [1] }, { buf: out, offset: 0, strides: [1] }]));
      return e;
    };
    const one = run(1);
    const two = run(2);
    expect(native.getNumThreads()).toBe(2);
    expect(Buffer.compare(Buffer.from(one.buffer), Buffer.from(two.buffer))).toBe(0);
  });
});

describe('bad calls throw instead of crashing', () => {
  const out = new Float32Array(4);
  const x = new Float32Array(4);
  const ok = () => layout([4], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [1] }]);

  it('names the argument of the wrong kind', () => {
    expect(() => native.unary(0, out, [1, 2, 3, 4] as unknown as Float32Array, ok())).toThrow(/argument 'x' must be a Float32Array.*received Array/);
    expect(() => native.unary(0, out, new Int16Array(4) as unknown as Float32Array, ok())).toThrow(TypeError);
    expect(() => native.unary(0, new Float64Array(4), x, ok())).toThrow(/same type/);
    expect(() => native.unary(0, out, x, [1, 4, 0, 1, 0, 1] as unknown as Float64Array)).toThrow(/'layout' must be a Float64Array/);
    expect(() => native.binary(0, out, 1, 2, ok())).toThrow(/cannot both be numbers/);
    expect(() => native.binary(native.binaryOps.eq, out, x, x, ok())).toThrow(/Uint8Array/);
  });

  it('refuses op codes, sizes, strides and offsets that do not fit', () => {
    expect(() => native.unary(99, out, x, ok())).toThrow(RangeError);
    expect(() => native.unary(0.5, out, x, ok())).toThrow(/integer/);
    expect(() => native.unary(0, out, x, layout([5], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [1] }]))).toThrow(/'out' is too short/);
    expect(() => native.unary(0, out, x, layout([4], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 1, strides: [1] }]))).toThrow(/'x' is too short/);
    expect(() => native.unary(0, out, x, layout([2], [{ buf: out, offset: 0, strides: [1] }, { buf: x, offset: 0, strides: [4] }]))).toThrow(/'x' is too short/);
    expect(() => native.unary(0, out, x, new Float64Array([1, -4, 0, 1, 0, 1]))).toThrow(RangeError);
    expect(() => native.unary(0, out, x, new Float64Array([1, 4, 0, -1, 0, 1]))).toThrow(RangeError);
    expect(() => native.unary(0, out, x, new Float64Array([1, 4, 0, 1, 0]))).toThrow(/too short/);
    expect(() => native.unary(0, out, x, new Float64Array([1, 4, 0, 1, 0, 1, 9]))).toThrow(/expected 6/);
    expect(() => native.unary(0, out, x, new Float64Array([1, 2 ** 60, 0, 1, 0, 1]))).toThrow(RangeError);
    expect(() => native.unary(0, out, x, new Float64Array([1, NaN, 0, 1, 0, 1]))).toThrow(TypeError);
    expect(() => native.fill(out, NaN as unknown as number, layout([4], [{ buf: out, offset: 0, strides: [1] }, null]))).not.toThrow();
  });

  it('refuses to write through zero strides or a view that overlaps itself', () => {
    expect(() => native.unary(0, out, x, layout([4], [{ buf: out, offset: 0, strides: [0] }, { buf: x, offset: 0, strides: [1] }]))).toThrow(/'out' is written through a zero stride/);
    expect(() => native.fill(out, 1, layout([2 ** 31], [{ buf: out, offset: 0, strides: [0] }, null]))).toThrow(/zero stride/);
    const out8 = new Float32Array(8);
    expect(() => native.unary(0, out8, x, layout([3, 3], [{ buf: out8, offset: 0, strides: [1, 1] }, { buf: x, offset: 0, strides: [0, 1] }]))).toThrow(/overlaps itself/);
  });

  it('accepts empty tensors with any strides and reads nothing', () => {
    const empty = new Float32Array(0);
    expect(() => native.unary(0, empty, empty, new Float64Array([2, 0, 5, 0, 1, 1, 0, 1, 1]))).not.toThrow();
  });
});
