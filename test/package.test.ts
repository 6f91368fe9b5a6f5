// The package as a user gets it: the prebuilt binary (OpenBLAS linked in) loads through the
// public entry point with no build/ directory, and the install script accepts it without
// compiling anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/native.js';
import { ensurePrebuild, prebuilt } from './prebuild_helper.js';

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
}, 900_000);  // the first prebuild as root also makes the build root (a few minutes)

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

const buildInfo = () => JSON.parse(readFileSync(join(dirname(prebuilt), 'BUILD.json'), 'utf8')) as { builtIn: string; glibcFloor: string | null; rootError?: string };
const builtInRoot = () => buildInfo().builtIn.includes('build root');

describe.runIf(process.platform === 'linux')('the Linux prebuild loads on the machines users have', () => {
  it('needs no libstdc++, libgcc or CXXABI, and (built in the build root) no glibc newer than 2.28', () => {
    const needed = execFileSync('objdump', ['-p', prebuilt], { encoding: 'utf8' });
    expect(needed).not.toMatch(/NEEDED\s+lib(stdc\+\+|gcc_s)/);
    const symbols = execFileSync('objdump', ['-T', prebuilt], { encoding: 'utf8' });
    expect(symbols).not.toMatch(/GLIBCXX_|CXXABI_/);
    const versions = [...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => Number(m[1]) * 1000 + Number(m[2]));
    // CI runs as root with debootstrap, so there the prebuild must come from the build root
    // unless the root itself could not be made (the reason is recorded in BUILD.json)
    if (process.env.CI) expect(builtInRoot() || Boolean(buildInfo().rootError), 'prebuild made on the host without trying the build root').toBe(true);
    if (builtInRoot()) {
      expect(Math.max(...versions), `newest glibc symbol ${buildInfo().glibcFloor}`).toBeLessThanOrEqual(2028);
      expect(buildInfo().glibcFloor).toMatch(/^2\.(1\d|2[0-8])/);
    }
  });

  it('is libc-tagged: node-gyp-build takes it on glibc and never on musl', () => {
    const resolve = (libc: string) => spawnSync(process.execPath, ['-e', `console.log(require('node-gyp-build').resolve(${JSON.stringify(join(app, 'node_modules', 'kindling'))}))`],
      { cwd: app, encoding: 'utf8', env: { ...process.env, LIBC: libc } });
    const glibc = resolve('glibc');
    expect(glibc.status, glibc.stderr).toBe(0);
    expect(glibc.stdout.trim()).toMatch(/prebuilds\/linux-x64\/kindling\.napi\.glibc\.node$|prebuilds\/linux-arm64\/kindling\.napi\.glibc\.node$/);
    const musl = resolve('musl');
    expect(musl.status).not.toBe(0);
    expect(musl.stderr).toMatch(/No native build was found/);
  });

  it('loads and trains inside the old Debian build root, with Node 20 from npm', () => {
    if (!builtInRoot()) return;  // made on the host: there is no old root to try it in
    const root = process.env.KINDLING_BUILD_ROOT ?? '/opt/kindling-build-root-bullseye';
    expect(existsSync(join(root, 'opt', 'node', 'bin', 'node'))).toBe(true);
    const inside = join(root, 'tmp', `kindling-app-${process.pid}`);
    cpSync(app, inside, { recursive: true, dereference: true });
    try {
      const script = `
        import * as kd from 'kindling';
        kd.manualSeed(0);
        const x = kd.randn([64, 4]), y = x.matmul(kd.tensor([[1], [-2], [3], [0.5]])).add(0.1);
        const model = new kd.nn.Linear(4, 1), opt = new kd.optim.Adam(model.parameters(), { lr: 0.1 });
        const losses = [];
        for (let i = 0; i < 100; i++) { opt.zeroGrad(); const l = kd.nn.functional.mseLoss(model(x), y); l.backward(); opt.step(); losses.push(l.item()); }
        console.log(JSON.stringify({ node: process.version, glibc: process.report.getReport().header.glibcVersionRuntime, first: losses[0], last: losses.at(-1) }));`;
      writeFileSync(join(inside, 'train.mjs'), script);
      // inside the root: its own libc, its Node, the package from the copied app folder
      const r = spawnSync('/usr/sbin/chroot', [root, '/bin/sh', '-c', `cd /tmp/${basename(inside)} && /opt/node/bin/node train.mjs`],
        { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
      expect(r.status, r.stderr).toBe(0);
      const o = JSON.parse(r.stdout) as { node: string; glibc: string; first: number; last: number };
      expect(o.node).toMatch(/^v20\./);
      expect(o.glibc).toBe('2.31');
      expect(o.last).toBeLessThan(o.first / 100);
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });
});
