/**
 * Feasibility benchmark (issue 11, phase A): Monte Carlo mean and variance of all 330 coordinates
 * of the correlation estimator on the 10-10-10 belief net with 10 inputs, by batched sufficient
 * statistics in WebAssembly (bench/lib/mc-sbn.ts) with 1 and 2 workers, against — in the same
 * run — today's per-sample `sampleMoments` and the numpy peer (bench/mc_sbn_numpy.py: Cᵀ·P
 * matrix products, 1 and 2 BLAS threads, its kernel printed; the faster is the headline).
 * The prototype draws the very samples `sampleMoments` draws; the printed agreement checks it.
 * Wall clock. Usage: node dist/bench/core-mc.js [samples=4000000] [--no-peers]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { estimators } from "../src/estimators/registry.js";
import { sampleMoments } from "../src/estimators/sample.js";
import { WorkerPool } from "../src/parallel/pool.js";
import { randomSbn } from "../src/problems/reference.js";
import { Stream } from "../src/random/stream.js";
import { correlationMoments } from "./lib/mc-sbn.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";

const argv = process.argv.slice(2);
const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 4_000_000);
const net = randomSbn([10, 10, 10, 10], "bench/mc-10-10-10");
const theta = net.initialParams();
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`load before: ${load()} (1/5/15 min); ${n} samples, ${net.nParams} coordinates`);

const rate: Record<string, number> = {};
const means: Float64Array[] = [];
for (const workers of [1, 2]) {
  const pool = new WorkerPool({ workers });
  correlationMoments(net, theta, 200_000, Stream.fromSeed("warm-up"), pool);
  const t0 = performance.now();
  const r = correlationMoments(net, theta, n, Stream.fromSeed("bench"), pool);
  const s = (performance.now() - t0) / 1000;
  rate[`wasm/${workers}`] = n / s;
  means.push(r.mean);
  console.log(`WASM batched correlation MC, ${workers} worker(s): ${(n / s / 1e6).toFixed(2)} M samples/s (${s.toFixed(3)} s)`);
  pool.close();
}
console.log(`  scaling 1 → 2 workers: ${(rate["wasm/2"] / rate["wasm/1"]).toFixed(2)}× (target ≥ 1.8×); means identical for 1 and 2 workers: ${means[0].every((x, i) => Object.is(x, means[1][i])) ? "yes" : "NO"}`);

const m = Math.min(n, 1_000_000);
const inst = estimators.correlation.create(net, theta, {});
sampleMoments(inst, theta, 50_000, Stream.fromSeed("warm-up"));
const t0 = performance.now();
const ref = sampleMoments(inst, theta, m, Stream.fromSeed("bench"));
const ts = (performance.now() - t0) / 1000;
console.log(`today's per-sample sampleMoments (1 thread, JS): ${(m / ts / 1e6).toFixed(3)} M samples/s`);
if (m === n) {
  let worst = 0;
  for (let k = 0; k < net.nParams; k++) worst = Math.max(worst, Math.abs(means[0][k] - ref.mean[k]) / Math.sqrt(ref.variance[k] / n + 1e-300));
  console.log(`  same samples as sampleMoments: max |Δmean| = ${worst.toExponential(2)} standard errors`);
}

if (!argv.includes("--no-peers")) {
  const file = path.join(os.tmpdir(), `stochgrad-core-mc-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(net.toJSON()));
  try {
    const peer = runPeer("mc_sbn_numpy.py", [file, "correlation", String(n)]);
    if (peer) {
      printBlas("numpy peer", peer);
      let best = 0;
      for (const r of pick(peer, { estimator: "correlation" })) {
        const sps = Number(r.samples_per_second);
        best = Math.max(best, sps);
        console.log(`numpy peer (Cᵀ·P sufficient statistics), ${String(r.threads)} BLAS thread(s): ${(sps / 1e6).toFixed(2)} M samples/s`);
      }
      console.log(`ratio WASM (2 workers) / best numpy = ${(rate["wasm/2"] / best).toFixed(2)}×, WASM (1 worker) / best numpy = ${(rate["wasm/1"] / best).toFixed(2)}× (target ≥ 2×)`);
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
}
console.log(`load after: ${load()}`);
