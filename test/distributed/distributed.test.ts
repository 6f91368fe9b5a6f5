// kd.distributed on Gloo with real processes on loopback: the collectives (2 and 3 ranks, every
// dtype, sizes 0/1/odd/large, views, async handles, point to point, subgroups, bad input), DDP
// against one process on the concatenated batches, DistributedSampler, the kindling-run launcher,
// and the failures: a rank killed mid-training, a rank that never arrives, a world size that
// differs between ranks, a port in use. Child processes run the built package (dist/).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const launcher = join(here, '..', '..', 'bin', 'kindling-run.js');
const script = (name: string) => join(here, 'scripts', name);
const dist = kd.distributed;
const available = dist.isAvailable();
// Skipped only on a machine without Gloo (the addon is optional and not built there); under CI,
// which installs Gloo (.ci/run), it always runs, and its first test fails if the addon is missing.
const run = available || process.env.CI ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Result { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

function exec(args: string[], env: Record<string, string> = {}, timeoutMs = 60000): Promise<Result> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(kill); resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

const jsonLines = (s: string) => s.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

run('kd.distributed on Gloo', () => {
  it('the Gloo addon is built', () => {
    expect(available, 'build/distributed/kindling_gloo.node (apt-get install libgloo-dev, then npm run build:native)').toBe(true);
  });

  for (const n of [2, 3]) {
    it(`collectives on ${n} processes give exact results on every dtype and size`, async () => {
      const r = await exec([launcher, '--nproc-per-node', String(n), '--master-port', String(await freePort()), script('collectives.mjs')]);
      expect(r.code, r.stderr).toBe(0);
      const out = jsonLines(r.stdout);
      expect(out.map((o) => o.rank).sort()).toEqual(Array.from({ length: n }, (_, i) => i));
      for (const o of out) expect(o.failures, `rank ${o.rank}`).toEqual([]);
    }, 90000);
  }

  it('DDP on 2 processes ends with the parameters of one process on the whole batches', async () => {
    const r = await exec([launcher, '--nproc-per-node', '2', '--master-port', String(await freePort()), script('ddp.mjs')]);
    expect(r.code, r.stderr).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out).toHaveLength(2);
    for (const o of out) {
      expect(o.replicaDiff).toBe(0);
      expect(o.accumErr).toBeLessThan(1e-5);
      expect(o.unusedOk).toBe(true);
      expect(o.unusedError).toMatch(/did not produce gradients for b\.weight, b\.bias.*findUnusedParameters: true/);
      expect(o.keys).toEqual(['module.0.weight', 'module.0.bias']);
    }
    expect(out.find((o) => o.rank === 0)!.maxDiff).toBeLessThan(1e-5);
  }, 90000);

  it('a rank killed mid-training stops the others within 10 s, and the launcher names it', async () => {
    const r = await exec([launcher, '--nproc-per-node', '2', '--master-port', String(await freePort()), script('fault.mjs')], { FAULT_RANK: '1' });
    expect(r.code).not.toBe(0);
    expect(r.ms).toBeLessThan(10000);
    expect(r.stderr).toMatch(/kindling-run: rank 1 \(pid \d+\) was killed by SIGKILL; stopping the other ranks/);
    expect(r.stderr).toMatch(/kd\.distributed\.allReduce failed on rank 0: .*another rank probably exited or was killed/);
  }, 30000);

  it('a rank that never arrives times out naming it', async () => {
    const r = await exec([launcher, '--nproc-per-node', '3', '--master-port', String(await freePort()), script('fault.mjs')], { FAULT: 'absent', FAULT_RANK: '2', DIST_TIMEOUT: '1500' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/timed out after 1500 ms waiting for rank 2 of 3 to join the rendezvous at 127\.0\.0\.1:\d+/);
  }, 30000);

  it('ranks started with different world sizes fail at once, saying so', async () => {
    const port = String(await freePort());
    const env = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, DIST_TIMEOUT: '8000' };
    const [a, b] = await Promise.all([
      exec([script('init_only.mjs')], { ...env, RANK: '0', WORLD_SIZE: '2' }),
      exec([script('init_only.mjs')], { ...env, RANK: '1', WORLD_SIZE: '3' }),
    ]);
    expect(a.code).not.toBe(0);
    expect(b.code).not.toBe(0);
    expect(a.stderr + b.stderr).toMatch(/was started with worldSize (2|3), but this rank \(\d\) with (2|3); every rank must be given the same WORLD_SIZE/);
    expect(Math.max(a.ms, b.ms)).toBeLessThan(7000);
  }, 30000);

  it('the addon\'s entry points refuse random bad arguments without crashing (fuzz, 3 seeds)', async () => {
    for (const seed of [11, 12, 13]) {
      const r = await exec([script('fuzz.mjs'), String(seed)]);
      expect(r.code, `seed ${seed}: ${r.stderr}`).toBe(0);
      expect(r.signal).toBeNull();
      const [o] = jsonLines(r.stdout);
      expect((o.ok as number) + (o.refused as number)).toBe(3001);
      expect(o.refused as number).toBeGreaterThan(1000);
    }
  }, 60000);

  it('a port in use is a clear error, not a hang', async () => {
    const busy = createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, () => resolve((busy.address() as { port: number }).port)));
    try {
      await expect(dist.initProcessGroup({ initMethod: `tcp://127.0.0.1:${port}`, rank: 0, worldSize: 1, timeout: 5000 }))
        .rejects.toThrow(new RegExp(`could not listen on port ${port}: it is in use`));
      expect(dist.isInitialized()).toBe(false);
    } finally {
      busy.close();
    }
  });

  it('one process is a world of one; bad settings name what is wrong', async () => {
    await expect(dist.initProcessGroup({ initMethod: 'tcp://127.0.0.1:1', rank: 2, worldSize: 2 })).rejects.toThrow(/rank 2 is out of range for worldSize 2/);
    await expect(dist.initProcessGroup({ backend: 'nccl' as 'gloo' })).rejects.toThrow(/'gloo' backend only/);
    await expect(dist.initProcessGroup({ initMethod: 'udp://x', rank: 0, worldSize: 1 })).rejects.toThrow(/initMethod must be/);
    expect(() => dist.getRank()).toThrow(/not initialized.*initProcessGroup/);
    await dist.initProcessGroup({ initMethod: `tcp://127.0.0.1:${await freePort()}`, rank: 0, worldSize: 1, timeout: 5000 });
    try {
      expect([dist.getRank(), dist.getWorldSize(), dist.getBackend()]).toEqual([0, 1, 'gloo']);
      const t = kd.tensor([1, 2, 3]);
      await dist.allReduce(t, 'avg');
      expect(t.tolist()).toEqual([1, 2, 3]);
      await expect(dist.initProcessGroup()).rejects.toThrow(/already initialized/);
    } finally {
      dist.destroyProcessGroup();
    }
  });

  it('file:// rendezvous works through a shared file', async () => {
    const file = join(here, `.rendezvous-${process.pid}`);
    const env = { DIST_TIMEOUT: '10000' };
    const init = `import * as kd from ${JSON.stringify(join(here, '..', '..', 'dist', 'index.js'))};
      await kd.distributed.initProcessGroup({ initMethod: 'file://${file}', timeout: 10000 });
      const t = kd.tensor([Number(process.env.RANK) + 1]); await kd.distributed.allReduce(t);
      console.log(JSON.stringify({ sum: t.item() })); kd.distributed.destroyProcessGroup();
      if (process.env.RANK === '0') (await import('node:fs')).rmSync('${file}', { force: true });`;
    const [a, b] = await Promise.all(['0', '1'].map((rank) => exec(['--input-type=module', '-e', init], { ...env, RANK: rank, WORLD_SIZE: '2' })));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect([...jsonLines(a.stdout), ...jsonLines(b.stdout)]).toEqual([{ sum: 3 }, { sum: 3 }]);
  }, 30000);
});

// Two "hosts": network namespaces joined by a veth pair, made here and removed afterwards
// (root only; skipped where namespaces cannot be made).
const canNetns = available && process.getuid?.() === 0 && (await exec(['-e', `const { execFileSync: x } = require('child_process');
  x('ip', ['netns', 'add', 'kdprobe${process.pid}'], { stdio: 'pipe' }); x('ip', ['netns', 'del', 'kdprobe${process.pid}'], { stdio: 'pipe' });`])).code === 0;
// Skipped where network namespaces cannot be made (not root, or no CAP_SYS_ADMIN): the probe
// above tries to create one. Under CI as root it always runs, so a failing probe there shows
// up as this test's failure rather than a silent skip.
const netnsRequired = Boolean(process.env.CI) && process.getuid?.() === 0;
(canNetns || netnsRequired ? describe : describe.skip)('kd.distributed across two network namespaces', () => {
  it('--nnodes 2 runs the collectives between the two hosts', async () => {
    const { execFileSync } = await import('node:child_process');
    const tag = `kd${process.pid % 100000}`;
    const [a, b] = [`${tag}a`, `${tag}b`];
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    try {
      ip('netns', 'add', a);
      ip('netns', 'add', b);
      ip('link', 'add', `${tag}va`, 'type', 'veth', 'peer', 'name', `${tag}vb`);
      ip('link', 'set', `${tag}va`, 'netns', a);
      ip('link', 'set', `${tag}vb`, 'netns', b);
      ip('-n', a, 'addr', 'add', '10.77.0.1/24', 'dev', `${tag}va`);
      ip('-n', b, 'addr', 'add', '10.77.0.2/24', 'dev', `${tag}vb`);
      for (const [ns, dev] of [[a, `${tag}va`], [b, `${tag}vb`]]) {
        ip('-n', ns, 'link', 'set', dev, 'up');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
      }
      const node = (ns: string, rank: number) => exec(['-e', `
        const r = require('child_process').spawnSync('ip', ['netns', 'exec', ${JSON.stringify(ns)}, process.execPath, ${JSON.stringify(launcher)},
          '--nnodes', '2', '--node-rank', '${rank}', '--nproc-per-node', '1', '--master-addr', '10.77.0.1', '--master-port', '29400',
          ${JSON.stringify(script('collectives.mjs'))}], { stdio: 'inherit' });
        process.exit(r.status ?? 1);`]);
      const [r0, r1] = await Promise.all([node(a, 0), node(b, 1)]);
      expect(r0.code, r0.stderr).toBe(0);
      expect(r1.code, r1.stderr).toBe(0);
      for (const o of [...jsonLines(r0.stdout), ...jsonLines(r1.stdout)]) expect(o.failures, `rank ${o.rank}`).toEqual([]);
      expect(jsonLines(r0.stdout + r1.stdout).map((o) => o.rank).sort()).toEqual([0, 1]);
    } finally {
      for (const ns of [a, b]) try { ip('netns', 'del', ns); } catch { /* not made */ }
    }
  }, 90000);
});

describe('DistributedSampler', () => {
  for (const [n, replicas, dropLast] of [[10, 3, false], [10, 3, true], [2, 4, false], [12, 4, false], [7, 2, true]] as const) {
    it(`splits ${n} indices over ${replicas} ranks (dropLast ${dropLast}): equal shares, every index once (padding aside)`, () => {
      for (const epoch of [0, 1]) {
        const shares = Array.from({ length: replicas }, (_, rank) => {
          const s = new kd.data.DistributedSampler(n, { numReplicas: replicas, rank, seed: 3, dropLast });
          s.setEpoch(epoch);
          const got = [...s];
          expect(got.length).toBe(s.length);
          return got;
        });
        const all = shares.flat();
        const per = dropLast && n % replicas !== 0 ? Math.floor(n / replicas) : Math.ceil(n / replicas);
        expect(shares.every((s) => s.length === per)).toBe(true);
        if (dropLast) expect(new Set(all).size).toBe(all.length);
        else expect(new Set(all).size).toBe(n);
        expect(all.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
      }
    });
  }

  it('shuffles by seed + epoch, the same on every rank, and refuses a bad rank', () => {
    const order = (epoch: number, rank: number) => {
      const s = new kd.data.DistributedSampler(20, { numReplicas: 2, rank });
      s.setEpoch(epoch);
      return [...s];
    };
    expect(order(0, 0)).toEqual(order(0, 0));
    expect(order(0, 0)).not.toEqual(order(1, 0));
    expect([...order(1, 0), ...order(1, 1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...new kd.data.DistributedSampler(5, { numReplicas: 2, rank: 1, shuffle: false })]).toEqual([1, 3, 0]);
    expect(() => new kd.data.DistributedSampler(5, { numReplicas: 2, rank: 2 })).toThrow(/rank should be in the interval \[0, 1\]/);
    expect(() => new kd.data.DistributedSampler(5)).toThrow(/initProcessGroup\(\) first/);
  });
});

describe('kindling-run', () => {
  it('refuses bad flags and a missing script, with the usage', async () => {
    const a = await exec([launcher, '--nproc-per-node', '0', 'x.js']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--nproc-per-node must be an integer of at least 1/);
    const b = await exec([launcher, '--nproc-per-node', '2']);
    expect(b.stderr).toMatch(/no script to run\nusage: kindling-run/);
    const c = await exec([launcher, '--nnodes', '2', '--node-rank', '2', 'x.js']);
    expect(c.stderr).toMatch(/--node-rank 2 is out of range for --nnodes 2/);
  });

  it('--max-restarts starts the local ranks again after a failure; without it the rank\'s exit code comes back', async () => {
    const file = join(here, `.flaky-${process.pid}.mjs`);
    const fs = await import('node:fs');
    fs.writeFileSync(file, "if (process.env.KINDLING_RESTART_COUNT === '0' && process.env.RANK === '1') process.exit(3); console.log('ok ' + process.env.RANK);");
    try {
      const again = await exec([launcher, '--nproc-per-node', '2', '--max-restarts', '1', file]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/rank 1 \(pid \d+\) exited with code 3; stopping the other ranks\nkindling-run: restarting all 2 local ranks \(restart 1 of 1\)/);
      const once = await exec([launcher, '--nproc-per-node', '2', file]);
      expect(once.code).toBe(3);
      expect(once.stderr).toMatch(/kindling-run: failed: rank 1 exited with code 3/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 30000);

  it('gives each rank torchrun\'s variables and a share of the CPUs; accepts torchrun\'s underscore spellings', async () => {
    const show = `console.log(JSON.stringify(Object.fromEntries(['RANK','LOCAL_RANK','WORLD_SIZE','LOCAL_WORLD_SIZE','GROUP_RANK','MASTER_ADDR','MASTER_PORT','KINDLING_NUM_THREADS'].map(k => [k, process.env[k]]))))`;
    const file = join(here, `.show-env-${process.pid}.mjs`);
    (await import('node:fs')).writeFileSync(file, show);
    try {
      const r = await exec([launcher, '--nproc_per_node=2', '--nnodes', '2', '--node_rank', '1', '--master-addr', '10.0.0.1', '--master-port', '1234', file], { KINDLING_NUM_THREADS: '' });
      expect(r.code, r.stderr).toBe(0);
      const envs = jsonLines(r.stdout).sort((x, y) => Number(x.RANK) - Number(y.RANK));
      expect(envs.map((e) => [e.RANK, e.LOCAL_RANK, e.WORLD_SIZE, e.LOCAL_WORLD_SIZE, e.GROUP_RANK, e.MASTER_ADDR, e.MASTER_PORT]))
        .toEqual([['2', '0', '4', '2', '1', '10.0.0.1', '1234'], ['3', '1', '4', '2', '1', '10.0.0.1', '1234']]);
      expect(Number(envs[0].KINDLING_NUM_THREADS)).toBeGreaterThanOrEqual(1);
    } finally {
      (await import('node:fs')).rmSync(file, { force: true });
    }
  });
});
