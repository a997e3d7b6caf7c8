/**
 * ndarray at the library boundary (the `ndarray` and `ndarray-ops` packages, Mikola Lysenko's
 * scijs stack). ndarray is the shape-carrying array type a user passes in and gets back:
 *
 * - In: θ, batches and data sets may be a plain Float64Array or an ndarray of any dtype, shape
 *   order, stride and offset. `toVector` / `toMatrix` turn them into the raw row-major
 *   Float64Array the kernels loop over: zero-copy (a subarray of the same buffer) when the
 *   ndarray already is a C-contiguous Float64 view, one copy (ndarray-ops `assign`) otherwise.
 * - Out: `vectorView` / `matrixView` wrap a result's Float64Array as an ndarray with its shape,
 *   zero-copy, so writes through the view change the model and vice versa (RBM weights
 *   nVisible×nHidden, MNIST batches n×784, sampled configurations n×nUnits, gradients).
 *
 * Hot loops keep raw typed arrays: an ndarray `get(i, j)` per element costs a function call, and
 * ndarray-ops compiles its loops per array shape and stride. ndarray-ops serves element-wise work
 * outside the hot kernels (scaling, differences, copies of whole arrays).
 */
import ndarray from "ndarray";
import ops from "ndarray-ops";
import { InputError } from "./errors.js";

/** An ndarray over any numeric storage (shape, stride, offset). */
export type NdArray<D extends ndarray.Data<number> = ndarray.Data<number>> = ndarray.NdArray<D>;

/** A vector argument: a Float64Array, or an ndarray with one axis (or any shape, read in C order). */
export type VectorInput = Float64Array | NdArray;

/** A matrix argument of n rows: a row-major Float64Array (n given or implied), or a 2-D ndarray n×d. */
export type MatrixInput = Float64Array | NdArray;

/** True for an ndarray (duck-typed on data, shape, stride and offset, so any copy of the package works). */
export function isNdArray(x: unknown): x is NdArray {
  if (x === null || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  return Array.isArray(o.shape) && Array.isArray(o.stride) && typeof o.offset === "number" && o.data !== undefined;
}

/** True when a is a C-contiguous (row-major, unit last stride) ndarray over a Float64Array. */
function isContiguousFloat64(a: NdArray): a is NdArray<Float64Array> {
  if (!(a.data instanceof Float64Array)) return false;
  let s = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== s) return false;
    s *= a.shape[d];
  }
  return true;
}

/** Row-major Float64Array of an ndarray's entries: its own buffer when contiguous Float64, else a copy. */
function flatten(a: NdArray): Float64Array {
  const size = a.shape.reduce((p, n) => p * n, 1);
  if (isContiguousFloat64(a)) return a.data.subarray(a.offset, a.offset + size);
  const out = new Float64Array(size);
  ops.assign(ndarray(out, a.shape.slice()), a);
  return out;
}

/**
 * A vector as a Float64Array. Float64Array: itself. ndarray: zero-copy when C-contiguous Float64,
 * else a copy. Other array-likes (number[], Float32Array): a copy. With `length`, a wrong length is
 * an InputError naming `where`.
 */
export function toVector(x: VectorInput | ArrayLike<number>, where: string, length?: number): Float64Array {
  const v = x instanceof Float64Array ? x : isNdArray(x) ? flatten(x) : Float64Array.from(x as ArrayLike<number>);
  if (length !== undefined && v.length !== length) throw new InputError(`${where}: expected ${length} entries, got ${v.length}${isNdArray(x) ? ` (ndarray of shape [${x.shape.join(", ")}])` : ""}`);
  return v;
}

/**
 * Parameters θ as a Float64Array (as `toVector`, with the length checked when given) whose entries
 * are all finite: a NaN or ±∞ is an InputError naming the entry (`θ[3]: expected a finite number,
 * got NaN`). The library's entry points read θ through it once per call.
 */
export function toFiniteVector(x: VectorInput | ArrayLike<number>, where: string, length?: number): Float64Array {
  const v = toVector(x, where, length);
  requireFiniteEntries(v, where);
  return v;
}

/** Throws InputError naming `where[k]` at the first non-finite entry of v. */
export function requireFiniteEntries(v: ArrayLike<number>, where: string): void {
  for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) throw new InputError(`${where}[${k}]: expected a finite number, got ${v[k]}`);
}

/**
 * A matrix of `cols` columns as row-major Float64Array rows. Float64Array: itself, with `rows`
 * given or length/cols. 2-D ndarray n×cols: zero-copy when C-contiguous Float64, else a copy (a
 * transposed or strided view is gathered in row order). Shape mismatches are InputErrors naming `where`.
 */
export function toMatrix(x: MatrixInput, cols: number, where: string, rows?: number): { data: Float64Array; rows: number } {
  if (isNdArray(x)) {
    if (x.shape.length !== 2 || x.shape[1] !== cols) throw new InputError(`${where}: expected an ndarray of shape [n, ${cols}], got [${x.shape.join(", ")}]`);
    if (rows !== undefined && rows !== x.shape[0]) throw new InputError(`${where}: ${rows} rows requested but the ndarray has ${x.shape[0]}`);
    return { data: flatten(x), rows: x.shape[0] };
  }
  if (!(x instanceof Float64Array)) throw new InputError(`${where}: expected a Float64Array or an ndarray, got ${typeof x}`);
  const n = rows ?? x.length / cols;
  if (!Number.isInteger(n) || n * cols > x.length) throw new InputError(`${where}: expected ${rows ?? "n"}×${cols} values, got ${x.length}`);
  return { data: x, rows: n };
}

/** A zero-copy 1-D ndarray over data (length data.length). */
export function vectorView(data: Float64Array): NdArray<Float64Array> {
  return ndarray(data, [data.length]);
}

/** A zero-copy rows×cols row-major ndarray over data[offset … offset + rows·cols). */
export function matrixView(data: Float64Array, rows: number, cols: number, offset = 0): NdArray<Float64Array> {
  if (offset + rows * cols > data.length) throw new InputError(`matrix view: ${rows}×${cols} at offset ${offset} exceeds ${data.length} values`);
  return ndarray(data, [rows, cols], [cols, 1], offset);
}
