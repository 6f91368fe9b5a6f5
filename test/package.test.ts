// The package as a user gets it: the prebuilt binary (OpenBLAS linked in) loads through the
// public entry point with no build/ directory, and the install script accepts it without
// compiling anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/native.js';
import { ensurePrebuild, PREBUILD_TIMEOUT_MS, prebuilt, runAsync } from './prebuild_helper.js';

let app = '';

beforeAll(async () => {
  await ensurePrebuild();
  execFileSync(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: packageRoot });
  // an app with kindling installed from the package's shipped files only
  app = mkdtempSync(join(tmpdir(), 'kindling-app-'));
  const pkg = join(app, 'node_modules', 'kindling');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['package.json', 'binding.d.ts', 'CMakeLists.txt', 'dist', 'prebuilds', 'native', 'scripts', 'bin']) {
    cpSync(join(packageRoot, f), join(pkg, f), { recursive: true });
  }
  for (const dep of ['node-gyp-build']) symlinkSync(join(packageRoot, 'node_modules', dep), join(app, 'node_modules', dep));
}, PREBUILD_TIMEOUT_MS);  // the first prebuild as root also makes the build root

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

const buildRoot = process.env.KINDLING_BUILD_ROOT ?? '/opt/kindling-build-root-bullseye';
interface BuildInfo { builtIn: string; glibcFloor: string | null; bytes: number; rootError?: string }
const buildInfo = (target: string): BuildInfo | null => {
  const f = join(packageRoot, 'prebuilds', target, 'BUILD.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) as BuildInfo : null;
};
const binaryOf = (target: string) => join(packageRoot, 'prebuilds', target, 'kindling.napi.glibc.node');

/** Newest GLIBC_ version a binary needs, and whether it imports libstdc++/CXXABI (readelf reads any arch). */
function imports(file: string): { newest: number; cxx: boolean; needed: string } {
  const v = execFileSync('readelf', ['-W', '-V', file], { encoding: 'utf8' });
  const d = execFileSync('readelf', ['-W', '-d', file], { encoding: 'utf8' });
  const versions = [...v.matchAll(/Name: GLIBC_(\d+)\.(\d+)/g)].map((m) => Number(m[1]) * 1000 + Number(m[2]));
  return { newest: Math.max(...versions), cxx: /GLIBCXX_|CXXABI_/.test(v), needed: d };
}

/** Runs a script with the root's Node (under qemu for arm64) in a copy of the test app inside the build root. */
function inBuildRoot(arch: 'x64' | 'arm64', script: string): { status: number | null; stdout: string; stderr: string } {
  const inside = join(buildRoot, 'tmp', `kindling-app-${arch}-${process.pid}`);
  cpSync(app, inside, { recursive: true, dereference: true });
  try {
    writeFileSync(join(inside, 'run.mjs'), script);
    const node = arch === 'x64' ? '/opt/node/bin/node' : 'qemu-aarch64-static /opt/node-arm64/bin/node';
    // /proc inside the root for the run (Node reads it; the Gloo check reads /proc/self/maps)
    const proc = join(buildRoot, 'proc');
    const mounted = spawnSync('mount', ['-t', 'proc', 'proc', proc]).status === 0;
    try {
      return spawnSync('/usr/sbin/chroot', [buildRoot, '/bin/sh', '-c', `cd /tmp/${basename(inside)} && ${node} run.mjs`],
        { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' }, timeout: 240_000 });
    } finally {
      if (mounted) spawnSync('umount', [proc]);
    }
  } finally {
    rmSync(inside, { recursive: true, force: true });
  }
}

const TRAIN_AND_CHECK = `
  import * as kd from 'kindling';
  kd.manualSeed(0);
  const a = kd.randn([3, 4], { dtype: 'float64', requiresGrad: true }), b = kd.randn([4, 2], { dtype: 'float64', requiresGrad: true });
  const gradOk = kd.autograd.gradcheck((p, q) => p.matmul(q).tanh().mul(p.sum()), [a, b]);
  const x = kd.randn([64, 4]), y = x.matmul(kd.tensor([[1], [-2], [3], [0.5]])).add(0.1);
  const model = new kd.nn.Sequential(new kd.nn.Linear(4, 8), new kd.nn.Tanh(), new kd.nn.Linear(8, 1));
  const opt = new kd.optim.Adam(model.parameters(), { lr: 0.05 });
  const losses = [];
  for (let i = 0; i < 150; i++) { opt.zeroGrad(); const l = kd.nn.functional.mseLoss(model(x), y); l.backward(); opt.step(); losses.push(l.item()); }
  console.log(JSON.stringify({ arch: process.arch, node: process.version, glibc: process.report.getReport().header.glibcVersionRuntime, gradOk, first: losses[0], last: losses.at(-1) }));`;

describe.runIf(process.platform === 'linux')('the Linux prebuilds load on the machines users have', () => {
  it('linux-x64: no libstdc++, libgcc or CXXABI; built in the build root, no glibc newer than 2.28', () => {
    const info = buildInfo('linux-x64')!;
    const im = imports(binaryOf('linux-x64'));
    expect(im.needed).not.toMatch(/NEEDED.*lib(stdc\+\+|gcc_s)/);
    expect(im.cxx).toBe(false);
    // CI runs as root with debootstrap: there the prebuild must come from the build root
    // unless the root itself could not be made (the reason is recorded in BUILD.json)
    if (process.env.CI) expect(!info.builtIn.includes('host') || Boolean(info.rootError), 'prebuild made on the host without trying the build root').toBe(true);
    if (info.builtIn.includes('build root')) {
      expect(im.newest, `newest glibc symbol ${info.glibcFloor}`).toBeLessThanOrEqual(2028);
      expect(info.glibcFloor).toMatch(/^2\.(1\d|2[0-8])/);
    }
  });

  it('built in the build root, each carries a slim OpenBLAS: x64 ≤ 10 MB, arm64 ≤ 6 MB', () => {
    for (const [target, limit] of [['linux-x64', 10e6], ['linux-arm64', 6e6]] as const) {
      const info = buildInfo(target);
      if (!info?.builtIn.includes('build root')) continue;
      expect(statSync(binaryOf(target)).size, target).toBeLessThanOrEqual(limit);
      expect(info.bytes).toBe(statSync(binaryOf(target)).size);
    }
  });

  it('is libc-tagged: node-gyp-build takes it on glibc and never on musl', () => {
    const resolve = (libc: string) => spawnSync(process.execPath, ['-e', `console.log(require('node-gyp-build').resolve(${JSON.stringify(join(app, 'node_modules', 'kindling'))}))`],
      { cwd: app, encoding: 'utf8', env: { ...process.env, LIBC: libc } });
    const glibc = resolve('glibc');
    expect(glibc.status, glibc.stderr).toBe(0);
    expect(glibc.stdout.trim()).toMatch(/prebuilds\/linux-(x64|arm64)\/kindling\.napi\.glibc\.node$/);
    const musl = resolve('musl');
    expect(musl.status).not.toBe(0);
    expect(musl.stderr).toMatch(/No native build was found/);
  });

  it('linux-x64: loads, passes gradcheck and trains inside the old Debian root, with Node 20 from npm', () => {
    if (!buildInfo('linux-x64')!.builtIn.includes('build root')) return;  // made on the host: no old root to try it in
    const r = inBuildRoot('x64', TRAIN_AND_CHECK);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as { arch: string; node: string; glibc: string; gradOk: boolean; first: number; last: number };
    expect([o.arch, o.glibc, o.gradOk]).toEqual(['x64', '2.31', true]);
    expect(o.node).toMatch(/^v20\./);
    expect(o.last).toBeLessThan(o.first / 20);
  });

  it('linux-x64 carries kd.distributed: the addon, Gloo and its libraries load from the bundle (RUNPATH $ORIGIN), with their licences', async () => {
    const info = buildInfo('linux-x64') as BuildInfo & { distributed?: { files: string[]; glibcFloor: string } };
    if (!info.builtIn.includes('build root')) return;  // made on the host: no bundle
    const dir = join(packageRoot, 'prebuilds', 'linux-x64', 'distributed');
    expect(info.distributed?.files.sort()).toEqual(['kindling_gloo.node', 'libgloo.so.0', 'libhiredis.so.0.14', 'libibverbs.so.1', 'libnl-3.so.200', 'libnl-route-3.so.200']);
    for (const f of info.distributed!.files) expect(execFileSync('readelf', ['-d', join(dir, f)], { encoding: 'utf8' }), f).toMatch(/RUNPATH.*\[\$ORIGIN\]/);
    for (const p of ['libgloo0', 'libhiredis0.14', 'libibverbs1', 'libnl-3-200', 'libnl-route-3-200']) expect(existsSync(join(dir, 'licenses', `${p}.txt`)), p).toBe(true);
    // in the installed app (no build/), on this machine and in the old root: the bundled Gloo is the one mapped
    const script = `import * as kd from 'kindling';
      import { readFileSync } from 'node:fs';
      const dist = kd.distributed;
      await dist.initProcessGroup({ initMethod: 'tcp://127.0.0.1:' + (29000 + process.pid % 1000), rank: 0, worldSize: 1, timeout: 5000 });
      const t = kd.tensor([1, 2]); await dist.allReduce(t, 'avg'); dist.destroyProcessGroup();
      const gloo = readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.includes('libgloo.so'))?.split(' ').pop();
      console.log(JSON.stringify({ available: dist.isAvailable(), sum: t.tolist(), gloo }));`;
    const here = await runAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(here.status, here.stderr).toBe(0);
    const o = JSON.parse(here.stdout) as { available: boolean; sum: number[]; gloo: string };
    expect(o.available).toBe(true);
    expect(o.sum).toEqual([1, 2]);
    expect(o.gloo).toBe(join(app, 'node_modules', 'kindling', 'prebuilds', 'linux-x64', 'distributed', 'libgloo.so.0'));
    const old = inBuildRoot('x64', script);
    expect(old.status, old.stderr).toBe(0);
    expect(JSON.parse(old.stdout).gloo).toMatch(/\/node_modules\/kindling\/prebuilds\/linux-x64\/distributed\/libgloo\.so\.0$/);
  });

  it('linux-arm64 (cross-compiled): glibc ≤ 2.28, no C++ runtime imports; under qemu it loads, passes gradcheck and trains', () => {
    const info = buildInfo('linux-arm64');
    if (!info) {
      expect(process.env.CI && buildInfo('linux-x64')?.builtIn.includes('build root'), 'CI built linux-x64 in the build root but not linux-arm64').toBeFalsy();
      return;
    }
    const im = imports(binaryOf('linux-arm64'));
    expect(im.cxx).toBe(false);
    expect(im.needed).not.toMatch(/NEEDED.*lib(stdc\+\+|gcc_s)/);
    expect(im.newest, `newest glibc symbol ${info.glibcFloor}`).toBeLessThanOrEqual(2028);
    expect(execFileSync('readelf', ['-h', binaryOf('linux-arm64')], { encoding: 'utf8' })).toMatch(/Machine:\s+AArch64/);
    const r = inBuildRoot('arm64', TRAIN_AND_CHECK);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as { arch: string; gradOk: boolean; first: number; last: number };
    expect([o.arch, o.gradOk]).toEqual(['arm64', true]);
    expect(o.last).toBeLessThan(o.first / 20);
  }, 300_000);
});
