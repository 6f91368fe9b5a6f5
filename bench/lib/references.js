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

/** Runs one workload of bench/torch_ref.py with `threads` threads; its JSON result or null. */
export function runTorch(workload, threads, extra = {}) {
  if (!torchVersion()) return null;
  const r = spawnSync(PYTHON, [join(root, 'bench', 'torch_ref.py'), workload, String(threads), JSON.stringify(extra)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    console.error(`bench: PyTorch run of ${workload} failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
