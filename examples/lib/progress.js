// Training progress: a live cli-progress bar (epoch, batch, loss, samples/s, ETA) when the
// output is a terminal, plain lines (one per epoch) when it is not.
import cliProgress from 'cli-progress';

export class Progress {
  constructor({ epochs, batches, quiet = false }) {
    this.epochs = epochs;
    this.batches = batches;
    this.quiet = quiet;
    this.tty = Boolean(process.stdout.isTTY) && !quiet;
    this.bar = null;
  }

  startEpoch(epoch) {
    this.epoch = epoch;
    this.samples = 0;
    this.lossSum = 0;
    this.count = 0;
    this.t0 = performance.now();
    if (!this.tty) return;
    this.bar = new cliProgress.SingleBar({
      format: 'epoch {epoch}/{epochs} |{bar}| batch {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(this.batches, 0, { epoch, epochs: this.epochs, loss: '-', rate: '-' });
  }

  /** After each batch: its loss and size. */
  tick(loss, batchSize) {
    this.samples += batchSize;
    this.lossSum += loss;
    this.count++;
    if (this.bar) {
      const secs = (performance.now() - this.t0) / 1000;
      this.bar.update(this.count, { loss: (this.lossSum / this.count).toFixed(4), rate: Math.round(this.samples / Math.max(secs, 1e-9)) });
    }
  }

  /** Ends the epoch; `extra` is appended to its summary line. Returns the mean loss. */
  endEpoch(extra = '') {
    const secs = (performance.now() - this.t0) / 1000;
    const mean = this.lossSum / Math.max(this.count, 1);
    if (this.bar) this.bar.stop();
    if (!this.quiet) {
      console.log(`epoch ${this.epoch}/${this.epochs}: loss ${mean.toFixed(4)}, ${Math.round(this.samples / secs)} samples/s, ${secs.toFixed(1)} s${extra ? `, ${extra}` : ''}`);
    }
    return mean;
  }
}
