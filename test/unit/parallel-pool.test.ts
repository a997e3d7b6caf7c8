// The worker pool (src/parallel) with the chunked kernels (src/linalg/chunked.ts): the same bytes
// for 1, 2 and 8 workers, equal to the single-call kernels, reductions merged in chunk order,
// errors from any worker reported, and the pool reusable after an error.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { columnIndexByColumns, columnSumsPartials, gemmByColumns, rowIndexByRows, rowSumsByColumns, rowUpdateByRows, sigmoidBernoulliByRows, chunkCount } from "../../src/linalg/chunked.js";
import { binaryIndex, kernels } from "../../src/linalg/kernels.js";
import { wasmCore } from "../../src/linalg/wasm.js";
import { WorkerPool } from "../../src/parallel/pool.js";
import { Stream } from "../../src/random/stream.js";
import { testPools } from "./worker-pools.js";

const core = wasmCore();
const arena = core.arena();
const pool = testPools();
afterAll(() => arena.release());

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** An RBM-shaped problem in shared memory: V (n×K, 0/1), dense B (K×N), H (n×N). */
function problem(T: Float64ArrayConstructor | Float32ArrayConstructor, n: number, K: number, N: number, seed: string) {
  const s = Stream.fromSeed(seed);
  const f = (len: number) => (T === Float64Array ? arena.f64(len) : arena.f32(len));
  const V = f(n * K);
  for (let i = 0; i < V.length; i++) V[i] = +(s.uniform() < 0.2);
  const B = f(K * N);
  for (let i = 0; i < B.length; i++) B[i] = s.uniform() - 0.5;
  const H = f(n * N);
  for (let i = 0; i < H.length; i++) H[i] = s.uniform();
  const U = f(n * N);
  for (let i = 0; i < U.length; i++) U[i] = Math.floor(s.uniform() * 2 ** 24) * 2 ** -24;
  const init = f(N);
  for (let i = 0; i < N; i++) init[i] = s.uniform() - 0.5;
  return { V, B, H, U, init, f32: T === Float32Array ? 1 : 0, f };
}

describe("worker pool: byte-identical outputs for 1, 2 and 8 workers", () => {
  for (const T of [Float64Array, Float32Array]) {
    it(`RBM-shaped chunked products, index lists and draws (${T.name})`, () => {
      const n = 37;
      const K = 91;
      const N = 53;
      const p = problem(T, n, K, N, `pool/${T.name}`);
      const results: Uint8Array[][] = [];
      for (const workers of [1, 2, 8]) {
        const pl = pool(workers);
        const rix = binaryIndex(n, K, arena);
        pl.run(rowIndexByRows, { A: p.V.byteOffset, lda: K, n, K, idx: rix.idx.byteOffset, start: rix.start.byteOffset, cnt: rix.count.byteOffset, rows: 5, f32: p.f32 }, chunkCount(n, 5));
        const cix = binaryIndex(K, n, arena);
        pl.run(columnIndexByColumns, { A: p.V.byteOffset, lda: K, n, K, idx: cix.idx.byteOffset, start: cix.start.byteOffset, cnt: cix.count.byteOffset, width: 7, f32: p.f32 }, chunkCount(K, 7));
        const C = p.f(n * N);
        pl.run(rowSumsByColumns, { idx: rix.idx.byteOffset, start: rix.start.byteOffset, cnt: rix.count.byteOffset, n, B: p.B.byteOffset, ldb: N, N, init: p.init.byteOffset, C: C.byteOffset, ldc: N, width: 12, f32: p.f32 }, chunkCount(N, 12));
        const W = p.f(K * N);
        W.set(p.B);
        const Vel = p.f(K * N).fill(0.001);
        pl.run(rowUpdateByRows, { idxP: cix.idx.byteOffset, startP: cix.start.byteOffset, cntP: cix.count.byteOffset, BP: p.H.byteOffset, idxN: cix.idx.byteOffset, startN: cix.start.byteOffset, cntN: cix.count.byteOffset, BN: C.byteOffset, ldb: N, n: K, N, rho: 0.9, alpha: 0.01, decay: 1e-3, C: W.byteOffset, ldc: N, V: Vel.byteOffset, ldv: N, mu: 0.5, rows: 10, f32: p.f32 }, chunkCount(K, 10));
        const P = p.f(n * N);
        const S = p.f(n * N);
        pl.run(sigmoidBernoulliByRows, { A: C.byteOffset, lda: N, n, N, U: p.U.byteOffset, ldu: N, P: P.byteOffset, ldp: N, S: S.byteOffset, lds: N, rows: 4, f32: p.f32 }, chunkCount(n, 4));
        const G = p.f(K * N).fill(NaN);
        pl.run(gemmByColumns, { transA: 1, transB: 0, M: K, N, K: n, alpha: 0.5, A: p.V.byteOffset, lda: K, B: P.byteOffset, ldb: N, beta: 0, C: G.byteOffset, ldc: N, width: 16, f32: p.f32 }, chunkCount(N, 16));
        results.push([rix.idx, rix.count, cix.idx, cix.count, C, W, Vel, P, S, G].map(bytes));
        // the single-call kernels give the same bytes
        const C1 = new T(n * N);
        kernels.rowSums(rix, n, p.B, N, N, p.init, C1, N);
        expect(bytes(C1)).toEqual(bytes(C));
        const G1 = new T(K * N);
        kernels.gemm(true, false, K, N, n, 0.5, p.V, K, P, N, 0, G1, N);
        expect(bytes(G1)).toEqual(bytes(G));
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      // the worker threads, not the calling thread, computed the pooled runs
      expect(pool(2).chunksRun()[0]).toBe(0);
      expect(pool(2).chunksRun()[1]).toBeGreaterThan(0);
      expect(pool(8).chunksRun()[0]).toBe(0);
    });
  }

  it("static and dynamic jobs back to back: every chunk of every job runs exactly once (in-place updates give the in-process bytes)", () => {
    // rowUpdateByRows adds to W and its velocity in place, so a chunk run twice (or skipped) by a
    // late worker changes the bytes; dynamic jobs of other chunk counts sit between the static ones
    const n = 23;
    const K = 61;
    const N = 19;
    const p = problem(Float64Array, n, K, N, "pool/static");
    const cix = binaryIndex(K, n, arena);
    pool(1).run(columnIndexByColumns, { A: p.V.byteOffset, lda: K, n, K, idx: cix.idx.byteOffset, start: cix.start.byteOffset, cnt: cix.count.byteOffset, width: 7, f32: 0 }, chunkCount(K, 7));
    const out: Uint8Array[][] = [];
    for (const workers of [1, 2, 8]) {
      const pl = pool(workers);
      const W = p.f(K * N);
      W.set(p.B);
      const Vel = p.f(K * N).fill(0.001);
      const partials = p.f(chunkCount(K, 3) * N);
      const args = { idxP: cix.idx.byteOffset, startP: cix.start.byteOffset, cntP: cix.count.byteOffset, BP: p.H.byteOffset, idxN: cix.idx.byteOffset, startN: cix.start.byteOffset, cntN: cix.count.byteOffset, BN: p.U.byteOffset, ldb: N, n: K, N, rho: 0.9, alpha: 0.01, decay: 1e-3, C: W.byteOffset, ldc: N, V: Vel.byteOffset, ldv: N, mu: 0.5, rows: 2, f32: 0 };
      for (let r = 0; r < 200; r++) {
        pl.run(rowUpdateByRows, args, chunkCount(K, 2), "static");
        if (r % 3 === 0) pl.run(columnSumsPartials, { A: W.byteOffset, lda: N, n: K, N, out: partials.byteOffset, rows: 3, f32: 0 }, chunkCount(K, 3));
      }
      out.push([W, Vel, partials].map(bytes));
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[2]).toEqual(out[0]);
    expect(pool(2).chunksRun()[0]).toBe(0); // static blocks over the worker threads only when the caller takes none
  });

  it("a reduction over row chunks, merged in chunk order, is the same for every pool (and differs from another order)", () => {
    const n = 1000;
    const N = 29;
    const s = Stream.fromSeed("pool/reduce");
    const A = arena.f64(n * N);
    for (let i = 0; i < A.length; i++) A[i] = (s.uniform() - 0.5) * 10 ** (6 * s.uniform());
    const rows = 64;
    const chunks = chunkCount(n, rows);
    const sums: Float64Array[] = [];
    let reversed = new Float64Array(N);
    for (const workers of [1, 2, 8]) {
      const partials = arena.f64(chunks * N);
      pool(workers).run(columnSumsPartials, { A: A.byteOffset, lda: N, n, N, out: partials.byteOffset, rows, f32: 0 }, chunks);
      const total = new Float64Array(N);
      for (let c = 0; c < chunks; c++) for (let j = 0; j < N; j++) total[j] += partials[c * N + j];
      sums.push(total);
      reversed = new Float64Array(N);
      for (let c = chunks - 1; c >= 0; c--) for (let j = 0; j < N; j++) reversed[j] += partials[c * N + j];
    }
    expect(bytes(sums[1])).toEqual(bytes(sums[0]));
    expect(bytes(sums[2])).toEqual(bytes(sums[0]));
    // negative control: merging the same partials in another order changes the bytes
    expect(bytes(reversed)).not.toEqual(bytes(sums[0]));
  });
});

describe("worker pool from the compiled library", () => {
  it("dist/ spawns its workers from dist/ and gives the in-process bytes", () => {
    const script = `
      import { WorkerPool } from "./dist/src/parallel/pool.js";
      import { columnSumsPartials } from "./dist/src/linalg/chunked.js";
      import { wasmCore } from "./dist/src/linalg/wasm.js";
      const arena = wasmCore().arena();
      const A = arena.f64(4000);
      for (let i = 0; i < A.length; i++) A[i] = Math.sin(i) * 1e3;
      const out = [];
      for (const workers of [1, 2]) {
        const pool = new WorkerPool({ workers, callerRuns: workers === 1 });
        const P = arena.f64(10 * 40);
        pool.run(columnSumsPartials, { A: A.byteOffset, lda: 40, n: 100, N: 40, out: P.byteOffset, rows: 10, f32: 0 }, 10);
        out.push(Buffer.from(P.buffer, P.byteOffset, P.byteLength).toString("base64"), pool.chunksRun().join(","));
        pool.close();
      }
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: path.resolve(import.meta.dirname, "../.."), encoding: "utf8" });
    expect(r.stderr).toBe("");
    const [one, c1, two, c2] = JSON.parse(r.stdout) as string[];
    expect(two).toBe(one);
    expect(c1).toBe("10");
    expect(c2).toBe("0,10");
  });
});

describe("worker pool: errors and lifecycle", () => {
  it("an error in any chunk is reported with the task and chunk; the pool keeps working", () => {
    const n = 40;
    const K = 9;
    const A = arena.f64(n * K);
    A[31 * K + 4] = 0.5; // one non-binary entry, in rows 30…34 (chunk 6)
    const ix = binaryIndex(n, K, arena);
    for (const workers of [1, 2]) {
      const args = { A: A.byteOffset, lda: K, n, K, idx: ix.idx.byteOffset, start: ix.start.byteOffset, cnt: ix.count.byteOffset, rows: 5, f32: 0 };
      expect(() => pool(workers).run(rowIndexByRows, args, chunkCount(n, 5))).toThrow(/rowIndexByRows chunk 6 \(worker \d\): rows 30…34: 1 entries are neither 0 nor 1/);
      A[31 * K + 4] = 1;
      pool(workers).run(rowIndexByRows, args, chunkCount(n, 5));
      expect(ix.count[31]).toBe(1);
      A[31 * K + 4] = 0.5;
    }
  });

  it("rejects bad arguments and use after close", () => {
    const p = new WorkerPool({ workers: 1 });
    expect(() => new WorkerPool({ workers: 0 })).toThrow(/workers/);
    expect(() => p.run(rowIndexByRows, { A: 0 } as never, 1)).toThrow(/argument lda is not a number/);
    p.close();
    expect(() => p.run(columnSumsPartials, { A: 0, lda: 1, n: 0, N: 0, out: 0, rows: 1, f32: 0 }, 1)).toThrow(/closed/);
  });
});
