/**
 * DistributedDataParallel (PyTorch's nn.parallel.DistributedDataParallel) on kd.distributed:
 * every rank holds a replica; construction copies rank 0's parameters and buffers to all;
 * backward all-reduces the gradients in buckets of about bucketCapMb, each launched on Gloo's
 * thread as soon as backward has accumulated all of its parameters' gradients (the rest of
 * backward keeps running meanwhile), and the averaged gradients are in `.grad` when backward
 * returns. Buckets are filled in reverse parameter order (roughly the order backward produces
 * gradients) and always launched in bucket order, so every rank issues the same collectives.
 */
import { Tensor } from '../../tensor/tensor.js';
import { describe } from '../../tensor/shape.js';
import { isGradEnabled, noGrad } from '../../autograd/grad_mode.js';
import { isNodeEdge, type GradFn } from '../../autograd/node.js';
import { denseData } from '../../ops/dense.js';
import { elementwiseLayout } from '../../ops/layout.js';
import { native } from '../../native.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as dist from '../../distributed/index.js';
import type { ProcessGroup } from '../../distributed/process_group.js';
import type { Work } from '../../distributed/work.js';
import type { CommBuffer } from '../../distributed/native.js';

export interface DistributedDataParallelOptions {
  /** The group to average over (default: the default process group). */
  processGroup?: ProcessGroup;
  /** Bucket size in MiB (default 25, as PyTorch). */
  bucketCapMb?: number;
  /**
   * Find, after each forward, the parameters the output does not depend on and count them as
   * ready with a zero gradient; needed when some parameters get no gradient in an iteration.
   */
  findUnusedParameters?: boolean;
  /** Copy rank 0's buffers (e.g. BatchNorm running statistics) to every rank before each forward (default true). */
  broadcastBuffers?: boolean;
}

interface Bucket {
  params: Parameter[];
  offsets: number[];
  flat: CommBuffer;
  ready: number;
  work: Work | null;
}

/** Tensors anywhere in a forward's result (a tensor, or arrays and objects holding them). */
function tensorsIn(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) tensorsIn(x, out);
  return out;
}

/** The leaves the graph behind outputs reaches. */
function reachedLeaves(outputs: Tensor[]): Set<Tensor> {
  const leaves = new Set<Tensor>();
  const seen = new Set<GradFn>();
  const stack: GradFn[] = [];
  for (const t of outputs) {
    if (t.gradFn) stack.push(t.gradFn);
    else if (t.requiresGrad) leaves.add(t);
  }
  while (stack.length > 0) {
    const fn = stack.pop()!;
    if (seen.has(fn)) continue;
    seen.add(fn);
    for (const e of fn.next) {
      if (isNodeEdge(e)) stack.push(e.fn);
      else if (e !== null) leaves.add(e);
    }
  }
  return leaves;
}

/**
 * Wraps module for data-parallel training. Its state dict keys carry PyTorch's `module.` prefix.
 * Throws when no process group is given or initialized; an iteration whose backward left some
 * parameters without gradients fails at the next forward, naming them.
 */
export class DistributedDataParallel extends Module {
  module: Module;
  private readonly group: ProcessGroup;
  private readonly buckets: Bucket[] = [];
  /** Each parameter's bucket and its place in that bucket. */
  private readonly slotOf = new Map<Parameter, { bucket: Bucket; index: number }>();
  private readonly findUnused: boolean;
  private readonly broadcastBuffers: boolean;
  private readonly names = new Map<Parameter, string>();
  private launched = 0;
  private syncing = true;
  private marked = new Set<Parameter>();

  constructor(module: Module, options: DistributedDataParallelOptions = {}) {
    super();
    if (!(module instanceof Module)) throw new TypeError(`DistributedDataParallel: expected a Module, but received ${describe(module)}`);
    this.module = module;
    if (!options.processGroup && !dist.isInitialized()) {
      throw new Error('DistributedDataParallel: no process group; call await kd.distributed.initProcessGroup() first (or pass { processGroup })');
    }
    this.group = options.processGroup ?? dist.defaultGroup();
    this.findUnused = options.findUnusedParameters ?? false;
    this.broadcastBuffers = options.broadcastBuffers ?? true;
    const capBytes = (options.bucketCapMb ?? 25) * 1024 * 1024;
    if (!(capBytes > 0)) throw new RangeError(`DistributedDataParallel: bucketCapMb must be positive, but got ${describe(options.bucketCapMb)}`);
    const params = module.namedParameters().filter(([, p]) => p.requiresGrad);
    for (const [name, p] of params) this.names.set(p, name);
    // start from identical replicas
    this.syncState(params.map(([, p]) => p as Tensor).concat(module.namedBuffers().map(([, b]) => b)));
    // buckets in reverse registration order, one dtype per bucket
    let current: Parameter[] = [];
    let bytes = 0;
    // the first bucket (the last layers, whose gradients come first) is small, as PyTorch's
    // 1 MiB first bucket: its all-reduce starts early and overlaps the rest of backward
    let limit = Math.min(capBytes, 1024 * 1024);
    const flush = () => {
      if (current.length === 0) return;
      const offsets: number[] = [];
      let n = 0;
      for (const p of current) { offsets.push(n); n += p.numel(); }
      const dtype = current[0].dtype;
      const flat = (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)) as CommBuffer;
      const bucket: Bucket = { params: current, offsets, flat, ready: 0, work: null };
      current.forEach((p, index) => this.slotOf.set(p, { bucket, index }));
      this.buckets.push(bucket);
      current = [];
      bytes = 0;
      limit = capBytes;
    };
    for (const [name, p] of [...params].reverse()) {
      if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new TypeError(`DistributedDataParallel: parameter ${name} is ${p.dtype}; only float32 and float64 parameters can be trained`);
      if (current.length > 0 && (current[0].dtype !== p.dtype || bytes + p.numel() * 4 > limit)) flush();
      current.push(p);
      bytes += p.numel() * (p.dtype === 'float64' ? 8 : 4);
    }
    flush();
    for (const [, p] of params) p.registerPostAccumulateGradHook(() => this.gradReady(p));
  }

  /** Broadcasts rank 0's values of these tensors to every rank, and waits. */
  private syncState(tensors: Tensor[]): void {
    if (this.group.size() === 1) return;
    const works = noGrad(() => tensors.map((t) => this.group.broadcast(t, this.group.ranks[0], { asyncOp: true }) as Work));
    for (const w of works) w.waitSync();
  }

  private gradReady(p: Parameter): void {
    if (!this.syncing || this.group.size() === 1) return;
    if (this.marked.has(p)) {
      throw new Error(`DistributedDataParallel: parameter ${this.names.get(p)} received its gradient twice in one iteration (backward through the same graph twice, or a parameter used in several forwards before one backward); this is not supported`);
    }
    this.marked.add(p);
    const { bucket: b, index: i } = this.slotOf.get(p)!;
    b.flat.set(denseData(p.grad!) as ArrayLike<number> as Float32Array, b.offsets[i]);
    b.ready++;
    this.launchReady();
  }

  /** Marks a parameter the output does not depend on as ready, with a zero gradient. */
  private markUnused(p: Parameter): void {
    this.marked.add(p);
    const { bucket: b, index: i } = this.slotOf.get(p)!;
    b.flat.fill(0, b.offsets[i], b.offsets[i] + p.numel());
    b.ready++;
  }

  private launchReady(): void {
    while (this.launched < this.buckets.length && this.buckets[this.launched].ready === this.buckets[this.launched].params.length) {
      const b = this.buckets[this.launched++];
      b.work = this.group.allReduce(Tensor.fromStorage(b.flat, [b.flat.length], b.params[0].dtype), 'sum', { asyncOp: true }) as Work;
    }
    if (this.launched === this.buckets.length) this.finish();
  }

  /** Waits for every bucket, then writes the averages into `.grad` (still inside backward). */
  private finish(): void {
    const n = this.group.size();
    for (const b of this.buckets) {
      b.work!.waitSync();
      const flat = Tensor.fromStorage(b.flat, [b.flat.length], b.params[0].dtype);
      b.params.forEach((p, i) => {
        const sum = flat.narrow(0, b.offsets[i], p.numel());
        if (p.grad === null || !p.grad.isContiguous()) {
          const avg = noGrad(() => sum.div(n).reshape([...p.shape]));
          if (p.grad === null) p.grad = avg;
          else noGrad(() => p.grad!.copy_(avg));
          return;
        }
        // the average straight into .grad: one pass, the same rounding as sum / n
        const g = p.grad;
        const into = new Tensor(g.storage, [g.numel()], [1], g.offset, g.dtype, g.versionCounter);
        native.binary(native.binaryOps.div, g.storage, b.flat, n, elementwiseLayout([g.numel()], [into, sum, null]));
      });
      b.ready = 0;
      b.work = null;
    }
    this.launched = 0;
    this.marked.clear();
  }

  forward(...args: unknown[]): unknown {
    if (this.marked.size > 0) {
      const missing = [...this.names.entries()].filter(([p]) => !this.marked.has(p)).map(([, name]) => name);
      this.resetReduction();
      throw new Error(`DistributedDataParallel: the previous iteration's backward did not produce gradients for ${missing.join(', ')}, so its gradients were not averaged. ` +
        'Pass { findUnusedParameters: true } if some parameters take no part in some iterations, and make sure every rank calls backward.');
    }
    if (this.broadcastBuffers && this.training && this.group.size() > 1) {
      const buffers = this.module.namedBuffers().map(([, b]) => b);
      if (buffers.length > 0) this.syncState(buffers);
    }
    const out = (this.module as unknown as (...a: unknown[]) => unknown)(...args);
    if (this.findUnused && this.syncing && this.training && isGradEnabled() && this.group.size() > 1) {
      const used = reachedLeaves(tensorsIn(out));
      for (const p of this.names.keys()) if (!used.has(p)) this.markUnused(p);
      // buckets of unused parameters only can go now (in bucket order); the rest wait for backward
      this.launchReady();
    }
    return out;
  }

  private resetReduction(): void {
    for (const b of this.buckets) { b.ready = 0; if (b.work) { b.work.waitSync(); b.work = null; } }
    this.launched = 0;
    this.marked.clear();
  }

  /**
   * Runs fn with gradient averaging off (PyTorch's `with ddp.no_sync():`): gradients accumulate
   * locally, and the next backward outside noSync averages the accumulated sum.
   */
  noSync<T>(fn: () => T): T {
    const before = this.syncing;
    this.syncing = false;
    try {
      return fn();
    } finally {
      this.syncing = before;
    }
  }
}
