// `npm run bench`: kindling beside its references (OpenBLAS from C, a C loop, PyTorch when
// importable, at its fastest thread setting), one table on stdout and in bench/RESULTS.md.
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kd from '../dist/index.js';
import { native } from '../dist/native.js';
import { torchVersion } from './lib/references.js';
import { kernelBenchmarks } from './kernels.js';
import { perOpRow, linregRow } from './overhead.js';
import { mlpRows } from './mlp.js';
import { surfaceRows } from './surface.js';
import { dataRows } from './data_loading.js';
import { layerRows } from './layers.js';
import { distributedRows } from './distributed.js';

const threads = Number(process.env.KINDLING_NUM_THREADS) || kd.getNumThreads();
kd.setNumThreads(threads);
const torch = torchVersion();
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${native.blasConfig()}`;
console.log(`kindling benchmarks — ${machine}`);
const torchThreads = torch ? `torch ${torch} at its fastest of ATen × OpenBLAS threads 1..${threads} each, per workload (the setting is named beside each figure)` : 'not installed';
console.log(`threads: kindling ${threads}, OpenBLAS ${threads}; PyTorch: ${torchThreads}\n`);

// `node bench/run.js [mlp|kernels|overhead|surface|layers|data|distributed]` runs one section; no argument runs them all.
const SECTIONS = {
  mlp: () => mlpRows(threads),
  kernels: () => kernelBenchmarks(threads),
  overhead: () => [perOpRow(threads), linregRow(threads)],
  surface: () => surfaceRows(threads),
  layers: () => layerRows(threads),
  data: () => dataRows(),
  distributed: () => distributedRows(),
};
const only = process.argv[2];
if (only !== undefined && !(only in SECTIONS)) {
  console.error(`bench: unknown section ${only}; use one of ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const rows = [];
for (const s of only ? [only] : Object.keys(SECTIONS)) rows.push(...(await SECTIONS[s]()));
const header = ['workload', 'kindling', 'reference', 'ratio', 'PyTorch', 'PyTorch time / kindling time'];
const table = rows.map((r) => [r.workload, r.kindling, r.reference, r.ratio, r.torch ?? (torch ? '' : 'not installed'), Number.isFinite(r.vsTorch) ? `${r.vsTorch.toFixed(2)}` : '']);
const md = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...table.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(md);

// Only a full run replaces bench/RESULTS.md: a single section would drop the others' rows.
if (only === undefined) {
  const here = dirname(fileURLToPath(import.meta.url));
  writeFileSync(
    join(here, 'RESULTS.md'),
    `# Benchmark results\n\nMade by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.\n\n${machine}\n\nThreads: ${threads} for kindling and OpenBLAS-from-C; PyTorch: ${torchThreads}.\n\n${md}\n`,
  );
  console.log(`\nwritten to ${join(here, 'RESULTS.md')}`);
}
