/**
 * The one module that loads the native addon. It looks for a local build (build/Release)
 * and then a prebuilt binary (prebuilds/<platform>-<arch>) through node-gyp-build, and when
 * none loads, throws one error listing what was tried and how to fix it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Binding } from '../binding.js';

export type { Binding, Storage, FloatStorage } from '../binding.js';

const require = createRequire(import.meta.url);
/** The package root: lib/ and dist/ both sit one level below it. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function loadBinding(): Binding {
  const load = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return load(packageRoot) as Binding;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const missingBlas = /libopenblas|cblas/i.test(reason);
    throw new Error(
      [
        `kindling: could not load its native addon for ${process.platform}-${process.arch} (Node ${process.version}).`,
        `Tried ${join(packageRoot, 'build', 'Release')} and ${join(packageRoot, 'prebuilds')}: ${reason}`,
        'Possible solutions:',
        missingBlas
          ? '- OpenBLAS is missing at run time: apt-get install libopenblas0 (Debian/Ubuntu), brew install openblas (macOS).'
          : '- Build it from source: install OpenBLAS (apt-get install libopenblas-dev, brew install openblas), cmake and a C++17 compiler, then run `npm rebuild kindling`.',
        '- Reinstall to fetch a prebuilt binary: rm -rf node_modules/kindling && npm install.',
      ].join('\n'),
    );
  }
}

/** The addon's functions; see binding.d.ts for each one's contract. */
export const native: Binding = loadBinding();
