// The prebuild the package tests install: made by `npm run prebuild` when missing or older
// than the native sources, once even when several test files ask at the same time (a lock
// directory; the others wait for it).
import { execFileSync } from 'node:child_process';
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
      if (stale()) execFileSync('npm', ['run', '--silent', 'prebuild'], { cwd: packageRoot, stdio: 'ignore' });
      return prebuilt;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
