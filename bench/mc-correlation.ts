/**
 * Benchmark: Monte Carlo throughput of the correlation estimator (Theorem 1, no baseline) on a
 * 10-10-10 belief net with 10 inputs: per sample, 30 uniforms, a forward pass, the estimator
 * over all 330 parameters, and a Welford update of mean and variance (what `stochgrad estimate`
 * does). Compares with bench/mc_correlation_numpy.py (vectorised numpy, same work) when python3
 * with numpy is available. Times are CPU seconds, robust to other load on the machine.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { estimators } from "../src/estimators/registry.js";
import { sampleMoments } from "../src/estimators/sample.js";
import { randomSbn } from "../src/problems/reference.js";
import { Stream } from "../src/random/stream.js";

export function benchMc(n = 1_000_000): { samples: number; seconds: number; samplesPerSecond: number; params: number } {
  const p = randomSbn([10, 10, 10, 10], "bench/mc-10-10-10");
  const th = p.initialParams();
  const inst = estimators.correlation.create(p, th);
  sampleMoments(inst, th, 50_000, Stream.fromSeed("warmup"));
  const c0 = process.cpuUsage();
  sampleMoments(inst, th, n, Stream.fromSeed("bench"));
  const c = process.cpuUsage(c0);
  const s = (c.user + c.system) / 1e6;
  return { samples: n, seconds: s, samplesPerSecond: n / s, params: p.nParams };
}

/** Run the numpy peer; null when python3/numpy is unavailable. */
export function numpyPeer(n = 1_000_000): { samplesPerSecond: number; seconds: number } | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = path.resolve(here, "../../bench/mc_correlation_numpy.py");
  const r = spawnSync(process.env.PYTHON ?? "python3", [script, String(n)], { encoding: "utf8" });
  if (r.status !== 0) return null;
  const m = /samples_per_second=([0-9.e+]+) seconds=([0-9.e+]+)/.exec(r.stdout);
  return m ? { samplesPerSecond: Number(m[1]), seconds: Number(m[2]) } : null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const r = benchMc(n);
  console.log(`correlation MC, 10-10-10 belief net (${r.params} parameters): ${n} samples in ${r.seconds.toFixed(3)} s CPU = ${(r.samplesPerSecond / 1e6).toFixed(3)} M samples/s`);
  const peer = numpyPeer(n);
  if (peer) console.log(`numpy peer (vectorised, batches of 10000): ${(peer.samplesPerSecond / 1e6).toFixed(3)} M samples/s — ratio stochgrad/numpy = ${(r.samplesPerSecond / peer.samplesPerSecond).toFixed(2)}× (target ≥ 2×)`);
  else console.log("numpy peer: python3 with numpy not available — ratio not measured");
}
