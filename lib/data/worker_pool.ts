/**
 * The DataLoader's worker threads, driven synchronously: the loop posts batch requests and
 * blocks (Atomics.wait on shared memory, woken by the workers) until the next batch in order
 * arrives on that worker's port, which it reads with receiveMessageOnPort. So `for (const b of
 * loader)` stays a plain synchronous loop while loading runs on other threads.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../native.js';
import type { WorkerSource } from './dataset.js';
import { decode } from './transfer.js';

/**
 * The worker's script: compiled JS beside this module, or, when this module runs from its
 * TypeScript source (the test suite), the package's compiled copy in dist/.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? pathToFileURL(join(packageRoot, 'dist', 'data', 'worker_main.js'))
  : new URL('./worker_main.js', import.meta.url);

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));

  /** Starts n workers that rebuild the dataset from source; collate says whether they collate. */
  constructor(source: WorkerSource, n: number, collate: boolean, private readonly timeoutSeconds: number) {
    const module = source.module instanceof URL ? source.module.href : source.module;
    for (let k = 0; k < n; k++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_URL, {
        workerData: { source: { ...source, module }, port: port2, signal: this.signal, collate },
        transferList: [port2],
      });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Asks worker k for batch `batch` of the given sample indices. */
  request(k: number, batch: number, indices: number[]): void {
    this.ports[k].postMessage({ batch, indices });
  }

  /** Blocks until worker k's next result arrives; it must be batch `batch`. Throws the worker's error. */
  receive(k: number, batch: number): unknown {
    const start = Date.now();
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const m = receiveMessageOnPort(this.ports[k]);
      if (m) {
        const msg = m.message as { batch: number; result?: unknown; error?: string };
        if (msg.error !== undefined) throw new Error(`DataLoader worker ${k}, batch ${msg.batch}: ${msg.error}`);
        if (msg.batch !== batch) throw new Error(`DataLoader worker ${k}: expected batch ${batch}, received ${msg.batch}`);
        return decode(msg.result);
      }
      if (this.timeoutSeconds > 0 && Date.now() - start > this.timeoutSeconds * 1000) {
        throw new Error(`DataLoader worker ${k} did not deliver batch ${batch} within ${this.timeoutSeconds} s`);
      }
      Atomics.wait(this.signal, 0, seen, 1000);
    }
  }

  /** Stops the workers (at the loop's end, or when it breaks or throws). */
  close(): void {
    for (const p of this.ports) p.close();
    for (const w of this.workers) void w.terminate();
  }
}
