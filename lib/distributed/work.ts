/** Work: the handle an asynchronous collective returns (PyTorch's c10d Work). */
import type { GlooGroup, NativeOp } from './native.js';

/**
 * A collective in flight. wait() resolves once it has run and its result is in the tensors
 * (rejecting with the error, e.g. a peer that died); waitSync() blocks the thread instead,
 * for code that cannot await (DDP at the end of backward).
 */
export class Work<T = void> {
  private finished = false;
  private completed = false;
  private error: Error | null = null;
  private value: T | undefined;
  private readonly settled: Promise<void>;

  /** @internal finish runs once, after the operation, before anyone sees its result. */
  constructor(private readonly group: GlooGroup, private readonly op: NativeOp<unknown>, private readonly finish: (raw: unknown) => T, private readonly name = 'collective') {
    // record the outcome even if nobody waits, so a failure never becomes an unhandled rejection
    this.settled = op.promise.then((raw) => { this.completed = true; this.value = this.finishOnce(raw); }, (e: Error) => { this.completed = true; this.error = this.explain(e); });
  }

  /** Gloo's message, with the op and the likely cause. */
  private explain(e: Error): Error {
    const m = e.message;
    const hint = /reset by peer|closed|Read error|Broken pipe|Connection refused/i.test(m)
      ? ' (another rank probably exited or was killed; see its output)'
      : /timeout|timed out/i.test(m) ? ' (some rank did not reach this operation within the timeout)' : '';
    return new Error(`kd.distributed.${this.name} failed on rank ${this.group.rank}: ${m}${hint}`);
  }

  private finishOnce(raw: unknown): T {
    if (!this.finished) {
      this.finished = true;
      this.value = this.finish(raw);
    }
    return this.value as T;
  }

  /** Resolves with the operation's result (the source rank for recv) once it has run; rejects with its error. */
  async wait(): Promise<T> {
    await this.settled;
    if (this.error) throw this.error;
    return this.value as T;
  }

  /** Blocks until the operation has run (throws its error). Prefer wait(). */
  waitSync(): void {
    if (this.completed) {
      if (this.error) throw this.error;
      return;
    }
    try {
      this.group.waitSync(this.op.id);
    } catch (e) {
      throw this.explain(e as Error);
    }
    // a recv's source rank arrives with the promise; collectives have no value to read here
    this.finishOnce(undefined);
  }

  /** Whether the operation has finished (successfully or not). */
  isCompleted(): boolean {
    return this.completed;
  }
}
