// Training inside a Node service: an HTTP server keeps answering while a model trains in a
// worker_threads worker. The worker reports progress and saves a checkpoint; the server
// then loads it and starts answering predictions. Request latency during training shows
// the event loop stays free. Everything runs on 127.0.0.1 and the example ends by itself.
//
//   npm run example:train-in-worker
import { createServer, get } from 'node:http';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as kd from 'kindling';
import { loadDigits } from './lib/digits.js';
import { outputDir, runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

/** The same shuffled 8,000 / 2,000 split of the digits in the worker and the server. */
function splitDigits(seed) {
  const { images, labels } = loadDigits();
  const order = kd.tensor(data.randperm(labels.numel(), new kd.Generator(seed)));
  const x = images.indexSelect(0, order);
  const y = labels.indexSelect(0, order);
  return { trainX: x.narrow(0, 0, 8000), trainY: y.narrow(0, 0, 8000), testX: x.narrow(0, 8000, 2000), testY: y.narrow(0, 8000, 2000) };
}

function makeModel() {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

/** The worker: trains on the first 8,000 digits and saves the weights. */
function trainInWorker({ epochs, checkpoint, seed }) {
  kd.manualSeed(seed);
  const { trainX, trainY } = splitDigits(seed);
  const trainSet = new data.TensorDataset(trainX, trainY);
  const model = makeModel();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let sum = 0;
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      sum += loss.item();
    }
    parentPort.postMessage({ type: 'progress', epoch, epochs, loss: sum / loader.length });
  }
  kd.save(model.stateDict(), checkpoint);
  parentPort.postMessage({ type: 'done', checkpoint });
}

function request(port, path) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body), ms: performance.now() - t0 }));
    }).on('error', reject);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function main({ quick = false, out: outOption, seed = 0 }) {
  const out = outputDir(outOption);
  const { testX, testY } = splitDigits(seed);
  const state = { status: 'training', epoch: 0, loss: null, model: null };

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/health') {
      res.end(JSON.stringify({ status: state.status, epoch: state.epoch, loss: state.loss }));
    } else if (url.pathname === '/predict') {
      if (!state.model) {
        res.statusCode = 503;
        res.end(JSON.stringify({ error: 'model still training' }));
        return;
      }
      const i = Number(url.searchParams.get('index') ?? 0);
      const digit = kd.noGrad(() => state.model.forward(testX.narrow(0, i, 1)).argmax(1).item());
      res.end(JSON.stringify({ index: i, predicted: digit, actual: testY.narrow(0, i, 1).item() }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'not found' }));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  console.log(`server on http://127.0.0.1:${port}; training in a worker thread...`);

  const checkpoint = join(out, 'train-in-worker.safetensors');
  const worker = new Worker(new URL(import.meta.url), { workerData: { epochs: quick ? 1 : 5, checkpoint, seed } });
  const finished = new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      if (m.type === 'progress') {
        state.epoch = m.epoch;
        state.loss = m.loss;
        console.log(`worker: epoch ${m.epoch}/${m.epochs}, loss ${m.loss.toFixed(4)}`);
      } else if (m.type === 'done') {
        resolve(m.checkpoint);
      }
    });
    worker.on('error', reject);
  });

  // Keep asking the server how it is doing while the worker trains.
  const latencies = [];
  let training = true;
  const poll = (async () => {
    while (training) {
      latencies.push((await request(port, '/health')).ms);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const path = await finished;
  training = false;
  await poll;
  await worker.terminate();

  const model = makeModel();
  model.loadStateDict(kd.load(path));
  model.eval();
  state.model = model;
  state.status = 'serving';
  const answers = [];
  for (const i of [0, 1, 2, 3, 4]) answers.push((await request(port, `/predict?index=${i}`)).body);
  console.log('predictions from the served model:', answers.map((a) => `${a.predicted} (true ${a.actual})`).join(', '));
  const sorted = latencies.slice().sort((a, b) => a - b);
  const stats = { requests: sorted.length, medianMs: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1] };
  console.log(`/health during training: ${stats.requests} requests, median ${stats.medianMs.toFixed(2)} ms, p99 ${stats.p99Ms.toFixed(2)} ms, max ${stats.maxMs.toFixed(2)} ms`);
  await new Promise((r) => server.close(r));
  return { stats, answers };
}

if (!isMainThread && workerData?.checkpoint) trainInWorker(workerData);
else runIfMain(import.meta.url, main);
