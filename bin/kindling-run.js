#!/usr/bin/env node
// kindling-run: starts one training process per rank on this node, as PyTorch's torchrun does,
// with the same flags. Each process gets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE,
// GROUP_RANK, MASTER_ADDR and MASTER_PORT (what kd.distributed.initProcessGroup() reads), and a
// share of this node's CPUs as KINDLING_NUM_THREADS so the ranks never oversubscribe it. When a
// rank fails, the others get 3 s to fail on their own (and say why), are then stopped, and
// kindling-run exits non-zero naming the rank and why;
// with --max-restarts it starts the whole local group again first.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

const USAGE = `usage: kindling-run [--nproc-per-node N] [--nnodes M] [--node-rank R]
                    [--master-addr HOST] [--master-port PORT] [--max-restarts K]
                    script.js [script args...]`;

function fail(message) {
  process.stderr.write(`kindling-run: ${message}\n`);
  process.exit(2);
}

// torchrun accepts both --nproc-per-node and --nproc_per_node
const argv = process.argv.slice(2);
const scriptAt = argv.findIndex((a, i) => !a.startsWith('-') && (i === 0 || !argv[i - 1].startsWith('--') || argv[i - 1].includes('=')));
const own = (scriptAt < 0 ? argv : argv.slice(0, scriptAt)).map((a) => (a.startsWith('--') ? a.replace(/_/g, '-') : a));
let values;
try {
  ({ values } = parseArgs({
    args: own,
    options: {
      'nproc-per-node': { type: 'string', default: '1' },
      nnodes: { type: 'string', default: '1' },
      'node-rank': { type: 'string', default: '0' },
      'master-addr': { type: 'string', default: '127.0.0.1' },
      'master-port': { type: 'string', default: '29500' },
      'max-restarts': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  fail(`${e.message}\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (scriptAt < 0) fail(`no script to run\n${USAGE}`);
const [script, ...scriptArgs] = argv.slice(scriptAt);

function int(name, min) {
  const raw = values[name];
  const n = raw === 'auto' && name === 'nproc-per-node' ? availableParallelism() : Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer of at least ${min}, but got '${raw}'`);
  return n;
}
const nproc = int('nproc-per-node', 1);
const nnodes = int('nnodes', 1);
const nodeRank = int('node-rank', 0);
const masterPort = int('master-port', 1);
const maxRestarts = int('max-restarts', 0);
if (nodeRank >= nnodes) fail(`--node-rank ${nodeRank} is out of range for --nnodes ${nnodes}`);
if (masterPort > 65535) fail(`--master-port ${masterPort} is not a port`);
const worldSize = nproc * nnodes;
const threads = process.env.KINDLING_NUM_THREADS || String(Math.max(1, Math.floor(availableParallelism() / nproc)));

let children = [];
let stopping = false;

function startGroup(attempt) {
  children = Array.from({ length: nproc }, (_, local) => {
    const rank = nodeRank * nproc + local;
    const env = {
      ...process.env,
      RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: String(worldSize), LOCAL_WORLD_SIZE: String(nproc),
      GROUP_RANK: String(nodeRank), MASTER_ADDR: values['master-addr'], MASTER_PORT: String(masterPort),
      KINDLING_NUM_THREADS: threads, KINDLING_RESTART_COUNT: String(attempt),
    };
    const child = spawn(process.execPath, [script, ...scriptArgs], { env, stdio: 'inherit' });
    return { rank, child, exited: null };
  });
  return new Promise((resolve) => {
    let left = children.length;
    for (const c of children) {
      c.child.on('error', (e) => { c.exited = { code: 1, signal: null, error: e.message }; });
      c.child.on('exit', (code, signal) => {
        c.exited ??= { code, signal };
        left--;
        if ((code !== 0 || signal) && !stopping) {
          stopping = true;
          const why = c.exited.error ?? (signal ? `was killed by ${signal}` : `exited with code ${code}`);
          process.stderr.write(`kindling-run: rank ${c.rank} (pid ${c.child.pid}) ${why}; stopping the other ranks\n`);
          resolve({ failed: c, why });
          stopOthers();
        }
        if (left === 0) resolve({ failed: null });
      });
    }
  });
}

// The other ranks usually fail on their own within moments (their collectives lose the dead
// peer) and say so; give them that chance, then SIGTERM, then SIGKILL.
const GRACE_MS = 3000;
function stopOthers() {
  const term = setTimeout(() => { for (const c of children) if (c.exited === null) c.child.kill('SIGTERM'); }, GRACE_MS);
  const force = setTimeout(() => { for (const c of children) if (c.exited === null) c.child.kill('SIGKILL'); }, GRACE_MS + 5000);
  term.unref();
  force.unref();
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    for (const c of children) if (c.exited === null) c.child.kill(sig);
  });
}

for (let attempt = 0; ; attempt++) {
  stopping = false;
  const { failed, why } = await startGroup(attempt);
  if (!failed) process.exit(0);
  // wait for the rest to stop before restarting or exiting
  await Promise.all(children.filter((c) => c.exited === null).map((c) => new Promise((r) => c.child.once('exit', r))));
  if (attempt < maxRestarts) {
    process.stderr.write(`kindling-run: restarting all ${nproc} local ranks (restart ${attempt + 1} of ${maxRestarts})\n`);
    continue;
  }
  process.stderr.write(`kindling-run: failed: rank ${failed.rank} ${why}\n`);
  process.exit(failed.exited.code && failed.exited.code > 0 ? failed.exited.code : 1);
}
