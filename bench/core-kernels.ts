/**
 * Benchmark: the WebAssembly kernels of src/linalg on one core, beside pip numpy's OpenBLAS on the
 * same shapes in the same run (bench/gemm_numpy.py, its kernel printed, 1 and 2 BLAS threads).
 *   - dense GEMM on the RBM's three products (batch 100, 784 visible, 500 hidden), float64/float32,
 *     GFLOP/s = 2·M·N·K / s;
 *   - the 0/1 × dense row additions on the same shapes at 19 % ones (thresholded MNIST) and 50 %,
 *     as "dense-equivalent" GFLOP/s (2·M·N·K / s: the rate a dense GEMM would need to match);
 *   - fused σ → Bernoulli draws and the xor4096 uniform fill, in elements/s.
 * Wall clock, best of 7 blocks. Usage: node dist/bench/core-kernels.js
 */
import os from "node:os";
import { binaryIndex, kernels, type FloatArray } from "../src/linalg/kernels.js";
import { wasmCore } from "../src/linalg/wasm.js";
import { Stream } from "../src/random/stream.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";

const B = 100;
const NV = 784;
const NH = 500;

function best(f: () => void, reps: number): number {
  f();
  let t = Infinity;
  for (let b = 0; b < 7; b++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) f();
    t = Math.min(t, (performance.now() - t0) / 1000 / reps);
  }
  return t;
}

const arena = wasmCore().arena();
const s = Stream.fromSeed("bench/core-kernels");
const fill = (a: FloatArray, density?: number) => {
  for (let i = 0; i < a.length; i++) a[i] = density === undefined ? s.uniform() - 0.5 : +(s.uniform() < density);
  return a;
};

console.log(`load: ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (1/5/15 min), ${os.cpus().length} cores`);
const mine: Record<string, number> = {};
for (const [name, alloc] of [
  ["float64", (n: number) => arena.f64(n)],
  ["float32", (n: number) => arena.f32(n)],
] as const) {
  const V = fill(alloc(B * NV));
  const H = fill(alloc(B * NH));
  const W = fill(alloc(NV * NH));
  const hOut = alloc(B * NH);
  const vOut = alloc(B * NV);
  const G = alloc(NV * NH);
  const shapes: [string, () => void, number][] = [
    ["V·W", () => kernels.gemm(false, false, B, NH, NV, 1, V, NV, W, NH, 0, hOut, NH), B * NH * NV],
    ["H·Wᵀ", () => kernels.gemm(false, true, B, NV, NH, 1, H, NH, W, NH, 0, vOut, NV), B * NV * NH],
    ["Vᵀ·H", () => kernels.gemm(true, false, NV, NH, B, 1, V, NV, H, NH, 0, G, NH), NV * NH * B],
  ];
  for (const [shape, f, mnk] of shapes) {
    const g = (2 * mnk) / best(f, 10) / 1e9;
    mine[`gemm/${shape}/${name}`] = g;
    console.log(`WASM GEMM ${name} ${shape.padEnd(5)} ${g.toFixed(1).padStart(6)} GFLOP/s (1 core)`);
  }
  for (const density of [0.19, 0.5]) {
    const Vb = fill(alloc(B * NV), density);
    const Hb = fill(alloc(B * NH), density);
    const vRows = binaryIndex(B, NV + 1, arena);
    const hRows = binaryIndex(B, NH + 1, arena);
    const vCols = binaryIndex(NV, B, arena);
    kernels.rowIndex(Vb, NV, B, NV, vRows, false);
    kernels.rowIndex(Hb, NH, B, NH, hRows, false);
    kernels.columnIndex(Vb, NV, B, 0, NV, vCols);
    const Wt = fill(alloc(NH * NV));
    const rows: [string, () => void, number][] = [
      ["V·W", () => kernels.rowSums(vRows, B, W, NH, NH, null, hOut, NH), B * NH * NV],
      ["H·Wᵀ", () => kernels.rowSums(hRows, B, Wt, NV, NV, null, vOut, NV), B * NV * NH],
      ["Vᵀ·H", () => kernels.rowSums(vCols, NV, H, NH, NH, null, G, NH), NV * NH * B],
    ];
    for (const [shape, f, mnk] of rows) {
      const t = best(f, 10);
      console.log(`WASM 0/1 rows ${name} ${shape.padEnd(5)} ${(density * 100).toFixed(0)}% ones: ${((2 * mnk) / t / 1e9).toFixed(1).padStart(6)} dense-equivalent GFLOP/s, ${((density * mnk) / t / 1e9).toFixed(2)} G row-adds/s (1 core)`);
    }
  }
  const U = fill(alloc(B * NV), 0.5);
  const L = fill(alloc(B * NV));
  const S = alloc(B * NV);
  const t = best(() => kernels.sigmoidBernoulli(L, NV, B, NV, U, NV, null, 0, S, NV), 20);
  console.log(`WASM σ → Bernoulli ${name}: ${((B * NV) / t / 1e6).toFixed(0)} M elements/s`);
  const state = new Int32Array(130);
  const st = Stream.fromSeed("bench/uniforms").toJSON().state;
  state.set(st.X);
  state[128] = st.i;
  state[129] = st.w;
  const stateW = arena.i32(130);
  stateW.set(state);
  const tu = best(() => kernels.uniforms(stateW, U, U.length), 20);
  console.log(`WASM xor4096 uniforms ${name}: ${(U.length / tu / 1e6).toFixed(0)} M/s`);
}
const js = new Float64Array(B * NV);
const stream = Stream.fromSeed("bench/js-uniforms");
const tj = best(() => stream.uniforms(js), 20);
console.log(`JS Stream.uniforms (seedrandom xor4096): ${(js.length / tj / 1e6).toFixed(0)} M/s`);

const peer = runPeer("gemm_numpy.py", ["1,2"]);
if (peer) {
  printBlas("numpy GEMM peer", peer);
  for (const r of peer.records) {
    const key = `gemm/${String(r.shape)}/${String(r.dtype)}`;
    const g = Number(r.gflops);
    const ours = mine[key];
    console.log(`numpy ${String(r.dtype)} ${String(r.shape).padEnd(5)} ${String(r.threads)} thread(s): ${g.toFixed(1).padStart(6)} GFLOP/s — WASM GEMM (1 core) / numpy = ${(ours / g).toFixed(3)}`);
  }
}
arena.release();
