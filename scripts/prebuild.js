#!/usr/bin/env node
// Builds the self-contained prebuilt binary for this platform: cmake-js with OpenBLAS
// linked statically, copied to prebuilds/<platform>-<arch>/kindling.napi.node where
// node-gyp-build looks (prebuildify's naming; prebuildify itself has no cmake-js backend).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build-prebuild');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');

const r = spawnSync(process.execPath, [cmakeJs, 'rebuild', '--out', out, '--CDKINDLING_STATIC_BLAS=ON'], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);

const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
mkdirSync(dir, { recursive: true });
const dest = join(dir, 'kindling.napi.node');
copyFileSync(join(out, 'Release', 'kindling.node'), dest);
console.log(`kindling: prebuilt binary written to ${dest}`);
