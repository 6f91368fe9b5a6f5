// What every example shares as a command: --quick (a fast run, used by the tests), --out
// (where plots and checkpoints go), --seed; and running main() when the file is executed.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_OUT = resolve('examples', 'output');

export function parseOptions(extra = {}) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
      seed: { type: 'string', default: '0' },
      ...extra,
    },
    allowPositionals: false,
  });
  return { ...values, seed: Number(values.seed) };
}

/** The folder an example writes to, created if missing (a fresh clone has no examples/output). */
export function outputDir(out = DEFAULT_OUT) {
  mkdirSync(out, { recursive: true });
  return out;
}

/** Runs main(options) when `moduleUrl` is the script node was started with. */
export function runIfMain(moduleUrl, main, extra) {
  if (process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href) {
    main(parseOptions(extra)).catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
  }
}
