/**
 * ProcessGroup: the ranks of one Gloo context and the collectives over them, on kindling
 * tensors. A contiguous tensor's own elements go to Gloo in place; any other view goes through
 * a dense copy that is written back when the operation finishes. Ranks given to a collective
 * (src, dst) are global ranks, as in PyTorch, and are mapped to the group's own.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { denseData } from '../ops/dense.js';
import { emptyTensor } from '../ops/alloc.js';
import { cat } from '../ops/indexing.js';
import type { CommBuffer, GlooGroup } from './native.js';
import { Work } from './work.js';

/** PyTorch's ReduceOp. AVG divides the sum by the group size (floating-point tensors only). */
export const ReduceOp = { SUM: 'sum', AVG: 'avg', PRODUCT: 'product', MIN: 'min', MAX: 'max' } as const;
export type ReduceOpName = (typeof ReduceOp)[keyof typeof ReduceOp];
const NATIVE_OP: Record<ReduceOpName, number> = { sum: 0, avg: 0, product: 1, min: 2, max: 3 };

export interface CollectiveOptions {
  /** Return a Work handle at once instead of a promise. */
  asyncOp?: boolean;
}

/** A tensor's elements as a buffer Gloo may write, and how to put the result back. */
function buffer(op: string, name: string, t: unknown): { buf: CommBuffer; done: () => void } {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, but received ${describe(t)}`);
  if (t.isContiguous()) return { buf: t.storage.subarray(t.offset, t.offset + t.numel()) as CommBuffer, done: () => {} };
  const dense = denseData(t) as CommBuffer;
  return {
    buf: dense,
    done: () => noGrad(() => { t.copy_(Tensor.fromStorage(dense, t.shape, t.dtype)); }),
  };
}

function sameLayout(op: string, a: Tensor, b: Tensor, what: string): void {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new RangeError(`${op}: ${what} is ${b.dtype} ${formatShape(b.shape)}, but the tensor is ${a.dtype} ${formatShape(a.shape)}; they must match`);
  }
}

/** One Gloo context over a set of global ranks. Made by initProcessGroup and newGroup. */
export class ProcessGroup {
  /** @internal */
  constructor(readonly native: GlooGroup, readonly ranks: readonly number[], readonly globalRank: number) {}

  /** This process's rank within the group. */
  rank(): number { return this.native.rank; }
  /** The number of ranks in the group. */
  size(): number { return this.native.size; }

  /** The group rank of a global rank; RangeError naming it when it is not in the group. */
  groupRank(op: string, name: string, global: number): number {
    const r = this.ranks.indexOf(global);
    if (!Number.isInteger(global) || r < 0) {
      throw new RangeError(`${op}: ${name} ${describe(global)} is not a rank of this group (ranks ${this.ranks.join(', ')})`);
    }
    return r;
  }

  private run<T>(options: CollectiveOptions, start: () => Work<T>): Promise<T> | Work<T> {
    const w = start();
    return options.asyncOp ? w : w.wait();
  }

  /** Reduces tensor across the group in place (sum by default). */
  allReduce(tensor: Tensor, op: ReduceOpName = 'sum', options: CollectiveOptions = {}): Promise<void> | Work {
    if (!(op in NATIVE_OP)) throw new RangeError(`allReduce: op must be one of ${Object.keys(NATIVE_OP).join(', ')}, but got ${describe(op)}`);
    const { buf, done } = buffer('allReduce', 'tensor', tensor);
    if (op === 'avg' && !(buf instanceof Float32Array || buf instanceof Float64Array)) throw new TypeError(`allReduce: AVG needs a floating-point tensor, but got ${tensor.dtype}`);
    const n = this.size();
    return this.run(options, () => new Work(this.native, this.native.allReduce(buf, NATIVE_OP[op]), () => {
      if (op === 'avg') for (let i = 0; i < buf.length; i++) buf[i] /= n;
      done();
    }, 'allReduce'));
  }

  /** Reduces tensor into rank dst's copy (others' tensors are left as Gloo leaves them). */
  reduce(tensor: Tensor, dst: number, op: ReduceOpName = 'sum', options: CollectiveOptions = {}): Promise<void> | Work {
    if (!(op in NATIVE_OP)) throw new RangeError(`reduce: op must be one of ${Object.keys(NATIVE_OP).join(', ')}, but got ${describe(op)}`);
    const root = this.groupRank('reduce', 'dst', dst);
    const { buf, done } = buffer('reduce', 'tensor', tensor);
    if (op === 'avg' && !(buf instanceof Float32Array || buf instanceof Float64Array)) throw new TypeError(`reduce: AVG needs a floating-point tensor, but got ${tensor.dtype}`);
    const n = this.size(), me = this.rank();
    return this.run(options, () => new Work(this.native, this.native.reduce(buf, NATIVE_OP[op], root), () => {
      if (op === 'avg' && me === root) for (let i = 0; i < buf.length; i++) buf[i] /= n;
      done();
    }, 'reduce'));
  }

  /** Copies rank src's tensor into every rank's. */
  broadcast(tensor: Tensor, src: number, options: CollectiveOptions = {}): Promise<void> | Work {
    const root = this.groupRank('broadcast', 'src', src);
    const { buf, done } = buffer('broadcast', 'tensor', tensor);
    return this.run(options, () => new Work(this.native, this.native.broadcast(buf, root), done, 'broadcast'));
  }

  /** Fills tensorList[r] with rank r's tensor, on every rank. */
  allGather(tensorList: Tensor[], tensor: Tensor, options: CollectiveOptions = {}): Promise<void> | Work {
    const { buf } = buffer('allGather', 'tensor', tensor);
    const n = this.size();
    if (!Array.isArray(tensorList) || tensorList.length !== n) throw new RangeError(`allGather: expected tensorList to hold ${n} tensors (one per rank), but received ${describe(tensorList)}`);
    tensorList.forEach((t, i) => { if (!(t instanceof Tensor)) throw new TypeError(`allGather: tensorList[${i}] is ${describe(t)}, not a Tensor`); sameLayout('allGather', tensor, t, `tensorList[${i}]`); });
    const out = emptyTensor([n * tensor.numel()], tensor.dtype);
    return this.run(options, () => new Work(this.native, this.native.allGather(buf, out.storage as CommBuffer), () => {
      noGrad(() => tensorList.forEach((t, r) => t.copy_(out.narrow(0, r * tensor.numel(), tensor.numel()).reshape([...tensor.shape]))));
    }, 'allGather'));
  }

  /** Concatenates every rank's input along dim 0 into output ([size * n, ...]). */
  allGatherIntoTensor(output: Tensor, input: Tensor, options: CollectiveOptions = {}): Promise<void> | Work {
    const { buf } = buffer('allGatherIntoTensor', 'input', input);
    const o = buffer('allGatherIntoTensor', 'output', output);
    if (output.dtype !== input.dtype || output.numel() !== input.numel() * this.size()) {
      throw new RangeError(`allGatherIntoTensor: output ${output.dtype} ${formatShape(output.shape)} must hold ${this.size()} × input ${input.dtype} ${formatShape(input.shape)}`);
    }
    return this.run(options, () => new Work(this.native, this.native.allGather(buf, o.buf), o.done, 'allGatherIntoTensor'));
  }

  /** On rank dst, fills gatherList[r] with rank r's tensor; other ranks pass null. */
  gather(tensor: Tensor, gatherList: Tensor[] | null, dst: number, options: CollectiveOptions = {}): Promise<void> | Work {
    const root = this.groupRank('gather', 'dst', dst);
    const { buf } = buffer('gather', 'tensor', tensor);
    const n = this.size();
    const isRoot = root === this.rank();
    if (isRoot) {
      if (!Array.isArray(gatherList) || gatherList.length !== n) throw new RangeError(`gather: rank ${dst} (dst) needs a gatherList of ${n} tensors, but received ${describe(gatherList)}`);
      gatherList.forEach((t, i) => sameLayout('gather', tensor, t, `gatherList[${i}]`));
    } else if (gatherList !== null && gatherList !== undefined && gatherList.length > 0) {
      throw new RangeError(`gather: only rank ${dst} (dst) receives, so this rank (${this.globalRank}) must pass gatherList null`);
    }
    const out = isRoot ? emptyTensor([n * tensor.numel()], tensor.dtype) : null;
    return this.run(options, () => new Work(this.native, this.native.gather(buf, out ? out.storage as CommBuffer : null, root), () => {
      if (out) noGrad(() => gatherList!.forEach((t, r) => t.copy_(out.narrow(0, r * tensor.numel(), tensor.numel()).reshape([...tensor.shape]))));
    }, 'gather'));
  }

  /** Rank src hands scatterList[r] to rank r (into its tensor); other ranks pass null. */
  scatter(tensor: Tensor, scatterList: Tensor[] | null, src: number, options: CollectiveOptions = {}): Promise<void> | Work {
    const root = this.groupRank('scatter', 'src', src);
    const { buf, done } = buffer('scatter', 'tensor', tensor);
    const n = this.size();
    const isRoot = root === this.rank();
    let input: CommBuffer | null = null;
    if (isRoot) {
      if (!Array.isArray(scatterList) || scatterList.length !== n) throw new RangeError(`scatter: rank ${src} (src) needs a scatterList of ${n} tensors, but received ${describe(scatterList)}`);
      scatterList.forEach((t, i) => sameLayout('scatter', tensor, t, `scatterList[${i}]`));
      input = denseData(noGrad(() => cat(scatterList.map((t) => t.reshape([-1])), 0))) as CommBuffer;
    } else if (scatterList !== null && scatterList !== undefined && scatterList.length > 0) {
      throw new RangeError(`scatter: only rank ${src} (src) sends, so this rank (${this.globalRank}) must pass scatterList null`);
    }
    return this.run(options, () => new Work(this.native, this.native.scatter(input, buf, root), done, 'scatter'));
  }

  /** Reduces inputList across ranks and leaves chunk r of the result in rank r's output. */
  reduceScatter(output: Tensor, inputList: Tensor[], op: ReduceOpName = 'sum', options: CollectiveOptions = {}): Promise<void> | Work {
    const n = this.size();
    if (!Array.isArray(inputList) || inputList.length !== n) throw new RangeError(`reduceScatter: expected inputList to hold ${n} tensors (one per rank), but received ${describe(inputList)}`);
    inputList.forEach((t, i) => sameLayout('reduceScatter', output, t, `inputList[${i}]`));
    if (!(op in NATIVE_OP)) throw new RangeError(`reduceScatter: op must be one of ${Object.keys(NATIVE_OP).join(', ')}, but got ${describe(op)}`);
    if (op === 'avg' && output.dtype !== 'float32' && output.dtype !== 'float64') throw new TypeError(`reduceScatter: AVG needs a floating-point tensor, but got ${output.dtype}`);
    // Gloo has no reduce-scatter for every type: all-reduce the stacked inputs, keep this rank's
    // chunk (twice the traffic of a ring reduce-scatter; see the README)
    const all = emptyTensor([n, ...output.shape], output.dtype);
    noGrad(() => inputList.forEach((t, r) => all.select(0, r).copy_(t)));
    const me = this.rank();
    return this.run(options, () => new Work(this.native, this.native.allReduce(all.storage as CommBuffer, NATIVE_OP[op]), () => {
      const mine = all.select(0, me);
      noGrad(() => output.copy_(op === 'avg' ? mine.div(n) : mine));
    }, 'reduceScatter'));
  }

  /** Waits until every rank of the group has reached it. */
  barrier(options: CollectiveOptions = {}): Promise<void> | Work {
    return this.run(options, () => new Work(this.native, this.native.barrier(), () => {}, 'barrier'));
  }

  /** Sends tensor to global rank dst (matched by a recv with the same tag). */
  send(tensor: Tensor, dst: number, tag = 0, options: CollectiveOptions = {}): Promise<void> | Work {
    const to = this.groupRank('send', 'dst', dst);
    const { buf } = buffer('send', 'tensor', tensor);
    return this.run(options, () => new Work(this.native, this.native.send(buf, to, tag), () => {}, 'send'));
  }

  /** Receives into tensor from global rank src (or any rank when src is null); resolves with the sender's rank. */
  recv(tensor: Tensor, src: number | null = null, tag = 0, options: CollectiveOptions = {}): Promise<number> | Work<number> {
    const from = src === null ? -1 : this.groupRank('recv', 'src', src);
    const { buf, done } = buffer('recv', 'tensor', tensor);
    return this.run(options, () => new Work<number>(this.native, this.native.recv(buf, from, tag), (raw) => { done(); return this.ranks[raw as number]; }, 'recv'));
  }

  /** Releases the Gloo context (after its queued operations finish). */
  destroy(): void {
    this.native.close();
  }
}
