/**
 * L-BFGS (PyTorch's torch.optim.LBFGS, itself after minFunc): a quasi-Newton method that keeps
 * the last historySize steps and gradient changes, over all parameters as one flat vector, with
 * an optional strong-Wolfe line search. step(closure) re-evaluates the loss as it needs to.
 * Ported line for line from PyTorch 1.13, so trajectories match.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { enableGrad, noGrad } from '../autograd/grad_mode.js';
import { cat } from '../ops/indexing.js';
import { zerosTensor } from '../ops/alloc.js';
import { Optimizer, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface LBFGSOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

type Full = Required<LBFGSOptions>;

/** The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), kept within bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type ObjFunc = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/** A step size t along d meeting the strong Wolfe conditions (PyTorch's _strong_wolfe). */
function strongWolfe(obj: ObjFunc, x: Tensor[], t: number, d: Tensor, f: number, g: Tensor, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): [number, Tensor, number, number] {
  const dNorm = d.abs().max().item();
  g = g.clone();
  let [fNew, gNew] = obj(x, t, d);
  let evals = 1;
  let gtdNew = gNew.dot(d).item();
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(x, t, d);
    evals++;
    gtdNew = gNew.dot(d).item();
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  let insufProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = obj(x, t, d);
    evals++;
    gtdNew = gNew.dot(d).item();
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew.clone();
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bracketF[high] = bracketF[low];
        bracketG[high] = bracketG[low];
        bracketGtd[high] = bracketGtd[low];
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew.clone();
      bracketGtd[low] = gtdNew;
    }
  }
  return [bracketF[low], bracketG[low], bracket[low], evals];
}

export class LBFGS extends Optimizer<Full> {
  /** Defaults: lr 1, maxIter 20, maxEval maxIter * 5/4, toleranceGrad 1e-7, toleranceChange 1e-9, historySize 100. */
  constructor(params: ParamsInput<Full>, options: LBFGSOptions = {}) {
    const maxIter = options?.maxIter ?? 20;
    super(params, {
      lr: 1, maxIter, maxEval: options?.maxEval ?? Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9,
      historySize: 100, lineSearchFn: null,
    } as Full, options);
    if (this.paramGroups.length !== 1) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(Number.isInteger(o.maxIter) && o.maxIter > 0, 'max_iter', o.maxIter);
    require(Number.isInteger(o.historySize) && o.historySize > 0, 'history_size', o.historySize);
    require(o.lineSearchFn === null || o.lineSearchFn === undefined || o.lineSearchFn === 'strong_wolfe', "line_search_fn (only 'strong_wolfe' or null)", o.lineSearchFn);
  }

  protected update(_p: Tensor, _g: Tensor, _s: ParamState, _o: ParamGroup<Full>): void {
    throw new Error('LBFGS updates all parameters at once in step(closure)');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  private flatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ?? zerosTensor(p.shape, p.dtype)).reshape([-1])), 0);
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).reshape(p.shape.slice()), { alpha: stepSize });
      offset += n;
    }
  }

  /**
   * Runs up to maxIter iterations, calling closure (which must zero the gradients, compute the
   * loss, call backward and return the loss) whenever it needs the loss and gradient; returns
   * the first loss.
   */
  override step(closure?: () => Tensor): Tensor | undefined {
    if (typeof closure !== 'function') throw new TypeError(`LBFGS.step: expected a closure that re-evaluates the loss, but received ${describe(closure)}`);
    this.stepCount++;
    const evaluate = () => enableGrad(() => closure()).item();
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    let state = this.state.get(this.params[0]);
    if (!state) this.state.set(this.params[0], (state = { funcEvals: 0, nIter: 0 }));
    const s = state as Record<string, unknown> & { funcEvals: number; nIter: number };
    const origLoss = enableGrad(() => closure());
    let loss = origLoss.item();
    let currentEvals = 1;
    s.funcEvals++;
    return noGrad(() => {
      let flatGrad = this.flatGrad();
      let optCond = flatGrad.abs().max().item() <= toleranceGrad;
      if (optCond) return origLoss;
      let d = s.d as Tensor | undefined;
      let t = s.t as number | undefined;
      let oldDirs = s.oldDirs as Tensor[] | undefined;
      let oldStps = s.oldStps as Tensor[] | undefined;
      let ro = s.ro as number[] | undefined;
      let hDiag = s.hDiag as number | undefined;
      let prevFlatGrad = s.prevFlatGrad as Tensor | undefined;
      let prevLoss = s.prevLoss as number | undefined;
      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        s.nIter++;
        if (s.nIter === 1) {
          d = flatGrad.neg();
          oldDirs = [];
          oldStps = [];
          ro = [];
          hDiag = 1;
        } else {
          const y = flatGrad.sub(prevFlatGrad!);
          const sv = d!.mul(t!);
          const ys = y.dot(sv).item();
          if (ys > 1e-10) {
            if (oldDirs!.length === historySize) {
              oldDirs!.shift();
              oldStps!.shift();
              ro!.shift();
            }
            oldDirs!.push(y);
            oldStps!.push(sv);
            ro!.push(1 / ys);
            hDiag = ys / y.dot(y).item();
          }
          const al = new Array<number>(oldDirs!.length);
          const q = flatGrad.neg();
          for (let i = oldDirs!.length - 1; i >= 0; i--) {
            al[i] = oldStps![i].dot(q).item() * ro![i];
            q.sub_(oldDirs![i], { alpha: al[i] });
          }
          const r = q.mul(hDiag!);
          for (let i = 0; i < oldDirs!.length; i++) {
            const be = oldDirs![i].dot(r).item() * ro![i];
            r.add_(oldStps![i], { alpha: al[i] - be });
          }
          d = r;
        }
        prevFlatGrad = flatGrad.clone();
        prevLoss = loss;
        t = s.nIter === 1 ? Math.min(1, 1 / flatGrad.abs().sum().item()) * lr : lr;
        const gtd = flatGrad.dot(d!).item();
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        if (lineSearchFn === 'strong_wolfe') {
          const xInit = this.params.map((p) => p.clone());
          const obj: ObjFunc = (x, step, dir) => {
            this.addGrad(step, dir);
            const f = evaluate();
            const g = this.flatGrad();
            this.params.forEach((p, i) => p.copy_(x[i]));
            return [f, g];
          };
          [loss, flatGrad, t, lsEvals] = strongWolfe(obj, xInit, t, d!, loss, flatGrad, gtd);
          this.addGrad(t, d!);
          optCond = flatGrad.abs().max().item() <= toleranceGrad;
        } else {
          this.addGrad(t, d!);
          if (nIter !== maxIter) {
            loss = evaluate();
            flatGrad = this.flatGrad();
            optCond = flatGrad.abs().max().item() <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        s.funcEvals += lsEvals;
        if (nIter === maxIter || currentEvals >= (maxEval ?? Infinity) || optCond) break;
        if (d!.mul(t).abs().max().item() <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      Object.assign(s, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
      return origLoss;
    });
  }
}
