// Installing the packed tarball in a fresh folder, each way a user's machine may: a normal
// install (npm 11 asks before running dependencies' install scripts, so the prebuild has to
// load by itself), --ignore-scripts, the install script with KINDLING_BUILD_FROM_SOURCE=1, and
// a platform with no prebuild (simulated by removing it): built from source, or, without
// cmake, a message saying exactly what is missing. Needs the npm registry for the
// dependencies (node-gyp-build, cmake-js, node-addon-api).
import { existsSync, mkdtempSync, rmSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/native.js';
import { ensurePrebuild, PREBUILD_TIMEOUT_MS, runAsync } from './prebuild_helper.js';

let work = '';
let tarball = '';
const TRAIN = `import * as kd from 'kindling';
kd.manualSeed(0);
const x = kd.randn([32, 3]), y = x.sum(1, true);
const m = new kd.nn.Linear(3, 1), opt = new kd.optim.SGD(m.parameters(), { lr: 0.1 });
let first = 0, last = 0;
for (let i = 0; i < 50; i++) { opt.zeroGrad(); const l = kd.nn.functional.mseLoss(m(x), y); l.backward(); opt.step(); if (i === 0) first = l.item(); last = l.item(); }
console.log(last < first / 10 ? 'trained' : 'did not train');`;

async function freshApp(name: string, args: string[] = []): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const cmd of [['init', '-y'], ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', ...args]]) {
    const r = await runAsync('npm', cmd, { cwd: dir });
    if (r.status !== 0) throw new Error(`npm ${cmd.join(' ')} failed: ${r.stderr}`);
  }
  return dir;
}

const train = (dir: string) => runAsync(process.execPath, ['--input-type=module', '-e', TRAIN], { cwd: dir });

beforeAll(async () => {
  await ensurePrebuild();
  work = mkdtempSync(join(tmpdir(), 'kindling-install-'));
  const packed = await runAsync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: packageRoot });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
}, PREBUILD_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installing the packed package', () => {
  it('npm install: the prebuild loads with no compiler step, and a model trains', async () => {
    const app = await freshApp('normal');
    expect(existsSync(join(app, 'node_modules', 'kindling', 'build'))).toBe(false);
    const r = await train(app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('trained');
  }, 120_000);

  it('npm install --ignore-scripts: the same', async () => {
    const app = await freshApp('ignore-scripts', ['--ignore-scripts']);
    const r = await train(app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('trained');
  }, 120_000);

  it('KINDLING_BUILD_FROM_SOURCE=1 skips the prebuild; without cmake it says what is missing', async () => {
    const app = await freshApp('from-source', ['--ignore-scripts']);
    const pkg = join(app, 'node_modules', 'kindling');
    // a PATH holding node and npm but no cmake or compiler
    const bin = join(work, 'bin-without-cmake');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
    const r = await runAsync(process.execPath, ['scripts/install.js'], { cwd: pkg, env: { ...process.env, PATH: bin, KINDLING_BUILD_FROM_SOURCE: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot build from source, missing: cmake \(apt-get install cmake, brew install cmake\); a C\+\+17 compiler/);
    expect(r.stderr).toMatch(/Also needed: OpenBLAS/);
  }, 120_000);

  it('no prebuild for the platform: the install script builds from source, and it loads', async () => {
    const app = await freshApp('no-prebuild', ['--ignore-scripts']);
    const pkg = join(app, 'node_modules', 'kindling');
    rmSync(join(pkg, 'prebuilds'), { recursive: true, force: true });
    const failing = await train(app);
    expect(failing.status).not.toBe(0);
    expect(failing.stderr).toMatch(/could not load its native addon for linux-x64[\s\S]*Build it from source/);
    const r = await runAsync(process.execPath, ['scripts/install.js'], { cwd: pkg });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no prebuilt binary loads for linux-x64 .*; building from source/);
    expect(existsSync(join(pkg, 'build', 'Release', 'kindling.node'))).toBe(true);
    const t = await train(app);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout.trim()).toBe('trained');
  }, 300_000);
});
