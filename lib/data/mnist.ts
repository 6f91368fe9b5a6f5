/**
 * MNIST and Fashion-MNIST from the standard IDX files in a folder (no download): images as
 * float32 [1, 28, 28] in [0, 1], labels as int32. Batches are gathered in one call.
 */
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { checkIndex, type Dataset } from './dataset.js';
import { findIdx, readIdx } from './idx.js';

export interface MNISTOptions {
  /** Folder holding the IDX files (also searched: raw/, MNIST/raw/, FashionMNIST/raw/). */
  root: string;
  /** The 60,000 training images (default) or the 10,000 test images. */
  train?: boolean;
}

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

class IdxImageDataset implements Dataset<[Tensor, Tensor]> {
  /** All images, float32 [N, 1, rows, cols] in [0, 1]. */
  readonly data: Tensor;
  /** All labels, int32 [N]. */
  readonly targets: Tensor;

  constructor(name: string, folder: string, options: MNISTOptions, hint: string) {
    if (typeof options?.root !== 'string') throw new TypeError(`${name}: expected { root: <folder with the IDX files> }`);
    const train = options.train ?? true;
    const prefix = train ? 'train' : 't10k';
    const dirs = [options.root, join(options.root, 'raw'), join(options.root, folder, 'raw')];
    const imagesPath = findIdx(dirs, `${prefix}-images-idx3-ubyte`);
    const labelsPath = findIdx(dirs, `${prefix}-labels-idx1-ubyte`);
    if (!imagesPath || !labelsPath) {
      throw new Error(`${name}: no ${prefix}-images-idx3-ubyte and ${prefix}-labels-idx1-ubyte (.gz or raw) in ${dirs.join(', ')}. ${hint}`);
    }
    const images = readIdx(imagesPath);
    const labels = readIdx(labelsPath);
    if (images.dims.length !== 3) throw new RangeError(`${imagesPath}: expected 3 dimensions [N, rows, cols], found [${images.dims.join(', ')}]`);
    if (labels.dims.length !== 1) throw new RangeError(`${labelsPath}: expected 1 dimension [N], found [${labels.dims.join(', ')}]`);
    const [n, rows, cols] = images.dims;
    if (labels.dims[0] !== n) throw new RangeError(`${name}: ${imagesPath} holds ${n} images but ${labelsPath} holds ${labels.dims[0]} labels`);
    const pixels = new Float32Array(images.data.length);
    for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
    const targets = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (labels.data[i] > 9) throw new RangeError(`${labelsPath}: label ${labels.data[i]} at position ${i} is not a class 0-9`);
      targets[i] = labels.data[i];
    }
    this.data = Tensor.fromStorage(pixels, [n, 1, rows, cols], 'float32');
    this.targets = Tensor.fromStorage(targets, [n], 'int32');
  }

  get length(): number {
    return this.targets.shape[0];
  }

  get(i: number): [Tensor, Tensor] {
    checkIndex('MNIST', i, this.length);
    return [this.data.narrow(0, i, 1).squeeze(0), this.targets.narrow(0, i, 1).squeeze(0)];
  }

  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const idx = Tensor.fromStorage(indices, [indices.length], 'int32');
    return [this.data.indexSelect(0, idx), this.targets.indexSelect(0, idx)];
  }
}

/** The MNIST handwritten digits. */
export class MNIST extends IdxImageDataset {
  constructor(options: MNISTOptions) {
    super('MNIST', 'MNIST', options, 'Get the files from the MNIST distribution; kindling never downloads.');
  }
}

/** Zalando's Fashion-MNIST: 10 clothing classes in MNIST's format. */
export class FashionMNIST extends IdxImageDataset {
  static readonly classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  constructor(options: MNISTOptions) {
    super('FashionMNIST', 'FashionMNIST', options, `On Debian/Ubuntu: apt-get install dataset-fashion-mnist (installs them in ${DEBIAN_FASHION_MNIST}).`);
  }
}
