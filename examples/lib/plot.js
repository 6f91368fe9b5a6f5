// Charts for the examples: Vega-Lite specs rendered headlessly by Vega to SVG, and the SVG
// rasterised to PNG by resvg. Each function writes <name>.svg and <name>.png and returns
// their paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';

async function render(vegaSpec, outDir, name) {
  mkdirSync(outDir, { recursive: true });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
  const svgPath = join(outDir, `${name}.svg`);
  const pngPath = join(outDir, `${name}.png`);
  writeFileSync(svgPath, svg);
  writeFileSync(pngPath, png);
  return { svg: svgPath, png: pngPath };
}

/**
 * Line chart of several named series: series = { name: [y0, y1, ...] } or { name: [[x, y], ...] }.
 * options: title, x, y (axis titles), logY, width, height.
 */
export async function linePlot(series, outDir, name, options = {}) {
  const values = [];
  for (const [label, ys] of Object.entries(series)) {
    ys.forEach((v, i) => {
      const [x, y] = Array.isArray(v) ? v : [i, v];
      if (Number.isFinite(y) && (!options.logY || y > 0)) values.push({ series: label, x, y });
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: options.width ?? 520,
    height: options.height ?? 300,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.x ?? 'step' },
      y: { field: 'y', type: 'quantitative', title: options.y ?? 'loss', scale: options.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: Object.keys(series), legend: { labelLimit: 400, orient: 'bottom', direction: 'vertical' } },
    },
    config: { font: 'sans-serif' },
  };
  return render(compile(spec).spec, outDir, name);
}

/**
 * Contours of f over [x0, x1] × [y0, y1] with optimizer paths drawn on top:
 * paths = { name: [[x, y], ...] }.
 */
export async function contourPlot(f, box, paths, outDir, name, options = {}) {
  const [x0, x1, y0, y1] = box;
  const n = 120;
  const grid = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = x0 + ((x1 - x0) * (i + 0.5)) / n;
      const y = y1 - ((y1 - y0) * (j + 0.5)) / n;
      grid.push(Math.log10(f(x, y) + 1e-3));
    }
  }
  // square, so one scale factor maps grid cells to pixels on both axes
  const width = options.size ?? 460;
  const height = width;
  const pathValues = Object.entries(paths).flatMap(([label, pts]) => pts.map(([x, y], k) => ({ series: label, x, y, k })));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width,
    height,
    padding: 5,
    title: options.title,
    data: [
      {
        name: 'grid',
        values: [{ width: n, height: n, values: grid }],
        transform: [
          { type: 'isocontour', scale: { expr: `width / ${n}` }, translate: [0, 0], levels: 18, smooth: true },
        ],
      },
      { name: 'paths', values: pathValues },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [x0, x1], range: 'width' },
      { name: 'y', type: 'linear', domain: [y0, y1], range: 'height' },
      { name: 'level', type: 'linear', domain: { data: 'grid', field: 'contour.value' }, range: { scheme: 'greys' } },
      { name: 'color', type: 'ordinal', domain: Object.keys(paths), range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'x' },
      { orient: 'left', scale: 'y', title: 'y' },
    ],
    legends: [{ fill: 'color', title: 'optimizer', orient: 'right', symbolType: 'stroke', stroke: 'color' }],
    marks: [
      {
        type: 'path',
        from: { data: 'grid' },
        encode: { update: { stroke: { scale: 'level', field: 'contour.value' }, strokeWidth: { value: 1 }, fill: { value: null } } },
        transform: [{ type: 'geopath', field: 'datum.contour' }],
        clip: true,
      },
      {
        type: 'group',
        from: { facet: { name: 'series', data: 'paths', groupby: 'series' } },
        marks: [
          {
            type: 'line',
            from: { data: 'series' },
            sort: { field: 'datum.k' },
            encode: {
              update: {
                x: { scale: 'x', field: 'x' },
                y: { scale: 'y', field: 'y' },
                stroke: { scale: 'color', field: 'series' },
                strokeWidth: { value: 2 },
              },
            },
          },
        ],
      },
    ],
    config: { font: 'sans-serif' },
  };
  return render(spec, outDir, name);
}
