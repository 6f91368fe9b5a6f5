/**
 * Tensor printing in PyTorch's style: fixed 4-decimal or scientific notation chosen from
 * the values, integer-valued floats as `1.`, rows aligned, large tensors summarised with
 * `...` (more than 1000 elements: 3 at each edge), and the non-default attributes after.
 */
import type { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

type Formatter = (v: number) => string;

/** Python's '{:.4e}': at least two exponent digits. */
function sci(v: number): string {
  const [m, e] = v.toExponential(4).split('e');
  const sign = e[0] === '-' ? '-' : '+';
  const digits = e.replace(/^[+-]/, '');
  return `${m}e${sign}${digits.padStart(2, '0')}`;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

function makeFormatter(dtype: string, values: number[]): Formatter {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  if (finite.length === 0) return (v) => special(v) ?? (Object.is(v, -0) ? '-0.' : '0.');
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  const intMode = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  if (intMode) {
    if (max / min > 1000 || max > 1e8) return (v) => special(v) ?? sci(v);
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return (v) => special(v) ?? sci(v);
  return (v) => special(v) ?? v.toFixed(4);
}

interface Slice {
  /** indices shown along each dim (null marks the `...` gap) */
  show: (number | null)[][];
}

function shownIndices(shape: readonly number[], summarise: boolean): Slice {
  return {
    show: shape.map((n) => {
      if (!summarise || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
      return [
        ...Array.from({ length: EDGE_ITEMS }, (_, i) => i),
        null,
        ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i),
      ];
    }),
  };
}

function valueAt(t: Tensor, idx: number[]): number {
  let p = t.offset;
  for (let i = 0; i < idx.length; i++) p += idx[i] * t.strides[i];
  return t.storage[p];
}

/** The body `[[...], [...]]` (or a bare number for 0-d tensors), indented after `prefix`. */
function formatBody(t: Tensor, indent: number): string {
  if (t.shape.length === 0) {
    const v = t.storage[t.offset];
    return makeFormatter(t.dtype, [v])(v);
  }
  const summarise = t.numel() > THRESHOLD;
  const { show } = shownIndices(t.shape, summarise);
  const values: number[] = [];
  const collect = (d: number, idx: number[]) => {
    for (const i of show[d]) {
      if (i === null) continue;
      if (d === t.shape.length - 1) values.push(valueAt(t, [...idx, i]));
      else collect(d + 1, [...idx, i]);
    }
  };
  collect(0, []);
  const fmt = makeFormatter(t.dtype, values);
  const width = Math.max(1, ...values.map((v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);
  const nd = t.shape.length;

  const render = (d: number, idx: number[], col: number): string => {
    if (d === nd - 1) {
      const items = show[d].map((i) => (i === null ? ' ...' : cell(valueAt(t, [...idx, i]))));
      // wrap long rows at the line width, as PyTorch does
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - col) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(',\n' + ' '.repeat(col + 1))}]`;
    }
    const blankLines = '\n'.repeat(Math.max(1, nd - d - 1));
    const parts = show[d].map((i) => (i === null ? '...' : render(d + 1, [...idx, i], col + 1)));
    return `[${parts.join(',' + blankLines + ' '.repeat(col + 1))}]`;
  };
  return render(0, [], indent);
}

/** The full PyTorch-style text: `tensor([...], dtype=float64, requiresGrad=true)`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const extras: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    body = '[]';
    if (t.shape.length !== 1) extras.push(`size=[${t.shape.join(', ')}]`);
  } else {
    body = formatBody(t, prefix.length);
  }
  if (t.dtype !== 'float32' && t.dtype !== 'bool') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `${prefix}${[body, ...extras].join(', ')})`;
}
