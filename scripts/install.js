#!/usr/bin/env node
// npm's install step for kindling: use a prebuilt binary when one loads on this machine,
// otherwise build from source with cmake-js, and if that cannot work, say what is missing.
// KINDLING_BUILD_FROM_SOURCE=1 skips the prebuilt binary.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => console.error(`kindling: ${msg}`);

function tryLoad() {
  try {
    const binding = require('node-gyp-build')(root);
    return typeof binding.gemm === 'function' ? null : 'the binary it found has no gemm export';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function has(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

if (process.env.KINDLING_BUILD_FROM_SOURCE !== '1') {
  const failure = tryLoad();
  if (failure === null) process.exit(0);
  say(`no prebuilt binary loads for ${process.platform}-${process.arch} (${failure}); building from source.`);
}

const missing = [];
if (!has('cmake')) missing.push('cmake (apt-get install cmake, brew install cmake)');
if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++17 compiler (apt-get install g++, xcode-select --install)');
if (missing.length > 0) {
  say(`cannot build from source, missing: ${missing.join('; ')}.`);
  say('Also needed: OpenBLAS (apt-get install libopenblas-dev, brew install openblas).');
  process.exit(1);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const build = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  say('the source build failed (see the output above). The usual cause is a missing OpenBLAS:');
  say('  Debian/Ubuntu: apt-get install libopenblas-dev   Fedora: dnf install openblas-devel   macOS: brew install openblas');
  process.exit(build.status ?? 1);
}
const after = tryLoad();
if (after !== null) {
  say(`built, but the addon does not load: ${after}`);
  process.exit(1);
}
