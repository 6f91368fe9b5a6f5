#!/usr/bin/env node
// Builds the self-contained prebuilt binary for this platform: cmake-js with OpenBLAS and the
// C++ runtime linked statically, copied to prebuilds/<platform>-<arch>/ where node-gyp-build
// looks, in prebuildify's layout. On Linux the file is libc-tagged (kindling.napi.glibc.node),
// so node-gyp-build never picks it on musl; as root it is built inside an old-Debian build
// root (scripts/lib/build_root.js) so it loads on glibc 2.28 and later. Elsewhere, or with
// KINDLING_PREBUILD_ON_HOST=1, it is built on this machine and needs this machine's glibc.
// prebuilds/<platform>-<arch>/BUILD.json records where it was built and its newest glibc symbol.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canUseBuildRoot, ensureBuildRoot, runInRoot, SUITE } from './lib/build_root.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build-prebuild');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const linux = process.platform === 'linux';
const inRoot = linux && process.env.KINDLING_PREBUILD_ON_HOST !== '1' && canUseBuildRoot();

let status = null;
let builtInRoot = false;
let rootError = null;
if (inRoot) {
  try {
    const buildRoot = ensureBuildRoot();
    status = runInRoot(buildRoot, root, `node ${relative(root, cmakeJs)} rebuild --out build-prebuild --CDKINDLING_STATIC_BLAS=ON`).status;
    builtInRoot = status === 0;
    if (!builtInRoot) rootError = `the build in the root exited with ${status}`;
  } catch (e) {
    // no mirror, no mount privilege, …: say so, and build here instead
    rootError = e instanceof Error ? e.message : String(e);
  }
  if (rootError) console.error(`kindling: the build root could not be used (${rootError}); building on this machine instead`);
}
if (!builtInRoot) {
  if (linux) console.error('kindling: building the prebuild on this machine (not in a build root): it will need this machine\'s glibc or newer');
  status = spawnSync(process.execPath, [cmakeJs, 'rebuild', '--out', out, '--CDKINDLING_STATIC_BLAS=ON'], { cwd: root, stdio: 'inherit' }).status;
}
if (status !== 0) process.exit(status ?? 1);

/** The newest GLIBC_x.y symbol version the binary needs (from objdump -T), or null. */
function glibcFloor(file) {
  const r = spawnSync('objdump', ['-T', file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const versions = [...r.stdout.matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const v = versions.at(-1);
  return v ? `${v[0]}.${v[1]}${v[2] ? `.${v[2]}` : ''}` : null;
}

const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
mkdirSync(dir, { recursive: true });
// prebuildify's names: libc-tagged on Linux; drop the untagged file older versions wrote
rmSync(join(dir, 'kindling.napi.node'), { force: true });
const dest = join(dir, linux ? 'kindling.napi.glibc.node' : 'kindling.napi.node');
copyFileSync(join(out, 'Release', 'kindling.node'), dest);
const info = {
  builtIn: builtInRoot ? `debian ${SUITE} build root` : 'host',
  ...(rootError ? { rootError } : {}),
  glibcFloor: linux ? glibcFloor(dest) : null,
  date: new Date().toISOString(),
};
writeFileSync(join(dir, 'BUILD.json'), `${JSON.stringify(info, null, 2)}\n`);
console.log(`kindling: prebuilt binary written to ${dest} (${info.builtIn}${info.glibcFloor ? `, needs glibc ${info.glibcFloor}` : ''})`);
if (!existsSync(dest)) process.exit(1);
