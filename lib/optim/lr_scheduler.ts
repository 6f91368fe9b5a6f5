/**
 * optim.lrScheduler: learning-rate schedules with PyTorch 1.13's formulas (including its
 * recursive, "chainable" forms, so values match step for step). Each step() sets the lr of
 * every parameter group; getLastLr() reads them; stateDict()/loadStateDict() resume a run.
 */
import { describe } from '../tensor/shape.js';
import type { Optimizer, ParamGroup } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Group = ParamGroup<{ lr: number }> & { initialLr?: number; momentum?: number; betas?: [number, number] } & Record<string, unknown>;

function checkOptimizer(name: string, optimizer: unknown): AnyOptimizer {
  if (typeof optimizer !== 'object' || optimizer === null || !Array.isArray((optimizer as AnyOptimizer).paramGroups)) {
    throw new TypeError(`${name}: expected an optimizer, but received ${describe(optimizer)}`);
  }
  return optimizer as AnyOptimizer;
}

/** The base of epoch/step-indexed schedules: subclasses define computeLr() from lastEpoch. */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** How many times step() has run (PyTorch's last_epoch: 0 after construction). */
  lastEpoch = -1;
  readonly baseLrs: number[];
  protected lastLr: number[] = [];
  protected stepCount = 0;

  constructor(optimizer: AnyOptimizer) {
    this.optimizer = checkOptimizer(this.constructor.name, optimizer);
    for (const g of this.groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
  }

  protected get groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** Call at the end of the constructor of each subclass: applies the schedule's value at epoch 0. */
  protected initialStep(): void {
    this.step();
  }

  /** The learning rates for the current lastEpoch. */
  protected abstract computeLr(): number[];

  /** Advances one epoch (or one batch, for per-step schedules) and sets each group's lr. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.computeLr();
    this.groups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The learning rates the last step() set, one per parameter group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Everything but the optimizer, as plain data. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  loadStateDict(state: Record<string, unknown>): void {
    if (typeof state !== 'object' || state === null) throw new TypeError('loadStateDict: expected the object stateDict() returned');
    for (const [k, v] of Object.entries(state)) if (k !== 'optimizer') (this as Record<string, unknown>)[k] = structuredClone(v);
  }
}

function positive(name: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0)) throw new RangeError(`${name}: ${what} must be a positive number, but got ${String(v)}`);
  return v;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = positive('StepLR', 'stepSize', options?.stepSize);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

/** Multiplies the lr by gamma at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: { milestones: number[]; gamma?: number }) {
    super(optimizer);
    if (!Array.isArray(options?.milestones)) throw new TypeError('MultiStepLR: milestones must be an array of epochs');
    this.milestones = options.milestones.slice().sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** hits);
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super(optimizer);
    this.gamma = positive('ExponentialLR', 'gamma', options?.gamma);
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

/** Cosine from the initial lr down to etaMin over tMax epochs (and back up after, as PyTorch). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = positive('CosineAnnealingLR', 'tMax', options?.tMax);
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { tMax, etaMin, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    }
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }
}

/** Scales the lr linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) throw new RangeError('LinearLR: startFactor must be greater than 0 and at most 1');
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) throw new RangeError('LinearLR: endFactor must be between 0 and 1');
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr' | 'minLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/** The 1cycle policy: warm up to maxLr, then anneal far below the start; stepped every batch. */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, options: OneCycleOptions) {
    const opt = checkOptimizer('OneCycleLR', optimizer);
    const groups = opt.paramGroups as Group[];
    const maxLrs = Array.isArray(options?.maxLr) ? options.maxLr : groups.map(() => options?.maxLr as number);
    if (maxLrs.length !== groups.length || maxLrs.some((v) => typeof v !== 'number')) {
      throw new RangeError(`OneCycleLR: expected maxLr to be a number or ${groups.length} numbers`);
    }
    const div = options.divFactor ?? 25;
    const finalDiv = options.finalDivFactor ?? 1e4;
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / div;
      g.lr = g.initialLr;
      g.maxLr = maxLrs[i];
      g.minLr = g.initialLr / finalDiv;
    });
    super(opt);
    let total: number;
    if (options.totalSteps !== undefined) total = positive('OneCycleLR', 'totalSteps', options.totalSteps);
    else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      total = positive('OneCycleLR', 'epochs', options.epochs) * positive('OneCycleLR', 'stepsPerEpoch', options.stepsPerEpoch);
    } else throw new RangeError('OneCycleLR: you must define either totalSteps or (epochs and stepsPerEpoch)');
    this.totalSteps = total;
    const pct = options.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new RangeError(`OneCycleLR: expected pctStart in [0, 1], but got ${pct}`);
    this.phases = options.threePhase
      ? [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.annealStrategy = options.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') throw new RangeError(`OneCycleLR: annealStrategy must be 'cos' or 'linear'`);
    this.cycleMomentum = options.cycleMomentum ?? true;
    const defaults = opt.defaults as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1) throw new RangeError('OneCycleLR: optimizer must support momentum or betas with cycleMomentum enabled');
      for (const g of this.groups) {
        g.maxMomentum = options.maxMomentum ?? 0.95;
        g.baseMomentum = options.baseMomentum ?? 0.85;
        if (this.useBeta1) g.betas = [g.maxMomentum as number, (g.betas as [number, number])[1]];
        else g.momentum = g.maxMomentum as number;
      }
    }
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected computeLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${stepNum} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (ph.endStep - start);
          const lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, (g.betas as [number, number])[1]];
            else g.momentum = m;
          }
          return lr;
        }
        start = ph.endStep;
      }
      return g.lr;
    });
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Cuts the lr by `factor` when a metric stops improving for `patience` epochs: step(metric). */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = checkOptimizer('ReduceLROnPlateau', optimizer);
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown`);
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new RangeError('ReduceLROnPlateau: factor should be < 1.0');
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: thresholdMode ${String(this.thresholdMode)} is unknown`);
    this.cooldown = options.cooldown ?? 0;
    const groups = this.optimizer.paramGroups;
    const minLr = options.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? minLr.slice() : groups.map(() => minLr);
    if (this.minLrs.length !== groups.length) throw new RangeError(`ReduceLROnPlateau: expected ${groups.length} minLr values, got ${this.minLrs.length}`);
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = groups.map((g) => g.lr);
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this epoch's metric (e.g. validation loss) and lowers the lr if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new TypeError(`ReduceLROnPlateau.step: expected the metric as a number, but received ${describe(metric)}`);
    this.lastEpoch++;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch, lastLr: this.lastLr.slice() };
  }

  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, structuredClone(state));
  }
}
