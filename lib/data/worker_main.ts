/**
 * A DataLoader worker thread: rebuilds the dataset from its WorkerSource, then loads the
 * batches it is asked for (collating them unless the loop has its own collateFn), posts each
 * back in order, and signals the waiting loop through shared memory.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Dataset, WorkerSource } from './dataset.js';
import { defaultCollate } from './collate.js';
import { encode } from './transfer.js';

interface Setup {
  source: WorkerSource;
  port: MessagePort;
  signal: Int32Array;
  collate: boolean;
}

const { source, port, signal, collate } = workerData as Setup;

function wake(): void {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function fail(batch: number, message: string): void {
  port.postMessage({ batch, error: message });
  wake();
}

async function main(): Promise<void> {
  let dataset: Dataset<unknown>;
  try {
    const url = typeof source.module === 'string' && !source.module.startsWith('file:') ? pathToFileURL(source.module).href : String(source.module);
    const mod = (await import(url)) as Record<string, new (...a: unknown[]) => Dataset<unknown>>;
    const Ctor = mod[source.exportName ?? 'default'];
    if (typeof Ctor !== 'function') throw new TypeError(`the module exports no class '${source.exportName ?? 'default'}'`);
    dataset = new Ctor(...(source.args ?? []));
  } catch (e) {
    port.on('message', (m: { batch: number }) => fail(m.batch, `could not rebuild the dataset in a worker: ${(e as Error).message}`));
    return;
  }
  port.on('message', (m: { batch: number; indices: number[] }) => {
    const items: unknown[] = [];
    for (const i of m.indices) {
      try {
        items.push(dataset.get(i));
      } catch (e) {
        fail(m.batch, `dataset.get(${i}) threw: ${(e as Error).message}`);
        return;
      }
    }
    try {
      const transfer: ArrayBuffer[] = [];
      const result = encode(collate ? defaultCollate(items) : items, transfer);
      port.postMessage({ batch: m.batch, result }, transfer);
    } catch (e) {
      fail(m.batch, `collating batch ${m.batch} failed: ${(e as Error).message}`);
      return;
    }
    wake();
  });
}

void main();
