// The package as a user gets it: the prebuilt binary (OpenBLAS linked in) loads through the
// public entry point with no build/ directory, and the install script accepts it without
// compiling anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/native.js';

const prebuilt = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'kindling.napi.node');
let app = '';

function newestSource(): number {
  return Math.max(...readdirSync(join(packageRoot, 'native')).map((f) => statSync(join(packageRoot, 'native', f)).mtimeMs),
    statSync(join(packageRoot, 'CMakeLists.txt')).mtimeMs);
}

beforeAll(() => {
  if (!existsSync(prebuilt) || statSync(prebuilt).mtimeMs < newestSource()) {
    execFileSync('npm', ['run', '--silent', 'prebuild'], { cwd: packageRoot, stdio: 'ignore' });
  }
  execFileSync(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: packageRoot });
  // an app with kindling installed from the package's shipped files only
  app = mkdtempSync(join(tmpdir(), 'kindling-app-'));
  const pkg = join(app, 'node_modules', 'kindling');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['package.json', 'binding.d.ts', 'CMakeLists.txt', 'dist', 'prebuilds', 'native', 'scripts']) {
    cpSync(join(packageRoot, f), join(pkg, f), { recursive: true });
  }
  for (const dep of ['node-gyp-build']) symlinkSync(join(packageRoot, 'node_modules', dep), join(app, 'node_modules', dep));
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('has no build/ and loads the prebuilt binary through `import * as kd from "kindling"`', () => {
    expect(existsSync(join(app, 'node_modules', 'kindling', 'build'))).toBe(false);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import * as kd from 'kindling';
      const y = kd.tensor([[1, 2], [3, 4]]).matmul(kd.ones([2, 1]));
      console.log(JSON.stringify(y.tolist()), kd.getNumThreads() >= 1);
    `], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('[[3],[7]] true');
  });

  it('lets the install script accept the prebuild without compiling', () => {
    const r = spawnSync(process.execPath, ['scripts/install.js'], { cwd: join(app, 'node_modules', 'kindling'), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/building from source/);
  });

  it.runIf(process.platform === 'linux')('links OpenBLAS statically into the prebuild', () => {
    const deps = execFileSync('ldd', [prebuilt], { encoding: 'utf8' });
    expect(deps).not.toMatch(/openblas|gfortran/);
  });
});
