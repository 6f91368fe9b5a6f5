/**
 * Loads kd.distributed's own addon (kindling_gloo.node, built only where Gloo is installed),
 * on first use: the core addon never needs Gloo. Looks in build/distributed (a source build)
 * and then prebuilds/<platform>-<arch>/distributed.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../native.js';

/** One queued operation: its id (for waitSync) and its completion. */
export interface NativeOp<T = void> { id: number; promise: Promise<T> }

/** Typed arrays the Gloo addon moves (float32, float64, int32, bool as bytes). */
export type CommBuffer = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A connected Gloo context and its operation thread (native/distributed/addon.cc). */
export interface GlooGroup {
  readonly rank: number;
  readonly size: number;
  allReduce(buf: CommBuffer, op: number): NativeOp;
  reduce(buf: CommBuffer, op: number, root: number): NativeOp;
  broadcast(buf: CommBuffer, root: number): NativeOp;
  allGather(input: CommBuffer, output: CommBuffer): NativeOp;
  gather(input: CommBuffer, output: CommBuffer | null, root: number): NativeOp;
  scatter(input: CommBuffer | null, output: CommBuffer, root: number): NativeOp;
  barrier(): NativeOp;
  send(buf: CommBuffer, dst: number, tag: number): NativeOp;
  recv(buf: CommBuffer, src: number, tag: number): NativeOp<number>;
  /** Blocks the calling thread until operation id has run; throws its error. */
  waitSync(id: number): void;
  close(): void;
}

export interface GlooBinding {
  connect(options: { host: string; port: number; prefix: string; rank: number; size: number; timeoutMs: number; hostname?: string; iface?: string }): Promise<GlooGroup>;
}

let cached: GlooBinding | null = null;

/** The Gloo addon, or an Error saying what to install. */
export function gloo(): GlooBinding {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const candidates = [
    join(packageRoot, 'build', 'distributed', 'kindling_gloo.node'),
    join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'distributed', 'kindling_gloo.node'),
  ];
  const errors: string[] = [];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    try {
      cached = require(file) as GlooBinding;
      return cached;
    } catch (e) {
      errors.push(`${file}: ${(e as Error).message}`);
    }
  }
  throw new Error([
    `kd.distributed needs kindling's Gloo addon, which was not built for ${process.platform}-${process.arch}.`,
    errors.length > 0 ? `It failed to load: ${errors.join('; ')}` : `Looked for ${candidates.join(' and ')}.`,
    'Install Gloo and rebuild: apt-get install libgloo-dev (Debian/Ubuntu), then npm rebuild kindling.',
  ].join('\n'));
}
