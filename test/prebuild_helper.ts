// The prebuild the package tests install: made by `npm run prebuild` when missing or older
// than the native sources, once even when several test files ask at the same time (a lock
// directory; the others wait for it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/native.js';

export const prebuildDir = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
export const prebuilt = join(prebuildDir, process.platform === 'linux' ? 'kindling.napi.glibc.node' : 'kindling.napi.node');

function newestIn(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestIn(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

function stale(): boolean {
  const newest = Math.max(newestIn(join(packageRoot, 'native')), statSync(join(packageRoot, 'CMakeLists.txt')).mtimeMs, newestIn(join(packageRoot, 'scripts')));
  return !existsSync(prebuilt) || !existsSync(join(prebuildDir, 'BUILD.json')) || statSync(prebuilt).mtimeMs < newest;
}

/**
 * Runs a command without blocking this process's event loop (a test worker whose loop is
 * blocked for a minute loses its link to vitest): resolves with its status and output.
 */
export function runAsync(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { stderr += e.message; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * How long a test file may wait for ensurePrebuild. On a machine without the build root, the
 * first prebuild also makes it (debootstrap, then OpenBLAS for x64 and arm64): that took more
 * than 15 minutes on a fresh 2-core machine (2026-12-02), so a quarter-hour limit failed CI there.
 */
export const PREBUILD_TIMEOUT_MS = 45 * 60_000;

/** Makes the prebuild if it is missing or stale; returns its path. */
export async function ensurePrebuild(): Promise<string> {
  const lock = join(packageRoot, 'build-prebuild.lock');
  for (;;) {
    if (!stale()) return prebuilt;
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 500));  // another test file is building it
      continue;
    }
    try {
      if (stale()) {
        const r = await runAsync('npm', ['run', '--silent', 'prebuild'], { cwd: packageRoot });
        if (r.status !== 0) throw new Error(`npm run prebuild failed (${r.status}):\n${r.stderr.slice(-2000)}`);
      }
      return prebuilt;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
