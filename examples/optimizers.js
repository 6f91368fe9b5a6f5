// Optimizers racing on a 2-D loss surface from the same start: SGD, momentum, Nesterov,
// Adagrad, RMSprop and Adam on Rosenbrock's banana valley f(x, y) = (1 - x)² + 10 (y - x²)²,
// whose minimum is at (1, 1). Each moves one point (x, y) with its own update rule.
//
//   npm run example:optimizers
import * as kd from 'kindling';
import { contourPlot, linePlot } from './lib/plot.js';
import { runIfMain } from './lib/cli.js';

const { optim } = kd;

const surface = (x, y) => (1 - x) ** 2 + 10 * (y - x * x) ** 2;

/** The same function on tensors, so autograd can differentiate it. */
function loss(p) {
  const x = p.narrow(0, 0, 1);
  const y = p.narrow(0, 1, 1);
  return kd.sub(1, x).pow(2).add(y.sub(x.pow(2)).pow(2).mul(10)).sum();
}

const RACERS = {
  SGD: (p) => new optim.SGD([p], { lr: 0.01 }),
  momentum: (p) => new optim.SGD([p], { lr: 0.01, momentum: 0.9 }),
  Nesterov: (p) => new optim.SGD([p], { lr: 0.01, momentum: 0.9, nesterov: true }),
  Adagrad: (p) => new optim.Adagrad([p], { lr: 0.5 }),
  RMSprop: (p) => new optim.RMSprop([p], { lr: 0.01 }),
  Adam: (p) => new optim.Adam([p], { lr: 0.1 }),
};

export async function main({ quick = false, out }) {
  const steps = quick ? 60 : 300;
  const paths = {};
  const losses = {};
  for (const [name, make] of Object.entries(RACERS)) {
    const p = kd.tensor([-1.5, 2], { dtype: 'float64', requiresGrad: true });
    const opt = make(p);
    paths[name] = [p.tolist()];
    losses[name] = [];
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      const l = loss(p);
      l.backward();
      opt.step();
      losses[name].push(l.item());
      paths[name].push(p.tolist());
    }
    const [x, y] = p.tolist();
    console.log(`${name.padEnd(9)} ends at (${x.toFixed(3)}, ${y.toFixed(3)}), loss ${surface(x, y).toExponential(2)}`);
  }
  const contour = await contourPlot(surface, [-2, 2, -1, 3], paths, out, 'optimizers-paths', { title: `Paths over ${steps} steps on Rosenbrock's valley` });
  const curve = await linePlot(losses, out, 'optimizers-loss', { title: 'Loss against step', x: 'step', y: 'loss', logY: true });
  console.log(`plots: ${contour.png}, ${curve.png}`);
  return { losses, paths, plots: [contour, curve] };
}

runIfMain(import.meta.url, main);
