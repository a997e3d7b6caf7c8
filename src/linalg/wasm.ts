/**
 * The WebAssembly side of src/linalg: one compiled module (AssemblyScript sources in
 * ./assembly, built by `npm run build`) over one **shared** linear memory per process. The main
 * thread creates the memory; worker threads (src/parallel) receive it and instantiate the same
 * module over it, so a Float64Array allocated here is visible to every worker without a copy.
 *
 * Allocation: a `WasmArena` hands out typed-array views into the linear memory (zeroed, 64-byte
 * aligned) and releases them together. Blocks are reused first-fit with coalescing. Addresses
 * never affect a result (kernels read only the values), so reuse cannot change a number.
 *
 * Memory grows on demand up to 4 GiB (wasm32). Views made before a growth stay valid (a shared
 * memory never moves); `isWasmArray` recognises views of every generation of the buffer.
 */
import { KERNELS_WASM } from "./generated/kernels-wasm.js";

/** The raw exports of kernels.wasm: byte addresses (usize) and i32/f64 scalars. */
export interface KernelExports {
  rowSumsF64(idx: number, start: number, cnt: number, n: number, B: number, ldb: number, N: number, init: number, C: number, ldc: number): void;
  rowSumsF32(idx: number, start: number, cnt: number, n: number, B: number, ldb: number, N: number, init: number, C: number, ldc: number): void;
  rowUpdateF64(idxP: number, startP: number, cntP: number, BP: number, idxN: number, startN: number, cntN: number, BN: number, ldb: number, n: number, N: number, rho: number, alpha: number, decay: number, C: number, ldc: number, V: number, ldv: number, mu: number): void;
  rowUpdateF32(idxP: number, startP: number, cntP: number, BP: number, idxN: number, startN: number, cntN: number, BN: number, ldb: number, n: number, N: number, rho: number, alpha: number, decay: number, C: number, ldc: number, V: number, ldv: number, mu: number): void;
  rowIndexF64(A: number, lda: number, n: number, K: number, idx: number, start: number, cnt: number, compact: number): number;
  rowIndexF32(A: number, lda: number, n: number, K: number, idx: number, start: number, cnt: number, compact: number): number;
  columnIndexF64(A: number, lda: number, n: number, k0: number, k1: number, idx: number, start: number, cnt: number): number;
  columnIndexF32(A: number, lda: number, n: number, k0: number, k1: number, idx: number, start: number, cnt: number): number;
  sigmoidBernoulliF64(A: number, lda: number, n: number, N: number, U: number, ldu: number, P: number, ldp: number, S: number, lds: number): void;
  sigmoidBernoulliF32(A: number, lda: number, n: number, N: number, U: number, ldu: number, P: number, ldp: number, S: number, lds: number): void;
  sigmoidBernoulliIndexF64(A: number, lda: number, n: number, N: number, U: number, ldu: number, P: number, ldp: number, idx: number, start: number, cnt: number, beta: number, O: number): void;
  sigmoidBernoulliIndexF32(A: number, lda: number, n: number, N: number, U: number, ldu: number, P: number, ldp: number, idx: number, start: number, cnt: number, beta: number, O: number): void;
  bernoulliIndexF64(P: number, ldp: number, n: number, N: number, U: number, ldu: number, idx: number, start: number, cnt: number): void;
  bernoulliIndexF32(P: number, ldp: number, n: number, N: number, U: number, ldu: number, idx: number, start: number, cnt: number): void;
  transposeIndex(idx: number, start: number, cnt: number, n: number, k0: number, k1: number, colIdx: number, colStart: number, colCnt: number): void;
  softplusRowSumsF64(A: number, lda: number, n: number, N: number, out: number, beta: number): void;
  softplusRowSumsF32(A: number, lda: number, n: number, N: number, out: number, beta: number): void;
  logSumExpRowsF64(A: number, lda: number, n: number, N: number, out: number): void;
  logSumExpRowsF32(A: number, lda: number, n: number, N: number, out: number): void;
  mapF64(X: number, n: number, out: number, kind: number): void;
  mapF32(X: number, n: number, out: number, kind: number): void;
  gemmScratchElements(): number;
  gemmF64(transA: number, transB: number, M: number, N: number, K: number, alpha: number, A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number, scratch: number): void;
  gemmF32(transA: number, transB: number, M: number, N: number, K: number, alpha: number, A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number, scratch: number): void;
  transposeF64(A: number, lda: number, rows: number, cols: number, B: number, ldb: number): void;
  transposeF32(A: number, lda: number, rows: number, cols: number, B: number, ldb: number): void;
  columnSumsF64(A: number, lda: number, n: number, N: number, alpha: number, out: number): void;
  columnSumsF32(A: number, lda: number, n: number, N: number, alpha: number, out: number): void;
  xor4096Fill(st: number, out: number, n: number, kind: number): void;
  sbnCorrelationWorkBytes(dims: number, block: number): number;
  sbnCorrelationChunk(dims: number, a1: number, WT: number, bias: number, t: number, st: number, n: number, block: number, U: number, work: number, stats: number): void;
}

const PAGE = 65536;
const MAX_PAGES = 65536;
/** The first 64 KiB stay unused: address 0 means "no array" to the kernels. */
const HEAP_START = PAGE;
const ALIGN = 64;

let compiled: WebAssembly.Module | null = null;

/** The compiled module (once per thread; the bytes come from `npm run build`, see assembly/build.mjs). */
function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0)));
  return compiled;
}

/** One thread's view of the kernels: the module instantiated over the process-wide memory. */
export class WasmCore {
  readonly memory: WebAssembly.Memory;
  readonly k: KernelExports;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly allocator: Allocator | null;
  /** Per-thread scratch for the dense GEMM's packed panels (bytes, float64-sized). */
  private gemmScratchPtr = 0;

  private constructor(memory: WebAssembly.Memory, owner: boolean) {
    this.memory = memory;
    const inst = new WebAssembly.Instance(kernelModule(), { env: { memory } });
    this.k = inst.exports as unknown as KernelExports;
    this.buffers.add(memory.buffer);
    this.allocator = owner ? new Allocator(this) : null;
  }

  /** The main thread's core: creates the shared memory. */
  static create(): WasmCore {
    const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    return new WasmCore(memory, true);
  }

  /** A worker thread's core over the main thread's memory (it cannot allocate). */
  static attach(memory: WebAssembly.Memory): WasmCore {
    return new WasmCore(memory, false);
  }

  /** The current buffer (a SharedArrayBuffer; a new object after each growth). */
  get buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** Whether `a` is a view of this linear memory (any generation of its buffer). */
  isWasmArray(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer) || (a.buffer === this.memory.buffer && (this.buffers.add(a.buffer), true));
  }

  /** Grow the memory so that byte address `end` is inside it. */
  ensureBytes(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`linalg: ${(end / 2 ** 30).toFixed(2)} GiB exceeds the 4 GiB of WebAssembly memory`);
    this.memory.grow(pages);
    this.buffers.add(this.memory.buffer);
  }

  /** Bytes at a fresh 64-byte-aligned address (zeroed); main thread only. */
  allocBytes(bytes: number): number {
    if (!this.allocator) throw new Error("linalg: only the thread that created the memory allocates (pass arrays to workers)");
    return this.allocator.alloc(bytes);
  }

  /** Return a block from `allocBytes` to the free list. */
  freeBytes(ptr: number): void {
    this.allocator?.release(ptr);
  }

  /** A new arena: typed arrays in this memory, released together. */
  arena(): WasmArena {
    return new WasmArena(this);
  }

  /** Scratch for gemm in this thread (allocated once on the main thread; workers get theirs from the pool). */
  gemmScratch(): number {
    if (this.gemmScratchPtr === 0) this.gemmScratchPtr = this.allocBytes(this.k.gemmScratchElements() * 8);
    return this.gemmScratchPtr;
  }

  /** Set this thread's gemm scratch (workers: a block the main thread allocated for them). */
  setGemmScratch(ptr: number): void {
    this.gemmScratchPtr = ptr;
  }
}

/**
 * Typed arrays in the shared linear memory with one lifetime: every array of an arena stays
 * valid until `release()`, which returns all of them to the free list at once. There is no
 * automatic release (a subarray would outlive a collected parent); the object that owns an
 * arena (a trainer, one Monte Carlo call) releases it when done, in a `finally`.
 */
export class WasmArena {
  private blocks: number[] = [];
  constructor(readonly core: WasmCore) {}

  /** A Float64Array of n zeros. */
  f64(n: number): Float64Array {
    const p = this.take(n * 8); // (grows the memory first: the buffer must be read after)
    return new Float64Array(this.core.buffer, p, n);
  }

  /** A Float32Array of n zeros. */
  f32(n: number): Float32Array {
    const p = this.take(n * 4);
    return new Float32Array(this.core.buffer, p, n);
  }

  /** An Int32Array of n zeros. */
  i32(n: number): Int32Array {
    const p = this.take(n * 4);
    return new Int32Array(this.core.buffer, p, n);
  }

  /** Return every block of this arena (its arrays must not be used afterwards). */
  release(): void {
    for (const p of this.blocks) this.core.freeBytes(p);
    this.blocks = [];
  }

  private take(bytes: number): number {
    const p = this.core.allocBytes(bytes);
    this.blocks.push(p);
    return p;
  }
}

/** First-fit allocator over [HEAP_START, memory end), blocks of multiples of 64 bytes, coalescing on release. */
class Allocator {
  /** free blocks, sorted by address: [start, size] */
  private free: [number, number][] = [];
  private top = HEAP_START;
  private readonly sizes = new Map<number, number>();

  constructor(private readonly core: WasmCore) {}

  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const [s, sz] = this.free[i];
      if (sz < size) continue;
      if (sz === size) this.free.splice(i, 1);
      else this.free[i] = [s + size, sz - size];
      this.sizes.set(s, size);
      new Uint8Array(this.core.buffer, s, size).fill(0);
      return s;
    }
    const s = this.top;
    this.core.ensureBytes(s + size);
    this.top = s + size;
    this.sizes.set(s, size);
    return s;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`linalg: address ${ptr} is not an allocated block`);
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < ptr) i++;
    this.free.splice(i, 0, [ptr, size]);
    if (i + 1 < this.free.length && ptr + size === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === ptr) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
    }
  }
}

let mainCore: WasmCore | null = null;

/**
 * This thread's core. On the main thread (or any thread that has not attached one) the first
 * call creates the process-wide memory; worker threads of src/parallel attach the main thread's.
 */
export function wasmCore(): WasmCore {
  if (!mainCore) mainCore = WasmCore.create();
  return mainCore;
}

/** Worker threads: use the memory the pool sent instead of creating one. */
export function attachWasmCore(memory: WebAssembly.Memory): WasmCore {
  if (mainCore && mainCore.memory !== memory) throw new Error("linalg: this thread already has its own WebAssembly memory");
  mainCore = WasmCore.attach(memory);
  return mainCore;
}
