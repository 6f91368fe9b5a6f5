#!/usr/bin/env node
// `npm run prebuild [-- --target linux-x64 --target linux-arm64]`: the self-contained prebuilt
// binaries, OpenBLAS and the C++ runtime linked in, in prebuildify's layout under
// prebuilds/<platform>-<arch>/ where node-gyp-build looks. Linux files are libc-tagged
// (kindling.napi.glibc.node) so node-gyp-build never picks them on musl. As root on Linux x64
// (with debootstrap), every Linux target is built inside the old-Debian build root
// (scripts/lib/build_root.js): linux-x64 and linux-arm64 (with the cross toolchain), each
// against a slim OpenBLAS built there; both then load on glibc 2.28 and later. Otherwise, or with
// KINDLING_PREBUILD_ON_HOST=1, only this machine's target is built, here, and needs this
// machine's glibc. Each target's BUILD.json records where it was built and its newest glibc
// symbol.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canUseBuildRoot, ensureBuildRoot, ensureSlimOpenBLAS, ensureSlimOpenBLASArm64, runInRoot, SUITE } from './lib/build_root.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = relative(root, require.resolve('cmake-js/bin/cmake-js'));
const host = `${process.platform}-${process.arch}`;
const useRoot = process.env.KINDLING_PREBUILD_ON_HOST !== '1' && canUseBuildRoot();
const { values } = parseArgs({ options: { target: { type: 'string', multiple: true } } });
const targets = values.target ?? (useRoot ? ['linux-x64', 'linux-arm64'] : [host]);

/** The newest GLIBC_x.y version the binary needs (readelf reads any architecture), or null. */
function glibcFloor(file) {
  const r = spawnSync('readelf', ['-W', '-V', file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const versions = [...r.stdout.matchAll(/Name: GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const v = versions.at(-1);
  return v ? `${v[0]}.${v[1]}${v[2] ? `.${v[2]}` : ''}` : null;
}

let rootError = null;

// Gloo and the shared libraries it needs, bundled beside kd.distributed's addon (RUNPATH $ORIGIN)
const GLOO_LIBS = ['libgloo.so.0', 'libhiredis.so.0.14', 'libibverbs.so.1', 'libnl-route-3.so.200', 'libnl-3.so.200'];
const GLOO_PACKAGES = ['libgloo0', 'libhiredis0.14', 'libibverbs1', 'libnl-route-3-200', 'libnl-3-200'];

function build(target) {
  const out = join('build-prebuild', target);
  // kd.distributed's addon goes into the linux-x64 prebuild, made in the build root
  const distributed = target === 'linux-x64' && useRoot ? 'ON' : 'OFF';
  const common = ['rebuild', '--out', out, '--CDKINDLING_STATIC_BLAS=ON', `--CDKINDLING_DISTRIBUTED=${distributed}`];
  let buildRoot = null;
  if (useRoot && target.startsWith('linux-') && rootError === null) {
    try {
      buildRoot = ensureBuildRoot();
    } catch (e) {
      // no mirror, no mount privilege, …: say so, and build this machine's target here instead
      rootError = e instanceof Error ? e.message : String(e);
      console.error(`kindling: the build root could not be made (${rootError})`);
    }
  }
  if (buildRoot) {
    const extra = target === 'linux-x64'
      ? [`--CDKINDLING_OPENBLAS_STATIC=${ensureSlimOpenBLAS(buildRoot)}`]
      : ['--CDCMAKE_TOOLCHAIN_FILE=/src/cmake/toolchain-linux-arm64.cmake', `--CDKINDLING_OPENBLAS_STATIC=${ensureSlimOpenBLASArm64(buildRoot)}`];
    const r = runInRoot(buildRoot, root, `node ${cmakeJs} ${[...common, ...extra].join(' ')}`);
    if (r.status !== 0) throw new Error(`the ${target} build in the build root exited with ${r.status}`);
    if (distributed === 'ON') bundleGloo(buildRoot, target, out);
    return { out: join(root, out), builtIn: `debian ${SUITE} build root${target === 'linux-arm64' ? ' (cross-compiled)' : ''}` };
  }
  if (target !== host) return null;
  if (process.platform === 'linux') console.error('kindling: building the prebuild on this machine (not in a build root): it will need this machine\'s glibc or newer');
  const r = spawnSync(process.execPath, [cmakeJs, ...common], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the ${target} build exited with ${r.status}`);
  return { out: join(root, out), builtIn: 'host', ...(rootError ? { rootError } : {}) };
}

/** Copies kd.distributed's addon, Gloo and its libraries (RUNPATH $ORIGIN) and their licences into prebuilds/<target>/distributed. */
function bundleGloo(buildRoot, target, out) {
  const dest = `prebuilds/${target}/distributed`;
  const script = [
    'set -e', `rm -rf ${dest}`, `mkdir -p ${dest}/licenses`,
    `cp ${out}/distributed/kindling_gloo.node ${dest}/`,
    ...GLOO_LIBS.map((lib) => `cp -L "$(ldconfig -p | awk '/${lib.replace(/\./g, '\.')} .*x86-64/ {print $NF; exit}')" ${dest}/${lib}`),
    ...GLOO_LIBS.map((lib) => `patchelf --set-rpath '$ORIGIN' ${dest}/${lib}`),
    `patchelf --set-rpath '$ORIGIN' ${dest}/kindling_gloo.node`,
    ...GLOO_PACKAGES.map((p) => `cp /usr/share/doc/${p}/copyright ${dest}/licenses/${p}.txt`),
  ].join(' && ');
  const r = runInRoot(buildRoot, root, script);
  if (r.status !== 0) throw new Error(`bundling Gloo into ${dest} failed (${r.status})`);
}

for (const target of targets) {
  let made;
  try {
    made = build(target);
  } catch (e) {
    console.error(`kindling: ${e.message}`);
    process.exit(1);
  }
  if (made === null) {
    console.error(`kindling: skipping ${target}: cross builds need the build root (root on Linux x64 with debootstrap)`);
    continue;
  }
  const dir = join(root, 'prebuilds', target);
  mkdirSync(dir, { recursive: true });
  const linux = target.startsWith('linux-');
  rmSync(join(dir, 'kindling.napi.node'), { force: true });  // the untagged name older versions wrote
  const dest = join(dir, linux ? 'kindling.napi.glibc.node' : 'kindling.napi.node');
  copyFileSync(join(made.out, 'Release', 'kindling.node'), dest);
  const info = { builtIn: made.builtIn, ...(made.rootError ? { rootError: made.rootError } : {}), glibcFloor: linux ? glibcFloor(dest) : null, bytes: statSync(dest).size, date: new Date().toISOString() };
  const gloo = join(dir, 'distributed');
  if (existsSync(join(gloo, 'kindling_gloo.node'))) {
    // kd.distributed's bundle needs what Debian 11's Gloo needs: newer than the core addon
    const files = readdirSync(gloo).filter((f) => f.endsWith('.node') || f.includes('.so'));
    const floors = files.map((f) => glibcFloor(join(gloo, f))).filter(Boolean).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    info.distributed = { files, glibcFloor: floors.at(-1) ?? null };
  } else if (existsSync(gloo)) {
    rmSync(gloo, { recursive: true, force: true });
  }
  writeFileSync(join(dir, 'BUILD.json'), `${JSON.stringify(info, null, 2)}\n`);
  console.log(`kindling: ${target} prebuild written to ${dest} (${(info.bytes / 1e6).toFixed(1)} MB, ${info.builtIn}${info.glibcFloor ? `, needs glibc ${info.glibcFloor}` : ''})`);
  if (!existsSync(dest)) process.exit(1);
}
