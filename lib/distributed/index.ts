/**
 * `kd.distributed`: PyTorch's torch.distributed on Gloo. initProcessGroup rendezvous through a
 * TCP store hosted by rank 0 (env://, tcp://host:port or file://path), checks that every rank
 * agrees on the world size and that each rank is claimed once, then connects a Gloo context
 * over TCP. Collectives run on two native threads per group, in issue order wherever their
 * tensors overlap: by default they return a promise, with { asyncOp: true } a Work handle.
 */
import { hostname } from 'node:os';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { gloo } from './native.js';
import { StoreClient, StoreServer } from './store.js';
import { ProcessGroup, ReduceOp, type CollectiveOptions, type ReduceOpName } from './process_group.js';
import type { Work } from './work.js';

export { ProcessGroup, ReduceOp, type ReduceOpName, type CollectiveOptions } from './process_group.js';
export { Work } from './work.js';
export { StoreServer, StoreClient } from './store.js';

export interface InitProcessGroupOptions {
  /** Only 'gloo' (PyTorch's CPU backend). */
  backend?: 'gloo';
  /** 'env://' (default: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE), 'tcp://host:port' or 'file:///shared/path'. */
  initMethod?: string;
  /** This process's rank (default: RANK). */
  rank?: number;
  /** The number of processes (default: WORLD_SIZE). */
  worldSize?: number;
  /** How long rendezvous and each collective may take, in ms (default 30 minutes, as PyTorch). */
  timeout?: number;
}

interface State {
  group: ProcessGroup;
  groups: Set<ProcessGroup>;
  server: StoreServer | null;
  client: StoreClient;
  host: string;
  port: number;
  rank: number;
  worldSize: number;
  timeoutMs: number;
  nextGroupId: number;
}

let state: State | null = null;

// where launchers put the rank and world size: torchrun/kindling-run, then Open MPI, MPICH/PMI, Slurm
const ENV_FALLBACKS: Record<string, string[]> = {
  RANK: ['RANK', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK', 'SLURM_PROCID'],
  WORLD_SIZE: ['WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'SLURM_NTASKS'],
};

function intFrom(what: string, v: unknown, envName: string | null): number {
  const fromEnv = envName ? ENV_FALLBACKS[envName].map((k) => process.env[k]).find((x) => x !== undefined && x !== '') : undefined;
  const raw = v ?? fromEnv;
  if (raw === undefined || raw === '') {
    throw new Error(`initProcessGroup: ${what} is not set: pass { ${what} }${envName ? ` or set the ${envName} environment variable (kindling-run sets it; under mpirun or srun their own rank variables are read)` : ''}`);
  }
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`initProcessGroup: ${what} must be a non-negative integer, but got ${describe(raw)}`);
  return n;
}

function need(): State {
  if (!state) throw new Error('kd.distributed: the default process group is not initialized; call await kd.distributed.initProcessGroup() first');
  return state;
}

function groupOf(op: string, group: ProcessGroup | null | undefined): ProcessGroup {
  if (group === null) throw new Error(`${op}: this rank is not a member of the group (newGroup returned null here)`);
  return group ?? need().group;
}

/** Where rank 0's store listens and how the others find it. */
async function storeAddress(initMethod: string, rank: number, timeoutMs: number): Promise<{ host: string; port: number; file?: string }> {
  if (initMethod === 'env://') {
    const host = process.env.MASTER_ADDR;
    const port = Number(process.env.MASTER_PORT);
    if (!host) throw new Error('initProcessGroup: env:// needs MASTER_ADDR (the host of rank 0) in the environment');
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`initProcessGroup: env:// needs MASTER_PORT (a free port on rank 0's host) in the environment, but it is ${describe(process.env.MASTER_PORT)}`);
    return { host, port };
  }
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(initMethod);
  if (tcp) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  if (initMethod.startsWith('file://')) {
    const file = initMethod.slice('file://'.length);
    if (rank === 0) return { host: process.env.MASTER_ADDR ?? hostname(), port: 0, file };
    // rank 0 writes its store's address into the file
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(file)) {
        try {
          const { host, port } = JSON.parse(readFileSync(file, 'utf8')) as { host: string; port: number };
          return { host, port, file };
        } catch { /* being written */ }
      }
      if (Date.now() > deadline) throw new Error(`initProcessGroup: timed out after ${timeoutMs} ms waiting for rank 0 to write ${file}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new RangeError(`initProcessGroup: initMethod must be 'env://', 'tcp://host:port' or 'file://path', but got ${describe(initMethod)}`);
}

/** Every rank checks in; fails fast on a world-size mismatch or a rank claimed twice, and names the ranks that never came. */
async function checkIn(client: StoreClient, prefix: string, rank: number, worldSize: number, timeoutMs: number, where: string): Promise<void> {
  const claims = await client.add(`${prefix}claim/${rank}`, 1);
  if (claims > 1) throw new Error(`initProcessGroup: rank ${rank} was claimed by more than one process (check RANK / --node-rank)`);
  await client.set(`${prefix}rank/${rank}`, JSON.stringify({ worldSize, pid: process.pid, host: hostname() }));
  const seen = new Map<number, { worldSize: number; pid: number; host: string }>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let r = 0; r < worldSize; r++) {
      if (seen.has(r) || !(await client.check(`${prefix}rank/${r}`))) continue;
      const info = JSON.parse((await client.get(`${prefix}rank/${r}`)).toString()) as { worldSize: number; pid: number; host: string };
      if (info.worldSize !== worldSize) {
        throw new Error(`initProcessGroup: rank ${r} (pid ${info.pid} on ${info.host}) was started with worldSize ${info.worldSize}, but this rank (${rank}) with ${worldSize}; every rank must be given the same WORLD_SIZE`);
      }
      seen.set(r, info);
    }
    if (seen.size === worldSize) return;
    if (Date.now() > deadline) {
      const missing = Array.from({ length: worldSize }, (_, r) => r).filter((r) => !seen.has(r));
      throw new Error(`initProcessGroup: timed out after ${timeoutMs} ms waiting for rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${worldSize} to join the rendezvous at ${where}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Joins the default process group. Resolves once every rank has joined and Gloo is connected.
 * Rejects naming the problem: no Gloo addon (what to install), a missing variable, a port in
 * use, ranks that never arrive (by number), a world size that differs between ranks.
 */
export async function initProcessGroup(options: InitProcessGroupOptions = {}): Promise<void> {
  if (state) throw new Error('initProcessGroup: the default process group is already initialized (call destroyProcessGroup() first)');
  const backend = options.backend ?? 'gloo';
  if (backend !== 'gloo') throw new RangeError(`initProcessGroup: kindling runs on CPUs with the 'gloo' backend only, but got ${describe(backend)}`);
  const binding = gloo();
  const worldSize = intFrom('worldSize', options.worldSize, 'WORLD_SIZE');
  if (worldSize < 1) throw new RangeError('initProcessGroup: worldSize must be at least 1');
  const rank = intFrom('rank', options.rank, 'RANK');
  if (rank >= worldSize) throw new RangeError(`initProcessGroup: rank ${rank} is out of range for worldSize ${worldSize} (ranks are 0..${worldSize - 1})`);
  const timeoutMs = options.timeout ?? 30 * 60 * 1000;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new RangeError(`initProcessGroup: timeout must be a positive number of milliseconds, but got ${describe(options.timeout)}`);
  const addr = await storeAddress(options.initMethod ?? 'env://', rank, timeoutMs);
  let server: StoreServer | null = null;
  let client: StoreClient | null = null;
  try {
    if (rank === 0) {
      server = await StoreServer.listen(addr.port);
      addr.port = server.port;
      if (addr.file) {
        writeFileSync(`${addr.file}.tmp-${process.pid}`, JSON.stringify({ host: addr.host, port: addr.port }));
        renameSync(`${addr.file}.tmp-${process.pid}`, addr.file);
      }
    }
    const where = `${addr.host}:${addr.port}`;
    // rank 0 too goes through MASTER_ADDR: Gloo advertises the local address of that route,
    // which is how ranks on other hosts reach this one
    client = await StoreClient.connect(addr.host, addr.port, timeoutMs);
    await checkIn(client, 'init/', rank, worldSize, timeoutMs, where);
    const native = await binding.connect({
      host: addr.host, port: addr.port, prefix: 'pg0/', rank, size: worldSize, timeoutMs,
      iface: process.env.GLOO_SOCKET_IFNAME,
    });
    const group = new ProcessGroup(native, Array.from({ length: worldSize }, (_, r) => r), rank);
    state = { group, groups: new Set([group]), server, client, host: addr.host, port: addr.port, rank, worldSize, timeoutMs, nextGroupId: 1 };
  } catch (e) {
    client?.close();
    server?.close();
    throw e;
  }
}

/** The default process group (throws when not initialized). */
export function defaultGroup(): ProcessGroup { return need().group; }

/** Whether initProcessGroup has completed in this process. */
export function isInitialized(): boolean { return state !== null; }

/** Whether kd.distributed can run here (the Gloo addon loads). */
export function isAvailable(): boolean {
  try { gloo(); return true; } catch { return false; }
}

/** 'gloo'. */
export function getBackend(): 'gloo' { need(); return 'gloo'; }

/** This process's rank in group (default: the default group); -1 when not a member. */
export function getRank(group?: ProcessGroup | null): number {
  if (group === null) return -1;
  return group ? group.rank() : need().rank;
}

/** The number of ranks in group (default: the default group). */
export function getWorldSize(group?: ProcessGroup | null): number {
  if (group === null) return -1;
  return group ? group.size() : need().worldSize;
}

/**
 * A new group of the given global ranks (default: all). Every process must call it, in the same
 * order; members get the group, others null. Rejects if a rank is out of range or repeated.
 */
export async function newGroup(ranks?: number[], options: { timeout?: number } = {}): Promise<ProcessGroup | null> {
  const s = need();
  const members = ranks ?? Array.from({ length: s.worldSize }, (_, r) => r);
  if (!Array.isArray(members) || members.length === 0 || members.some((r) => !Number.isInteger(r) || r < 0 || r >= s.worldSize) || new Set(members).size !== members.length) {
    throw new RangeError(`newGroup: expected distinct ranks in 0..${s.worldSize - 1}, but got ${describe(ranks)}`);
  }
  const sorted = [...members].sort((a, b) => a - b);
  const id = s.nextGroupId++;
  if (!sorted.includes(s.rank)) return null;
  const native = await gloo().connect({
    host: s.host, port: s.port, prefix: `pg${id}/`, rank: sorted.indexOf(s.rank), size: sorted.length, timeoutMs: options.timeout ?? s.timeoutMs,
    iface: process.env.GLOO_SOCKET_IFNAME,
  });
  const g = new ProcessGroup(native, sorted, s.rank);
  s.groups.add(g);
  return g;
}

/**
 * Releases group, or (with no argument) every group, the store and the default group, so
 * initProcessGroup may be called again.
 */
export function destroyProcessGroup(group?: ProcessGroup | null): void {
  if (!state) return;
  if (group && group !== state.group) {
    group.destroy();
    state.groups.delete(group);
    return;
  }
  for (const g of state.groups) g.destroy();
  state.client.close();
  state.server?.close();
  state = null;
}

type Opts = CollectiveOptions & { group?: ProcessGroup | null };

/** Reduces tensor across all ranks in place (default op sum). */
export function allReduce(tensor: Tensor, op: ReduceOpName = ReduceOp.SUM, options: Opts = {}): Promise<void> | Work {
  return groupOf('allReduce', options.group).allReduce(tensor, op, options);
}
/** Reduces tensor into rank dst's (default op sum). */
export function reduce(tensor: Tensor, dst: number, op: ReduceOpName = ReduceOp.SUM, options: Opts = {}): Promise<void> | Work {
  return groupOf('reduce', options.group).reduce(tensor, dst, op, options);
}
/** Copies rank src's tensor into every rank's. */
export function broadcast(tensor: Tensor, src: number, options: Opts = {}): Promise<void> | Work {
  return groupOf('broadcast', options.group).broadcast(tensor, src, options);
}
/** Fills tensorList[r] with rank r's tensor. */
export function allGather(tensorList: Tensor[], tensor: Tensor, options: Opts = {}): Promise<void> | Work {
  return groupOf('allGather', options.group).allGather(tensorList, tensor, options);
}
/** Concatenates every rank's input along dim 0 into output. */
export function allGatherIntoTensor(output: Tensor, input: Tensor, options: Opts = {}): Promise<void> | Work {
  return groupOf('allGatherIntoTensor', options.group).allGatherIntoTensor(output, input, options);
}
/** Gathers every rank's tensor into gatherList on rank dst (default 0). */
export function gather(tensor: Tensor, gatherList: Tensor[] | null = null, dst = 0, options: Opts = {}): Promise<void> | Work {
  return groupOf('gather', options.group).gather(tensor, gatherList, dst, options);
}
/** Rank src (default 0) hands scatterList[r] to rank r. */
export function scatter(tensor: Tensor, scatterList: Tensor[] | null = null, src = 0, options: Opts = {}): Promise<void> | Work {
  return groupOf('scatter', options.group).scatter(tensor, scatterList, src, options);
}
/** Reduces inputList across ranks; rank r's output gets chunk r. */
export function reduceScatter(output: Tensor, inputList: Tensor[], op: ReduceOpName = ReduceOp.SUM, options: Opts = {}): Promise<void> | Work {
  return groupOf('reduceScatter', options.group).reduceScatter(output, inputList, op, options);
}
/** Waits for every rank. */
export function barrier(options: Opts = {}): Promise<void> | Work {
  return groupOf('barrier', options.group).barrier(options);
}
/** Sends tensor to rank dst. */
export function send(tensor: Tensor, dst: number, options: { group?: ProcessGroup | null; tag?: number } = {}): Promise<void> {
  return groupOf('send', options.group).send(tensor, dst, options.tag ?? 0) as Promise<void>;
}
/** Receives into tensor from rank src (any rank when omitted); resolves with the sender's rank. */
export function recv(tensor: Tensor, src: number | null = null, options: { group?: ProcessGroup | null; tag?: number } = {}): Promise<number> {
  return groupOf('recv', options.group).recv(tensor, src, options.tag ?? 0) as Promise<number>;
}
/** send without waiting: a Work handle. */
export function isend(tensor: Tensor, dst: number, options: { group?: ProcessGroup | null; tag?: number } = {}): Work {
  return groupOf('isend', options.group).send(tensor, dst, options.tag ?? 0, { asyncOp: true }) as Work;
}
/** recv without waiting: a Work handle whose wait() resolves with the sender's rank. */
export function irecv(tensor: Tensor, src: number | null = null, options: { group?: ProcessGroup | null; tag?: number } = {}): Work<number> {
  return groupOf('irecv', options.group).recv(tensor, src, options.tag ?? 0, { asyncOp: true }) as Work<number>;
}
