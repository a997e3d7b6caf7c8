// The sample-batched paths (`accumulate`) against their definition, the per-sample `estimate`
// added to shifted sums draw by draw (ShiftedSums.add), on the same noise.
//
// The bound. Both sides sum the same B terms (ĝₛ − K) and their squares, in different orders (the
// batched path sums per active parent, then adds the inactive samples' −K in one product), and
// their terms differ by the rounding of the coefficients: the kernels' σ and σ(−a) are within
// BOUNDS.sigmoid (8u) + 1 ulp of the per-sample path's, and a coefficient multiplies at most three
// such factors with its own roundings, so each term is within ε = 32u of the other side's,
// relative to its magnitude |ĝ|ₛ: |ĝₛ| itself, or, where ĝ is a sum whose terms may cancel, the
// sum of their magnitudes (RLOO: Σₖ |cₖ·scoreₖ|; straight-through: the backward pass with |W|,
// |∂h/∂a| and |∂L/∂h|). With γ = (B+2)u/(1 − (B+2)u) for each of the two summation orders:
//   |ΔS| ≤ ε·Σₛ(|ĝ|ₛ + |K|) + 2γ·Σₛ|ĝₛ − K|,    |ΔQ| ≤ 2ε·Σₛ(|ĝ|ₛ + |K|)² + 2γ·Σₛ(ĝₛ − K)²,
//   |ΔK| ≤ ε·|ĝ|₀,
// per coordinate (u = 2⁻⁵³). The pathwise estimators add the very same terms in the same order:
// bit for bit. A perturbed estimator (baseline off by 1e-9) must break the bound.
import { describe, expect, it } from "vitest";
import { estimators, type EstimatorId } from "../../src/estimators/registry.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorInstance, EstimatorOptions } from "../../src/estimators/types.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { randomSbn, referenceNet, referenceNetTable, singleUnit, singleUnitTable } from "../../src/problems/reference.js";
import { unitResidual, type BinaryProblem } from "../../src/problems/types.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { Stream } from "../../src/random/stream.js";
import { ShiftedSums } from "../../src/stats/accumulator.js";
import { InputError } from "../../src/errors.js";

const u = 2 ** -53;
const EPS = 32 * u;

const nets: [string, BinaryProblem][] = [
  ["4-4-4 net, squared loss", referenceNet()],
  ["4-4-4 net, table loss", referenceNetTable()],
  ["3→5→3→1 net (odd widths)", randomSbn([3, 5, 3, 1], "batched/odd")],
  ["5-layer net, large weights", randomSbn([2, 3, 3, 3, 3, 2], "batched/deep", 3)],
  ["one unit", singleUnit(0.3, 0.45)],
];

const batched: [EstimatorId, EstimatorOptions][] = [
  ["correlation", {}],
  ["correlation-constant", { baseline: 0.7 }],
  ["correlation-optimal", {}],
  ["correlation-ma", { decay: 0.9, initial: 0.2 }],
  ["correlation-optimal-online", { decay: 0.9 }],
  ["correlation-hdep", { beta: 1 }],
  ["straight-through", {}],
  ["straight-through-sigmoid", {}],
  ["arm", {}],
  ["disarm", {}],
  ["rloo", { K: 2 }],
  ["rloo", { K: 5 }],
];

/** |ĝ| of one draw for estimators whose ĝ sums terms that may cancel (see the file comment); null: |ĝ| itself. */
type Magnitude = (problem: BinaryProblem, theta: Float64Array, u: Float64Array, out: Float64Array) => void;

/** RLOO: Σₖ |cₖ|·|scoreₖ| per coordinate. */
function rlooMagnitude(K: number): Magnitude {
  return (problem, theta, u, out) => {
    const n = problem.nUnits;
    const ws = problem.createWorkspace();
    const f: number[] = [];
    const scores: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      f.push(problem.forward(theta, u.subarray(k * n, (k + 1) * n), ws));
      const s = new Float64Array(problem.nParams);
      for (let i = 0; i < n; i++) problem.addLogitGradient(theta, ws, i, unitResidual(ws, i), s);
      scores.push(s);
    }
    const sum = f.reduce((a, b) => a + b, 0);
    out.fill(0);
    for (let k = 0; k < K; k++) {
      const c = Math.abs((f[k] - (sum - f[k]) / (K - 1)) / K);
      for (let j = 0; j < out.length; j++) out[j] += c * Math.abs(scores[k][j]);
    }
  };
}

/** Straight-through: the backward pass in magnitudes (|∂L/∂h|, |W|, |∂h/∂a|), times |∂a/∂θ|. */
function stMagnitude(sigmoidSlope: boolean): Magnitude {
  return (problem, theta, u, out) => {
    const net = problem as SigmoidBeliefNet;
    const ws = net.createWorkspace();
    net.forward(theta, u, ws);
    const L = net.nLayers;
    const dh = new Float64Array(net.nUnits);
    const grad = new Float64Array(net.widths[L]);
    net.loss.grad(ws.h, net.unitOffset[L - 1], grad);
    grad.forEach((v, k) => (dh[net.unitOffset[L - 1] + k] = Math.abs(v)));
    const da = new Float64Array(net.nUnits);
    for (let l = L - 1; l >= 0; l--) {
      for (let i = 0; i < net.widths[l + 1]; i++) {
        const unit = net.unitOffset[l] + i;
        da[unit] = dh[unit] * (sigmoidSlope ? ws.s[unit] * ws.c[unit] : 1);
        if (l > 0) for (let j = 0; j < net.widths[l]; j++) dh[net.unitOffset[l - 1] + j] += da[unit] * Math.abs(theta[net.weightOffset[l] + i * net.widths[l] + j]);
      }
    }
    out.fill(0);
    for (let i = 0; i < net.nUnits; i++) net.addLogitGradient(theta, ws, i, da[i], out);
    for (let j = 0; j < out.length; j++) out[j] = Math.abs(out[j]);
  };
}

const MAGNITUDES: Partial<Record<EstimatorId, (o: EstimatorOptions) => Magnitude>> = {
  rloo: (o) => rlooMagnitude(o.K),
  "straight-through": () => stMagnitude(false),
  "straight-through-sigmoid": () => stMagnitude(true),
};

/** The per-sample reference: every estimate (B × P), its magnitude, and their shifted sums. */
function perSample(inst: EstimatorInstance, theta: Float64Array, noise: Float64Array, B: number, problem?: BinaryProblem, magnitude?: Magnitude) {
  const P = theta.length;
  const G = new Float64Array(B * P);
  const M = new Float64Array(B * P);
  const sums = new ShiftedSums(P);
  for (let q = 0; q < B; q++) {
    const g = G.subarray(q * P, (q + 1) * P);
    const uq = noise.subarray(q * inst.noiseSize, (q + 1) * inst.noiseSize);
    inst.estimate(theta, uq, g);
    inst.observe?.();
    sums.add(g);
    if (magnitude && problem) magnitude(problem, theta, uq, M.subarray(q * P, (q + 1) * P));
    else for (let k = 0; k < P; k++) M[q * P + k] = Math.abs(g[k]);
  }
  return { G, M, sums };
}

/** Largest ratio of |batched − per-sample| to the bound over every coordinate (≤ 1: within). */
function worstRatio(ref: { G: Float64Array; M: Float64Array; sums: ShiftedSums }, got: ShiftedSums, B: number): number {
  const P = got.dim;
  const gamma = ((B + 2) * u) / (1 - (B + 2) * u);
  let worst = 0;
  for (let k = 0; k < P; k++) {
    const K = ref.sums.shift[k];
    let A1 = 0;
    let A2 = 0;
    let D1 = 0;
    for (let q = 0; q < B; q++) {
      const x = ref.G[q * P + k];
      const mag = Math.max(ref.M[q * P + k], Math.abs(x));
      A1 += mag + Math.abs(K);
      A2 += (mag + Math.abs(K)) ** 2;
      D1 += Math.abs(x - K);
    }
    const bK = EPS * Math.max(ref.M[k], Math.abs(K));
    const bS = EPS * A1 + 2 * gamma * D1;
    const bQ = 2 * EPS * A2 + 2 * gamma * ref.sums.sumSq[k];
    const r = (d: number, b: number) => (d === 0 ? 0 : b > 0 ? d / b : Infinity);
    worst = Math.max(worst, r(Math.abs(got.shift[k] - K), bK), r(Math.abs(got.sum[k] - ref.sums.sum[k]), bS), r(Math.abs(got.sumSq[k] - ref.sums.sumSq[k]), bQ));
  }
  return worst;
}

function noiseFor(inst: EstimatorInstance, B: number, key: string): Float64Array {
  const noise = new Float64Array(B * inst.noiseSize);
  Stream.fromSeed(key).uniforms(noise);
  return noise;
}

describe("batched estimators equal the per-sample path summed, within the stated bound", () => {
  for (const [name, problem] of nets) {
    for (const [id, options] of batched) {
      if (estimators[id].applicable(problem)) continue;
      it(`${id}${options.K ? ` (K = ${options.K})` : ""} on the ${name}`, () => {
        const theta = problem.initialParams();
        const ref = estimators[id].create(problem, theta, options);
        const inst = estimators[id].create(problem, theta, options);
        expect(inst.accumulate).toBeTypeOf("function");
        const B = 1500;
        const noise = noiseFor(inst, B, `batched/${name}/${id}`);
        const r = perSample(ref, theta, noise, B, problem, MAGNITUDES[id]?.(options));
        // two calls (the second continues the sums the first started) equal one pass
        const got = new ShiftedSums(problem.nParams);
        const split = 613;
        inst.accumulate!(theta, noise.subarray(0, split * inst.noiseSize), split, got);
        inst.accumulate!(theta, noise.subarray(split * inst.noiseSize), B - split, got);
        expect(got.n).toBe(B);
        expect(worstRatio(r, got, B)).toBeLessThanOrEqual(1);
        // the online baselines end where B observe() calls leave them (the moving average from the
        // same losses exactly; the online-optimal one from residuals within ε)
        if (ref.describeState) {
          const a = ref.describeState().baseline as number[];
          const b = inst.describeState!().baseline as number[];
          a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(4 * EPS * Math.max(...a.map(Math.abs))));
        }
      });
    }
  }

  it("the bound rejects an estimator that is off by a relative 1e-9 (a baseline of 0.7·(1 + 1e-9))", () => {
    const problem = referenceNet();
    const theta = problem.initialParams();
    const ref = estimators["correlation-constant"].create(problem, theta, { baseline: 0.7 * (1 + 1e-9) });
    const inst = estimators["correlation-constant"].create(problem, theta, { baseline: 0.7 });
    const B = 1500;
    const noise = noiseFor(inst, B, "batched/control");
    const got = new ShiftedSums(problem.nParams);
    inst.accumulate!(theta, noise, B, got);
    expect(worstRatio(perSample(ref, theta, noise, B), got, B)).toBeGreaterThan(1);
  });

  it("pathwise on noisy nets: the very same sums, bit for bit", () => {
    const net = problemFromJSON({
      kind: "noisy-net",
      input: [1, -0.5],
      layers: [
        { unit: { type: "noisy-rectifier", s: 0.7 }, weights: [[0.5, -1], [1.2, 0.4], [0.3, 0.3]], bias: [0.1, -0.2, 0] },
        { unit: { type: "noisy-sigmoid", s: 0.5 }, weights: [[1, -1, 0.5], [0.2, 0.3, -0.7]], bias: [0.3, -0.1] },
        { unit: { type: "hard-threshold", s: 0.4 }, weights: [[1, -1]], bias: [0.3] },
      ],
      loss: { kind: "squared", target: [0.7] },
    });
    const smooth = problemFromJSON({
      kind: "noisy-net",
      input: [1, -0.5],
      layers: [
        { unit: { type: "noisy-rectifier", s: 0.7 }, weights: [[0.5, -1], [1.2, 0.4]], bias: [0.1, -0.2] },
        { unit: { type: "noisy-sigmoid", s: 0.5 }, weights: [[1, -1]], bias: [0.3] },
      ],
      loss: { kind: "linear", weights: [2] },
    });
    for (const [id, p] of [["pathwise", smooth], ["pathwise-threshold", net]] as const) {
      const theta = p.initialParams();
      const inst = estimators[id].create(p, theta);
      const B = 800;
      const noise = noiseFor(inst, B, `batched/${id}`);
      const r = perSample(estimators[id].create(p, theta), theta, noise, B);
      const got = new ShiftedSums(p.nParams);
      inst.accumulate!(theta, noise.subarray(0, 300 * inst.noiseSize), 300, got);
      inst.accumulate!(theta, noise.subarray(300 * inst.noiseSize), B - 300, got);
      expect(JSON.stringify(got.toJSON())).toBe(JSON.stringify(r.sums.toJSON()));
    }
  });
});

describe("the shifted sums keep constant coordinates exact", () => {
  it("straight-through-sigmoid on one unit with a table loss (ĝ = (f₁ − f₀)σ'(a) every draw): mean exactly that, variance exactly 0", () => {
    const p = singleUnitTable(0.3, 0.2, 1.1);
    const theta = p.initialParams();
    const inst = estimators["straight-through-sigmoid"].create(p, theta);
    const g = new Float64Array(1);
    inst.estimate(theta, new Float64Array([0.5]), g);
    const m = sampleMoments(inst, theta, 10_000, Stream.fromSeed("constant"));
    expect(m.mean[0]).toBe(g[0]);
    expect(m.variance[0]).toBe(0);
  });

  it("correlation on a net with an input of 0: those weights' estimates are 0 every draw, so mean 0 and variance 0", () => {
    const p = randomSbn([3, 4, 2], "batched/zero-input");
    const theta = p.initialParams();
    const m = sampleMoments(estimators.correlation.create(p, theta), theta, 9000, Stream.fromSeed("zero-input"));
    const labels = p.paramLabels();
    // input x = (1, 0, 1): column 1 of W¹
    for (let k = 0; k < p.nParams; k++) {
      if (!/^W1\[\d+,1\]$/.test(labels[k])) continue;
      expect(m.mean[k]).toBe(0);
      expect(m.variance[k]).toBe(0);
    }
  });
});

describe("the batched path through sampleMoments", () => {
  it("draws the same samples as the per-sample path: the two means agree within the bound's scale", () => {
    const p = referenceNet();
    const theta = p.initialParams();
    const inst = estimators.disarm.create(p, theta);
    const perDraw: EstimatorInstance = { noiseSize: inst.noiseSize, lossEvaluations: inst.lossEvaluations, estimate: (t, n, o) => inst.estimate(t, n, o) };
    const a = sampleMoments(inst, theta, 10_000, Stream.fromSeed("same-draws"));
    const b = sampleMoments(perDraw, theta, 10_000, Stream.fromSeed("same-draws"));
    for (let k = 0; k < p.nParams; k++) {
      expect(Math.abs(a.mean[k] - b.mean[k])).toBeLessThanOrEqual(1e-13 * (Math.abs(b.mean[k]) + Math.sqrt(b.variance[k])));
      expect(Math.abs(a.variance[k] - b.variance[k])).toBeLessThanOrEqual(1e-12 * b.variance[k] + 1e-300);
    }
  });

  it("a face whose observe() was replaced samples draw by draw (the replacement runs)", () => {
    const p = referenceNet();
    const theta = p.initialParams();
    const inst = estimators["correlation-ma"].create(p, theta, { decay: 0.5 });
    let calls = 0;
    inst.observe = () => void calls++;
    sampleMoments(inst, theta, 100, Stream.fromSeed("frozen"));
    expect(calls).toBe(100);
    expect(inst.describeState!().baseline).toEqual(new Array(p.nUnits).fill(0));
  });

  it("bad arguments are one InputError each; a shift the batched path did not set is refused", () => {
    const p = referenceNet();
    const theta = p.initialParams();
    const inst = estimators.correlation.create(p, theta);
    const s = new ShiftedSums(p.nParams);
    expect(() => inst.accumulate!(theta, new Float64Array(10), 2, s)).toThrow(InputError);
    expect(() => inst.accumulate!(theta.subarray(1), new Float64Array(24), 2, s)).toThrow(InputError);
    expect(() => inst.accumulate!(theta, new Float64Array(24), 2, new ShiftedSums(3))).toThrow(InputError);
    expect(() => inst.accumulate!(theta, new Float64Array(24), 1.5, s)).toThrow(InputError);
    const foreign = new ShiftedSums(p.nParams);
    foreign.add(new Float64Array(p.nParams).map((_, k) => k + 1));
    expect(() => inst.accumulate!(theta, new Float64Array(12).fill(0.5), 1, foreign)).toThrow(/shift/);
  });
});
