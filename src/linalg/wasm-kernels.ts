/**
 * The compute-core contract (kernels.ts) on the WebAssembly SIMD kernels (./assembly). Arrays
 * that live in the shared linear memory (from a `WasmArena`) are passed by address; any other
 * typed array is copied into a temporary block and, if the kernel writes it, copied back, so every
 * typed array works and arena arrays cost nothing extra. The array type picks the float64 or
 * float32 kernel; mixing types in one call is a TypeError.
 */
import type { BinaryIndex, FloatArray, Kernels } from "./contract.js";
import { wasmCore, type KernelExports, type WasmCore } from "./wasm.js";

type Typed = Float64Array | Float32Array | Int32Array;

/** Addresses for one kernel call: in-memory arrays by address, others through temporaries. */
class Marshal {
  private temps: { ptr: number; src: Typed; view: Typed; back: boolean }[] = [];
  constructor(readonly core: WasmCore) {}

  private addr(a: Typed | null, back: boolean): number {
    if (a === null) return 0;
    if (this.core.isWasmArray(a)) return a.byteOffset;
    const ptr = this.core.allocBytes(Math.max(1, a.byteLength));
    const Ctor = a.constructor as new (b: ArrayBufferLike, o: number, n: number) => Typed;
    const view = new Ctor(this.core.buffer, ptr, a.length);
    view.set(a as never);
    this.temps.push({ ptr, src: a, view, back });
    return ptr;
  }

  /** An array the kernel only reads. */
  in(a: Typed | null): number {
    return this.addr(a, false);
  }

  /** An array the kernel writes (or reads and writes). */
  out(a: Typed | null): number {
    return this.addr(a, true);
  }

  /** Copy written temporaries back and free them. */
  done(): void {
    for (const t of this.temps) {
      if (t.back) t.src.set(t.view as never);
      this.core.freeBytes(t.ptr);
    }
    this.temps = [];
  }
}

function f64(ref: FloatArray, ...others: (FloatArray | null)[]): boolean {
  const is64 = ref instanceof Float64Array;
  for (const o of others) if (o && o instanceof Float64Array !== is64) throw new TypeError("linalg: one call mixes Float64Array and Float32Array");
  return is64;
}

/** Run `body` with a marshal over this thread's core; copies back and frees temporaries after. */
function call<R>(body: (m: Marshal, k: KernelExports) => R): R {
  const core = wasmCore();
  const m = new Marshal(core);
  try {
    return body(m, core.k);
  } finally {
    m.done();
  }
}

function indexIn(m: Marshal, ix: BinaryIndex): [number, number, number] {
  return [m.in(ix.idx), m.in(ix.start), m.in(ix.count)];
}

export const wasmKernels: Kernels = {
  rowIndex(A, lda, n, K, index, compact) {
    return call((m, k) => {
      const args = [m.in(A), lda, n, K, m.out(index.idx), m.out(index.start), m.out(index.count), compact ? 1 : 0] as const;
      return A instanceof Float64Array ? k.rowIndexF64(...args) : k.rowIndexF32(...args);
    });
  },

  columnIndex(A, lda, n, k0, k1, index) {
    return call((m, k) => {
      const args = [m.in(A), lda, n, k0, k1, m.out(index.idx), m.in(index.start), m.out(index.count)] as const;
      return A instanceof Float64Array ? k.columnIndexF64(...args) : k.columnIndexF32(...args);
    });
  },

  transposeIndex(rows, n, k0, k1, cols) {
    call((m, k) => {
      const [i, s, c] = indexIn(m, rows);
      k.transposeIndex(i, s, c, n, k0, k1, m.out(cols.idx), m.in(cols.start), m.out(cols.count));
    });
  },

  rowSums(index, n, B, ldb, N, init, C, ldc) {
    const d = f64(B, init, C);
    call((m, k) => {
      const [i, s, c] = indexIn(m, index);
      const args = [i, s, c, n, m.in(B), ldb, N, m.in(init), m.out(C), ldc] as const;
      if (d) k.rowSumsF64(...args);
      else k.rowSumsF32(...args);
    });
  },

  rowUpdate(pos, BP, neg, BN, ldb, n, N, rho, alpha, decay, C, ldc, V, ldv, mu) {
    const d = f64(C, BP, BN, V);
    call((m, k) => {
      const [pi, ps, pc] = indexIn(m, pos);
      const [ni, ns, nc] = indexIn(m, neg);
      const args = [pi, ps, pc, m.in(BP), ni, ns, nc, m.in(BN), ldb, n, N, rho, alpha, decay, m.out(C), ldc, m.out(V), ldv, mu] as const;
      if (d) k.rowUpdateF64(...args);
      else k.rowUpdateF32(...args);
    });
  },

  sigmoidBernoulli(A, lda, n, N, U, ldu, P, ldp, S, lds) {
    const d = f64(A, U, P, S);
    if (S && !U) throw new TypeError("sigmoidBernoulli: draws S need uniforms U");
    call((m, k) => {
      // P may alias A: pass the same address (the kernel reads a lane before writing it)
      const a = P === A ? m.out(A) : m.in(A);
      const args = [a, lda, n, N, m.in(U), ldu, P === A ? a : m.out(P), ldp, m.out(S), lds] as const;
      if (d) k.sigmoidBernoulliF64(...args);
      else k.sigmoidBernoulliF32(...args);
    });
  },

  sigmoidBernoulliIndex(A, lda, n, N, U, ldu, P, ldp, draws, beta = 1, offset = null) {
    const d = f64(A, U, P, offset);
    call((m, k) => {
      const a = P === A ? m.out(A) : m.in(A);
      const args = [a, lda, n, N, m.in(U), ldu, P === A ? a : m.out(P), ldp, m.out(draws.idx), m.in(draws.start), m.out(draws.count), beta, m.in(offset)] as const;
      if (d) k.sigmoidBernoulliIndexF64(...args);
      else k.sigmoidBernoulliIndexF32(...args);
    });
  },

  bernoulliIndex(P, ldp, n, N, U, ldu, draws) {
    const d = f64(P, U);
    call((m, k) => (d ? k.bernoulliIndexF64 : k.bernoulliIndexF32)(m.in(P), ldp, n, N, m.in(U), ldu, m.out(draws.idx), m.in(draws.start), m.out(draws.count)));
  },

  softplusRowSums(A, lda, n, N, out, beta = 1) {
    const d = f64(A, out);
    call((m, k) => (d ? k.softplusRowSumsF64 : k.softplusRowSumsF32)(m.in(A), lda, n, N, m.out(out), beta));
  },

  logSumExpRows(A, lda, n, N, out) {
    const d = f64(A, out);
    call((m, k) => (d ? k.logSumExpRowsF64 : k.logSumExpRowsF32)(m.in(A), lda, n, N, m.out(out)));
  },

  gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
    const d = f64(C, A, B);
    call((m, k) => {
      const scratch = wasmCore().gemmScratch();
      (d ? k.gemmF64 : k.gemmF32)(+transA, +transB, M, N, K, alpha, m.in(A), lda, m.in(B), ldb, beta, m.out(C), ldc, scratch);
    });
  },

  transpose(A, lda, rows, cols, B, ldb) {
    const d = f64(A, B);
    call((m, k) => (d ? k.transposeF64 : k.transposeF32)(m.in(A), lda, rows, cols, m.out(B), ldb));
  },

  columnSums(A, lda, n, N, alpha, out) {
    const d = f64(A, out);
    call((m, k) => (d ? k.columnSumsF64 : k.columnSumsF32)(m.in(A), lda, n, N, alpha, m.out(out)));
  },

  uniforms(state, out, n) {
    if (state.length < 130) throw new RangeError("uniforms: state needs 130 int32 (X[128], i, w)");
    call((m, k) => k.xor4096Fill(m.out(state), m.out(out), n, out instanceof Float64Array ? 0 : 1));
  },

  exp(X, n, out) {
    const d = f64(X, out);
    call((m, k) => (d ? k.mapF64 : k.mapF32)(m.in(X), n, m.out(out), 0));
  },

  log(X, n, out) {
    const d = f64(X, out);
    call((m, k) => (d ? k.mapF64 : k.mapF32)(m.in(X), n, m.out(out), 1));
  },
};
