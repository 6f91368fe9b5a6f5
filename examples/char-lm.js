// A character-level language model (after Karpathy's makemore): learn how English words are
// spelled from ~270,000 words (the npm package word-list), then invent new ones. Two models
// on the same data: an LSTM over packed variable-length batches, then a small transformer
// (causal self-attention with a padding mask). Both loss curves go in one plot.
//
//   npm run example:char-lm [-- --quick]
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import * as kd from 'kindling';
import { linePlot } from './lib/plot.js';
import { Progress } from './lib/progress.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim } = kd;
const F = nn.functional;
const { packPaddedSequence } = nn.utils.rnn;
const END = 0;  // '.' starts and ends every word
const VOCAB = 27;
const MAX_LEN = 10;
const PAD = -100;  // crossEntropy's default ignoreIndex
const encode = (w) => Array.from(w, (ch) => ch.charCodeAt(0) - 96);
const decode = (ids) => ids.map((i) => String.fromCharCode(96 + i)).join('');

/** Words of 3..MAX_LEN lowercase letters, shuffled by the seeded generator. */
function loadWords(seed) {
  const words = readFileSync(wordListPath, 'utf8').split('\n').filter((w) => /^[a-z]{3,10}$/.test(w));
  const order = kd.data.randperm(words.length, new kd.Generator(seed));
  return Array.from(order, (i) => words[i]);
}

/** A batch: inputs [T, B] ('.' then the letters), targets [T, B] (the letters then '.', PAD after), lengths. */
function batchOf(words) {
  const T = Math.max(...words.map((w) => w.length)) + 1;
  const x = new Int32Array(T * words.length);
  const y = new Int32Array(T * words.length).fill(PAD);
  words.forEach((w, b) => {
    const ids = encode(w);
    for (let t = 0; t <= ids.length; t++) {
      x[t * words.length + b] = t === 0 ? END : ids[t - 1];
      y[t * words.length + b] = t < ids.length ? ids[t] : END;
    }
  });
  const shape = [T, words.length];
  return { x: kd.tensor(x, { dtype: 'int32' }).reshape(shape), y: kd.tensor(y, { dtype: 'int32' }).reshape(shape), lengths: words.map((w) => w.length + 1) };
}

class LstmLM extends nn.Module {
  constructor() {
    super();
    this.emb = new nn.Embedding(VOCAB, 32);
    this.lstm = new nn.LSTM(32, 128);
    this.head = new nn.Linear(128, VOCAB);
  }
  /** Logits of every real (unpadded) position, in packed order, and the targets in the same order. */
  loss({ x, y, lengths }) {
    const [out] = this.lstm.forward(packPaddedSequence(this.emb(x), lengths, { enforceSorted: false }));
    const targets = packPaddedSequence(y, lengths, { enforceSorted: false }).data;
    return F.crossEntropy(this.head(out.data), targets);
  }
  /** Next-letter logits after `prefix` (carrying the LSTM state in `state`). */
  step(token, state) {
    const [out, next] = this.lstm.forward(this.emb(kd.tensor([[token]], { dtype: 'int32' })), state);
    return [this.head(out.reshape([-1, 128])).reshape([VOCAB]), next];
  }
}

class TransformerLM extends nn.Module {
  constructor() {
    super();
    this.emb = new nn.Embedding(VOCAB, 64);
    this.pos = new nn.Embedding(MAX_LEN + 1, 64);
    this.encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, dropout: 0, normFirst: true }), 2);
    this.head = new nn.Linear(64, VOCAB);
  }
  logits(x, lengths) {
    const [T, B] = x.shape;
    const h = this.emb(x).add(this.pos(kd.arange(T, { dtype: 'int32' })).unsqueeze(1));
    const padding = lengths ? kd.arange(T).unsqueeze(0).ge(kd.tensor(lengths).unsqueeze(1)) : null;  // [B, T], true past the end
    return this.head(this.encoder.forward(h, { mask: nn.generateSquareSubsequentMask(T), srcKeyPaddingMask: padding })).reshape([T * B, VOCAB]);
  }
  loss({ x, y, lengths }) {
    return F.crossEntropy(this.logits(x, lengths), y.reshape([-1]));
  }
}

/** A new word, one sampled letter at a time until '.', from next-letter logits. */
function generate(nextLogits, generator) {
  const ids = [];
  let token = END;
  let state = null;
  while (ids.length < MAX_LEN) {
    const [logits, next] = nextLogits(token, state, ids);
    state = next;
    token = F.softmax(logits, 0).multinomial(1, false, { generator }).item();
    if (token === END) break;
    ids.push(token);
  }
  return decode(ids);
}

function train(name, model, words, { steps, lr, batchSize, quiet }) {
  const opt = new optim.Adam(model.parameters(), { lr });
  const sched = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: steps, etaMin: lr / 10 });
  const progress = new Progress({ epochs: 1, batches: steps, quiet });
  console.log(`${name}: ${model.parameters().reduce((n, p) => n + p.numel(), 0).toLocaleString('en')} parameters`);
  progress.startEpoch(1);
  const curve = [];
  for (let s = 0; s < steps; s++) {
    const start = (s * batchSize) % (words.length - batchSize);
    model.train();
    opt.zeroGrad();
    const loss = model.loss(batchOf(words.slice(start, start + batchSize)));
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), 1.0);
    opt.step();
    sched.step();
    curve.push(loss.item());
    progress.tick(curve[s], batchSize);
  }
  progress.endEpoch();
  return curve;
}

export async function main({ quick = false, out, seed = 0 }) {
  kd.manualSeed(seed);
  const words = loadWords(seed);
  const val = words.slice(0, quick ? 500 : 5000);
  const trainWords = words.slice(val.length);
  console.log(`${words.length.toLocaleString('en')} words of 3-${MAX_LEN} letters; ${val.length} held out`);
  const settings = { steps: quick ? 40 : 1500, batchSize: 64, quiet: quick };
  const valLoss = (m) => kd.noGrad(() => { m.eval(); return m.loss(batchOf(val)).item(); });
  const results = {};
  const curves = {};
  const generator = new kd.Generator(seed + 1);
  for (const [name, model, lr, next] of [
    ['LSTM', new LstmLM(), 3e-3, (m) => (token, state) => m.step(token, state)],
    ['transformer', new TransformerLM(), 1e-3, (m) => (token, state, ids) => {
      const x = kd.tensor([END, ...ids], { dtype: 'int32' }).unsqueeze(1);
      return [m.logits(x, null).select(0, ids.length), null];
    }],
  ]) {
    const before = valLoss(model);
    const t0 = performance.now();
    const curve = train(name, model, trainWords, { ...settings, lr });
    const seconds = (performance.now() - t0) / 1000;
    const after = valLoss(model);
    const samples = kd.noGrad(() => Array.from({ length: 12 }, () => generate(next(model), generator)));
    console.log(`${name}: held-out loss ${before.toFixed(3)} → ${after.toFixed(3)} nats/letter (uniform guess: ${Math.log(VOCAB).toFixed(3)}), ${seconds.toFixed(1)} s`);
    console.log(`  new words: ${samples.join(' ')}`);
    results[name] = { curve, valBefore: before, valAfter: after, samples, seconds };
    // the plot shows a running mean over 25 steps, as the raw per-batch loss is noisy
    curves[`${name} (training)`] = curve.map((_, i) => [i + 1, curve.slice(Math.max(0, i - 24), i + 1).reduce((a, b) => a + b) / Math.min(i + 1, 25)]);
  }
  const plot = await linePlot(curves, out, 'char-lm', { title: 'Character-level language models on English words', x: 'step', y: 'cross-entropy (nats/letter)' });
  console.log(`plot: ${plot.png}`);
  return { ...results, plot };
}

runIfMain(import.meta.url, main);
