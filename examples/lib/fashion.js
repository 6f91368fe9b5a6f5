// Fashion-MNIST for the examples: the training and test sets from a folder of IDX files
// (Debian's dataset-fashion-mnist by default), or, when they are missing, how to get them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as kd from 'kindling';

/** { train, test } from dir, or null after printing how to install or point to the files. */
export function loadFashionMNIST(dir, example) {
  const present = ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz'].some((f) => existsSync(join(dir, f)));
  if (!present) {
    console.log(`No Fashion-MNIST files in ${dir}.`);
    console.log('Install them with:  sudo apt-get install dataset-fashion-mnist   (Debian/Ubuntu)');
    console.log('or pass a folder holding train-/t10k-images-idx3-ubyte and -labels-idx1-ubyte (.gz or raw):');
    console.log(`  npm run example:${example} -- --data /path/to/folder`);
    return null;
  }
  return { train: new kd.data.FashionMNIST({ root: dir, train: true }), test: new kd.data.FashionMNIST({ root: dir, train: false }) };
}
