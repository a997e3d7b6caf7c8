/**
 * Benchmark: units with injected noise and the learned predictor.
 *  1. Monte Carlo throughput of the pathwise gradient on a 10-10-10 noisy-rectifier net with 10
 *     inputs (30 uniforms → z = s·Φ⁻¹(u), forward, back-propagation over 330 parameters, Welford).
 *  2. Exact references by nested adaptive quadrature: single noisy rectifier, and a 1→1 net.
 *  3. Learned-predictor fit (features + normal equations) on the 2→3→2 belief net.
 * No Python peer is wired for these (numpy has no equivalent of the quadrature engine; scipy's
 * quad would be the peer for 2 but is not installed here). Times are CPU seconds.
 */
import { estimators } from "../src/estimators/registry.js";
import { fitLearnedPredictor } from "../src/estimators/learned-predictor.js";
import { sampleMoments } from "../src/estimators/sample.js";
import { exactAnalysis } from "../src/exact/moments.js";
import { NoisyRectifier } from "../src/neurons/index.js";
import { SquaredLoss } from "../src/problems/loss.js";
import { NoisyNet, noisySingle } from "../src/problems/noisy-net.js";
import { problemFromJSON } from "../src/problems/json.js";
import { Stream } from "../src/random/stream.js";

function cpu<T>(f: () => T): { value: T; seconds: number } {
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, seconds: (c.user + c.system) / 1e6 };
}

function randomLayers(widths: number[], stream: Stream) {
  const layers = [];
  for (let l = 1; l < widths.length; l++) {
    const weights = Array.from({ length: widths[l] }, () => Array.from({ length: widths[l - 1] }, () => 0.5 * stream.normal()));
    layers.push({ unit: new NoisyRectifier(0.5), weights, bias: Array.from({ length: widths[l] }, () => 0.1 * stream.normal()) });
  }
  return layers;
}

const n = Number(process.argv[2] ?? 200_000);
const st = Stream.fromSeed("bench/noisy");
const net = new NoisyNet(Array.from({ length: 10 }, (_, j) => (j % 2 ? 1 : -0.5)), randomLayers([10, 10, 10, 10], st), new SquaredLoss(new Array(10).fill(0.3)));
const th = net.initialParams();
const inst = estimators.pathwise.create(net, th);
sampleMoments(inst, th, 20_000, Stream.fromSeed("warmup"));
const mc = cpu(() => sampleMoments(inst, th, n, Stream.fromSeed("bench")));
console.log(`pathwise MC, 10-10-10 noisy-rectifier net (${net.nParams} parameters): ${n} samples in ${mc.seconds.toFixed(3)} s CPU = ${(n / mc.seconds / 1e6).toFixed(3)} M samples/s`);

const single = noisySingle(new NoisyRectifier(0.7), 0.3, new SquaredLoss([0.45]));
const pw = estimators.pathwise.create(single, single.initialParams());
const reps = 200;
const q1 = cpu(() => {
  let s = 0;
  for (let r = 0; r < reps; r++) s += exactAnalysis(single, single.initialParams(), { g: { noise: "custom", instance: pw } }).gradient[0];
  return s;
});
console.log(`quadrature, single noisy rectifier (E[L], ∇E[L], pathwise mean and variance to ~1e-12): ${((q1.seconds / reps) * 1e3).toFixed(2)} ms per analysis`);

const two = problemFromJSON({ kind: "noisy-net", input: [1, -0.5], layers: [{ unit: { type: "noisy-rectifier", s: 0.6 }, weights: [[0.8, 0.3]], bias: [-0.2] }, { unit: { type: "noisy-rectifier", s: 0.5 }, weights: [[1.1]], bias: [0.1] }], loss: { kind: "squared", target: [0.8] } });
const q2 = cpu(() => exactAnalysis(two, two.initialParams()));
console.log(`nested quadrature, 1→1 noisy-rectifier net: ${q2.value.states} leaf evaluations in ${(q2.seconds * 1e3).toFixed(0)} ms`);

const sbn = problemFromJSON({ kind: "sbn", input: [1, 0.5], layers: [{ weights: [[0.5, -0.3], [0.2, 0.8], [-0.4, 0.1]], bias: [0.1, -0.2, 0.3] }, { weights: [[0.7, -0.5, 0.4], [-0.6, 0.3, 0.9]], bias: [0.2, -0.1] }], loss: { kind: "squared", target: [0.9, 0.1] } });
const nf = 200_000;
const fit = cpu(() => fitLearnedPredictor(sbn, sbn.initialParams(), nf, Stream.fromSeed("bench/fit")));
console.log(`learned-predictor fit, 2→3→2 belief net (${sbn.nParams} parameters × 4 features): ${nf} draws in ${fit.seconds.toFixed(3)} s CPU = ${(nf / fit.seconds / 1e6).toFixed(3)} M draws/s`);
