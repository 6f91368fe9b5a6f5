// The reference runs every benchmark compares against, in the same script: OpenBLAS's
// sgemm and a plain C loop (compiled here from bench/c), and PyTorch when importable.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'build', 'bench');

function pkgConfig(args) {
  try {
    return execFileSync('pkg-config', [...args, 'openblas'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch {
    return null;
  }
}

/** Compiles bench/c/<name>.c once (again when the source is newer); null if no compiler/OpenBLAS. */
export function cProgram(name) {
  const src = join(root, 'bench', 'c', `${name}.c`);
  const bin = join(outDir, name);
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
  mkdirSync(outDir, { recursive: true });
  const blas = name === 'sgemm' ? pkgConfig(['--cflags', '--libs']) : [];
  if (blas === null) return null;
  const r = spawnSync('cc', ['-O3', '-o', bin, src, ...blas, '-lpthread'], { encoding: 'utf8' });
  return r.status === 0 ? bin : null;
}

/** Runs a compiled reference and returns its printed number (median seconds). */
export function runC(bin, args, threads) {
  const out = execFileSync(bin, args.map(String), {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) },
  });
  return Number(out.trim());
}

const PYTHON = '/usr/bin/python3';
let torchState;

/** PyTorch's version when `import torch` works with Debian's python, else null. */
export function torchVersion() {
  if (torchState === undefined) {
    const r = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }) : null;
    torchState = r && r.status === 0 ? r.stdout.trim() : null;
  }
  return torchState;
}

/**
 * PyTorch's thread settings to sweep: ATen's intra-op threads (torch.set_num_threads) times
 * OpenBLAS's own threads, each from 1 to `maxThreads`. They interact (an idle ATen pool can
 * spin while OpenBLAS works), so no single setting is fastest for every workload.
 */
export function torchSettings(maxThreads) {
  const out = [];
  for (let aten = 1; aten <= maxThreads; aten++) for (let blas = 1; blas <= maxThreads; blas++) out.push({ aten, blas });
  return out;
}

export const describeSetting = (s) => `ATen ${s.aten} × OpenBLAS ${s.blas} threads`;

/** Runs one workload of bench/torch_ref.py with a thread setting ({ aten, blas }); its JSON result or null. */
export function runTorch(workload, setting, extra = {}) {
  if (!torchVersion()) return null;
  const r = spawnSync(PYTHON, [join(root, 'bench', 'torch_ref.py'), workload, String(setting.aten), JSON.stringify(extra)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(setting.aten), MKL_NUM_THREADS: String(setting.aten), OPENBLAS_NUM_THREADS: String(setting.blas) },
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    console.error(`bench: PyTorch run of ${workload} failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * PyTorch at its best: the workload under every setting of torchSettings(maxThreads), and the
 * fastest by `seconds(result)`. Returns { result, setting, all: [{ setting, result }] }, or
 * null without PyTorch. `runs` > 1 repeats each setting and keeps its median run.
 */
export function bestTorch(workload, maxThreads, extra = {}, { seconds = (r) => r.seconds, runs = 1 } = {}) {
  if (!torchVersion()) return null;
  const all = [];
  for (const setting of torchSettings(maxThreads)) {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = runTorch(workload, setting, extra);
      if (r) results.push(r);
    }
    if (results.length === 0) continue;
    results.sort((a, b) => seconds(a) - seconds(b));
    all.push({ setting, result: results[Math.floor((results.length - 1) / 2)] });
  }
  if (all.length === 0) return null;
  const best = all.reduce((a, b) => (seconds(b.result) < seconds(a.result) ? b : a));
  return { ...best, all };
}
