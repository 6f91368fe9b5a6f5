/**
 * optim.lrScheduler: learning-rate schedules with PyTorch 1.13's formulas (including its
 * recursive, "chainable" forms, so values match step for step). Each step() sets the lr of
 * every parameter group; getLastLr() reads them; stateDict()/loadStateDict() resume a run.
 */
import { describe } from '../tensor/shape.js';
import { checkOptions } from '../options.js';
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

  /** Throws TypeError for something that is not an optimizer, or when constructed as the bare base class. */
  constructor(optimizer: AnyOptimizer) {
    if (typeof (this as unknown as { computeLr?: unknown }).computeLr !== 'function') {
      throw new TypeError('LRScheduler is a base class: subclass it and implement computeLr() (the learning rates for this.lastEpoch)');
    }
    this.optimizer = checkOptimizer(this.constructor.name, optimizer);
    for (const g of this.groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
  }

  protected get groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** Call at the end of the constructor of each subclass: applies the schedule's value at epoch 0. */
  protected initialStep(): void {
    this.advance();
  }

  /** The learning rates for the current lastEpoch. */
  protected abstract computeLr(): number[];

  /**
   * Advances one epoch (or one batch, for per-step schedules) and sets each group's lr. The
   * first call throws when the optimizer has not stepped yet: the schedule's first value would
   * be skipped.
   */
  step(): void {
    if (this.stepCount === 1 && this.optimizer.stepCount === 0) {
      throw new Error(
        `${this.constructor.name}.step() was called before the optimizer's step(): call optimizer.step() first, ` +
          'then scheduler.step() (otherwise the first learning rate of the schedule is skipped)',
      );
    }
    this.advance();
  }

  /** One epoch forward, without the order check (the constructor's initial step, restarts). */
  protected advance(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.computeLr();
    this.groups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** Starts the schedule over from its initial learning rates (SequentialLR's step(0)). */
  restart(): void {
    this.groups.forEach((g, i) => (g.lr = this.baseLrs[i]));
    this.lastEpoch = -1;
    this.advance();
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

/** options[key] when it is a number, `fallback` when absent; throws TypeError naming owner and key otherwise. */
function numberOption<O extends object>(owner: string, options: O, key: keyof O & string, fallback: number): number {
  const v = options[key] as unknown;
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${owner}: expected ${key} to be a number, but received ${describe(v)}`);
  return v;
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
    options = checkOptions('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = positive('StepLR', 'stepSize', options.stepSize);
    this.gamma = numberOption('StepLR', options, 'gamma', 0.1);
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
    options = checkOptions('MultiStepLR', options, ['milestones', 'gamma']);
    if (!Array.isArray(options.milestones)) throw new TypeError('MultiStepLR: milestones must be an array of epochs');
    this.milestones = options.milestones.slice().sort((a, b) => a - b);
    this.gamma = numberOption('MultiStepLR', options, 'gamma', 0.1);
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
    options = checkOptions('ExponentialLR', options, ['gamma']);
    this.gamma = positive('ExponentialLR', 'gamma', options.gamma);
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
    options = checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = positive('CosineAnnealingLR', 'tMax', options.tMax);
    this.etaMin = numberOption('CosineAnnealingLR', options, 'etaMin', 0);
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
    options = checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    this.startFactor = numberOption('LinearLR', options, 'startFactor', 1 / 3);
    this.endFactor = numberOption('LinearLR', options, 'endFactor', 1);
    this.totalIters = numberOption('LinearLR', options, 'totalIters', 5);
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
    options = checkOptions('OneCycleLR', options, ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase']);
    const groups = opt.paramGroups as Group[];
    const maxLrs = Array.isArray(options.maxLr) ? options.maxLr : groups.map(() => options.maxLr as number);
    if (maxLrs.length !== groups.length || maxLrs.some((v) => typeof v !== 'number')) {
      throw new RangeError(`OneCycleLR: expected maxLr to be a number or ${groups.length} numbers`);
    }
    const div = numberOption('OneCycleLR', options, 'divFactor', 25);
    const finalDiv = numberOption('OneCycleLR', options, 'finalDivFactor', 1e4);
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
    const pct = numberOption('OneCycleLR', options, 'pctStart', 0.3);
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
    options = checkOptions('ReduceLROnPlateau', options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown`);
    this.factor = numberOption('ReduceLROnPlateau', options, 'factor', 0.1);
    if (!(this.factor < 1)) throw new RangeError('ReduceLROnPlateau: factor should be < 1.0');
    this.patience = numberOption('ReduceLROnPlateau', options, 'patience', 10);
    this.threshold = numberOption('ReduceLROnPlateau', options, 'threshold', 1e-4);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: thresholdMode ${String(this.thresholdMode)} is unknown`);
    this.cooldown = numberOption('ReduceLROnPlateau', options, 'cooldown', 0);
    const groups = this.optimizer.paramGroups;
    const minLr = options.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? minLr.slice() : groups.map(() => minLr);
    if (this.minLrs.length !== groups.length) throw new RangeError(`ReduceLROnPlateau: expected ${groups.length} minLr values, got ${this.minLrs.length}`);
    this.eps = numberOption('ReduceLROnPlateau', options, 'eps', 1e-8);
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

function lambdasFor(name: string, groups: number, fn: unknown): ((epoch: number) => number)[] {
  const list = Array.isArray(fn) ? fn : new Array(groups).fill(fn);
  if (list.length !== groups) throw new RangeError(`${name}: expected ${groups} lambdas (one per parameter group), but got ${list.length}`);
  list.forEach((f, i) => {
    if (typeof f !== 'function') throw new TypeError(`${name}: lrLambda ${i} is ${describe(f)}, not a function`);
  });
  return list as ((epoch: number) => number)[];
}

/** lr = initial lr * lrLambda(epoch), one lambda or one per group. */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] }) {
    super(optimizer);
    options = checkOptions('LambdaLR', options, ['lrLambda']);
    this.lambdas = lambdasFor('LambdaLR', this.groups.length, options.lrLambda);
    this.initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lambdas[i](this.lastEpoch));
  }
  /** Functions are not data: the state dict leaves the lambdas out, as PyTorch does. */
  override stateDict(): Record<string, unknown> {
    const { lambdas: _l, ...rest } = super.stateDict();
    return rest;
  }
}

/** lr *= lrLambda(epoch) at every step after the first. */
export class MultiplicativeLR extends LRScheduler {
  private readonly lambdas: ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] }) {
    super(optimizer);
    options = checkOptions('MultiplicativeLR', options, ['lrLambda']);
    this.lambdas = lambdasFor('MultiplicativeLR', this.groups.length, options.lrLambda);
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch <= 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g, i) => g.lr * this.lambdas[i](this.lastEpoch));
  }
  override stateDict(): Record<string, unknown> {
    const { lambdas: _l, ...rest } = super.stateDict();
    return rest;
  }
}

/** lr * factor for the first totalIters epochs, then lr (default factor 1/3, 5 epochs). */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, options: { factor?: number; totalIters?: number } = {}) {
    super(optimizer);
    options = checkOptions('ConstantLR', options, ['factor', 'totalIters']);
    this.factor = numberOption('ConstantLR', options, 'factor', 1 / 3);
    if (!(this.factor >= 0 && this.factor <= 1)) throw new RangeError(`ConstantLR: factor must be between 0 and 1, but got ${this.factor}`);
    this.totalIters = numberOption('ConstantLR', options, 'totalIters', 5);
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
}

/** lr decayed as (1 - epoch / totalIters)^power, reaching 0 at totalIters (default 5 and 1). */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;
  constructor(optimizer: AnyOptimizer, options: { totalIters?: number; power?: number } = {}) {
    super(optimizer);
    options = checkOptions('PolynomialLR', options, ['totalIters', 'power']);
    this.totalIters = numberOption('PolynomialLR', options, 'totalIters', 5);
    this.power = numberOption('PolynomialLR', options, 'power', 1);
    positive('PolynomialLR', 'totalIters', this.totalIters);
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const factor = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return this.groups.map((g) => g.lr * factor);
  }
}

/**
 * Cosine annealing with warm restarts (SGDR): the lr falls from the initial lr to etaMin over
 * t0 epochs, then restarts, each period tMult times longer than the last.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  /** The current period's length and the epochs since its start. */
  tI: number;
  tCur = 0;
  constructor(optimizer: AnyOptimizer, options: { t0: number; tMult?: number; etaMin?: number }) {
    super(optimizer);
    options = checkOptions('CosineAnnealingWarmRestarts', options, ['t0', 'tMult', 'etaMin']);
    this.t0 = options.t0;
    if (!Number.isInteger(this.t0) || this.t0 <= 0) throw new RangeError(`CosineAnnealingWarmRestarts: t0 must be a positive integer, but got ${String(this.t0)}`);
    this.tMult = numberOption('CosineAnnealingWarmRestarts', options, 'tMult', 1);
    if (!Number.isInteger(this.tMult) || this.tMult < 1) throw new RangeError(`CosineAnnealingWarmRestarts: tMult must be an integer >= 1, but got ${this.tMult}`);
    this.etaMin = numberOption('CosineAnnealingWarmRestarts', options, 'etaMin', 0);
    this.tI = this.t0;
    this.tCur = 0;
    this.initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  /** Advances one epoch, or jumps to `epoch` (fractional allowed, e.g. per batch: epoch + i / batches). */
  override step(epoch?: number): void {
    if (epoch === undefined) {
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (!(epoch >= 0)) throw new RangeError(`CosineAnnealingWarmRestarts: expected a non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
      this.lastEpoch = Math.floor(epoch) - 1;
    }
    super.step();
  }
}

export interface CyclicLROptions {
  baseLr: number | number[];
  maxLr: number | number[];
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

/**
 * Cyclical learning rates (step per batch): between baseLr and maxLr, up over stepSizeUp
 * steps and down over stepSizeDown, scaled per cycle ('triangular', 'triangular2') or per
 * step ('exp_range'); with cycleMomentum the momentum (or Adam's beta1) moves the other way.
 */
export class CyclicLR extends LRScheduler {
  private readonly maxLrs: number[];
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly mode: 'triangular' | 'triangular2' | 'exp_range';
  private readonly gamma: number;
  private readonly scaleMode: 'cycle' | 'iterations';
  private readonly customScale: ((x: number) => number) | null;
  private readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;
  private readonly baseMomentums: number[];
  private readonly maxMomentums: number[];

  constructor(optimizer: AnyOptimizer, options: CyclicLROptions) {
    const opt = checkOptimizer('CyclicLR', optimizer);
    options = checkOptions('CyclicLR', options, ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum']);
    const n = opt.paramGroups.length;
    const perGroup = (name: string, v: number | number[] | undefined, fallback: number): number[] => {
      const list = Array.isArray(v) ? v : new Array(n).fill(v ?? fallback);
      if (list.length !== n) throw new RangeError(`CyclicLR: expected ${n} values for ${name} (one per group), but got ${list.length}`);
      return list as number[];
    };
    // the cycle starts from baseLr: groups begin there (PyTorch sets it before the base init)
    const baseLrs = perGroup('baseLr', options.baseLr, NaN);
    if (baseLrs.some((v) => !(v >= 0))) throw new RangeError(`CyclicLR: baseLr must be given and non-negative, but got ${String(options.baseLr)}`);
    opt.paramGroups.forEach((g, i) => {
      (g as Group).lr = baseLrs[i];
      (g as Group).initialLr = baseLrs[i];
    });
    super(opt);
    this.maxLrs = perGroup('maxLr', options.maxLr, NaN);
    const up = numberOption('CyclicLR', options, 'stepSizeUp', 2000);
    const down = numberOption('CyclicLR', options, 'stepSizeDown', up);
    positive('CyclicLR', 'stepSizeUp', up);
    positive('CyclicLR', 'stepSizeDown', down);
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = options.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode)) throw new RangeError(`CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', but got ${String(this.mode)}`);
    this.gamma = numberOption('CyclicLR', options, 'gamma', 1);
    this.customScale = options.scaleFn ?? null;
    this.scaleMode = this.customScale ? options.scaleMode ?? 'cycle' : this.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = options.cycleMomentum ?? true;
    const defaults = opt.defaults as unknown as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    this.baseMomentums = perGroup('baseMomentum', options.baseMomentum, 0.8);
    this.maxMomentums = perGroup('maxMomentum', options.maxMomentum, 0.9);
    if (this.cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1) throw new RangeError('CyclicLR: optimizer must support momentum or betas with cycleMomentum enabled');
      this.groups.forEach((g, i) => this.setMomentum(g, this.maxMomentums[i]));
    }
    this.initialStep();
  }

  private setMomentum(g: Group, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as [number, number])[1]];
    else g.momentum = m;
  }

  private scale(x: number): number {
    if (this.customScale) return this.customScale(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected computeLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * scaleFactor;
        this.setMomentum(g, this.maxMomentums[i] - height * s);
      });
    }
    return this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scaleFactor * s);
  }

  override stateDict(): Record<string, unknown> {
    const { customScale: _f, ...rest } = super.stateDict();
    return rest;
  }
}

/** Runs schedulers one after another, switching at the milestone epochs (PyTorch's SequentialLR). */
export class SequentialLR {
  readonly optimizer: AnyOptimizer;
  lastEpoch: number;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, readonly schedulers: LRScheduler[], readonly milestones: number[]) {
    this.optimizer = checkOptimizer('SequentialLR', optimizer);
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new TypeError('SequentialLR: expected a non-empty array of schedulers');
    }
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new RangeError('SequentialLR: every scheduler must belong to the optimizer given');
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(`SequentialLR: expected ${schedulers.length - 1} milestones (one fewer than schedulers), but got ${Array.isArray(milestones) ? milestones.length : describe(milestones)}`);
    }
    this.lastEpoch = 0;
    schedulers[0].restart();
    this.lastLr = schedulers[0].getLastLr();
  }

  /** Advances one epoch on the scheduler whose span holds it (restarting it at its milestone). */
  step(): void {
    this.lastEpoch++;
    let idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    idx = Math.min(idx, this.schedulers.length - 1);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.restart();
    else s.step();
    this.lastLr = s.getLastLr();
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { lastEpoch: this.lastEpoch, lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.lastEpoch = state.lastEpoch as number;
    this.lastLr = (state.lastLr as number[]).slice();
    (state.schedulers as Record<string, unknown>[]).forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

/** Steps several schedulers together, their effects multiplying (PyTorch's ChainedScheduler). */
export class ChainedScheduler {
  private lastLr: number[];

  constructor(readonly schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new TypeError('ChainedScheduler: expected a non-empty array of schedulers');
    }
    this.lastLr = schedulers[schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.schedulers[this.schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.lastLr = (state.lastLr as number[]).slice();
    (state.schedulers as Record<string, unknown>[]).forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}
