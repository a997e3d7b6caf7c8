import { describe, expect, it } from "vitest";
import { BoltzmannMachine, bmExactGradient, bmLogLikelihood, bmLogPartition } from "../../src/boltzmann/bm.js";
import { rbmDataStats, rbmExactGradient, rbmExactGradientFlat, rbmLogLikelihood, rbmLogPartition, rbmMarginalLogProbs, rbmModelStats, sumSoftplus } from "../../src/boltzmann/exact.js";
import { rbmJointTable } from "../../src/boltzmann/joint.js";
import { energy, freeEnergy, Rbm } from "../../src/boltzmann/rbm.js";
import { cdExpectedGradients, unrolledExact, visibleMarkovMatrix, visibleTransition } from "../../src/boltzmann/unrolled.js";
import { salakhutdinovMurrayBetas } from "../../src/boltzmann/ais.js";
import { barsAndStripes } from "../../src/data/bars-and-stripes.js";
import { gemm, gemmNaive } from "../../src/linalg/gemm.js";
import { expNeg } from "../../src/linalg/expneg.js";
import { maxRelativeError, softplus } from "../../src/numerics.js";
import { Stream } from "../../src/random/stream.js";
import { InputError } from "../../src/errors.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, validateTrainOptions, type RbmMethod } from "../../src/boltzmann/trainer.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";

function randomRbm(nV: number, nH: number, seed: string, scale = 1): Rbm {
  const s = Stream.fromSeed(seed);
  const r = Rbm.random(nV, nH, s, scale);
  s.normals(r.b);
  s.normals(r.c);
  return r;
}

function bruteLogZ(r: Rbm): number {
  const terms: number[] = [];
  for (let vi = 0; vi < 2 ** r.nVisible; vi++)
    for (let hi = 0; hi < 2 ** r.nHidden; hi++) {
      const v = Array.from({ length: r.nVisible }, (_, i) => (vi >> i) & 1);
      const h = Array.from({ length: r.nHidden }, (_, j) => (hi >> j) & 1);
      terms.push(-energy(r, v, h));
    }
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0));
}

describe("GEMM", () => {
  it("matches the triple loop for every transpose combination, odd sizes, α/β, and β = 0 ignores NaN in C", () => {
    const s = Stream.fromSeed("gemm");
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as [boolean, boolean][]) {
      for (const [M, N, K] of [[1, 1, 1], [5, 7, 3], [37, 29, 301], [4, 513, 260]]) {
        const A = s.normals(new Float64Array(M * K));
        const B = s.normals(new Float64Array(K * N));
        const C1 = s.normals(new Float64Array(M * N));
        const C2 = C1.slice();
        gemm(tA, tB, M, N, K, 0.7, A, tA ? M : K, B, tB ? K : N, 0.3, C1, N);
        gemmNaive(tA, tB, M, N, K, 0.7, A, tA ? M : K, B, tB ? K : N, 0.3, C2, N);
        // error bound: K·ε·Σ|a||b| ≲ K·ε·K for unit normals
        expect(maxRelativeError(C1, C2)).toBeLessThan(1e-13 * K);
        const C3 = new Float64Array(M * N).fill(Number.NaN);
        gemm(tA, tB, M, N, K, 1, A, tA ? M : K, B, tB ? K : N, 0, C3, N);
        expect(C3.every((x) => Number.isFinite(x))).toBe(true);
      }
    }
  });
});

describe("fast e^{−x} and Σ softplus", () => {
  it("expNeg is within 2 ulp of Math.exp on [0, 40)", () => {
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = (i * 40) / 200_000;
      worst = Math.max(worst, Math.abs(expNeg(x) - Math.exp(-x)) / Math.exp(-x));
    }
    expect(worst).toBeLessThan(4.5e-16);
  });
  it("sumSoftplus equals Σ softplus to rounding, including |x| ≥ 40 and > 512 terms", () => {
    const s = Stream.fromSeed("sp");
    const a = s.normals(new Float64Array(1500)).map((x, i) => (i % 50 === 0 ? 60 * x : 5 * x));
    let ref = 0;
    for (const x of a) ref += softplus(x);
    expect(Math.abs(sumSoftplus(a, a.length) - ref) / ref).toBeLessThan(1e-13);
  });
});

describe("exact RBM quantities", () => {
  for (const [nV, nH] of [[4, 3], [3, 5], [5, 5]]) {
    it(`${nV}×${nH}: log Z, marginals, phases and gradient match brute force / finite differences`, () => {
      const r = randomRbm(nV, nH, `rbm/${nV}x${nH}`);
      const lz = bruteLogZ(r);
      expect(Math.abs(rbmLogPartition(r) - lz)).toBeLessThan(1e-13 * Math.max(1, Math.abs(lz)));
      const lp = rbmMarginalLogProbs(r);
      expect(Math.abs(lp.reduce((a, x) => a + Math.exp(x), 0) - 1)).toBeLessThan(1e-13);
      // model statistics vs the joint table
      const t = rbmJointTable(r);
      const ms = rbmModelStats(r);
      const ev = new Float64Array(nV);
      for (let s = 0; s < t.prob.length; s++) for (let i = 0; i < nV; i++) ev[i] += t.prob[s] * t.states[s * (nV + nH) + i];
      expect(maxRelativeError(ms.v, ev)).toBeLessThan(1e-12);
      expect(Math.abs(ms.logZ - t.logZ)).toBeLessThan(1e-12);
      // gradient vs central differences (h = 1e-5: error ≲ 1e-9)
      const data = Float64Array.from({ length: 3 * nV }, (_, k) => (k * 7) % 3 === 0 ? 1 : 0);
      const g = rbmExactGradientFlat(r, data, 3);
      const th = r.toFlat();
      const fd = th.map((_, k) => {
        const up = th.slice();
        const dn = th.slice();
        up[k] += 1e-5;
        dn[k] -= 1e-5;
        return (rbmLogLikelihood(Rbm.fromFlat(nV, nH, up), data, 3) - rbmLogLikelihood(Rbm.fromFlat(nV, nH, dn), data, 3)) / 2e-5;
      });
      expect(maxRelativeError(g.gradient, fd)).toBeLessThan(1e-7);
      expect(g.logLikelihood).toBeCloseTo(rbmLogLikelihood(r, data, 3), 12);
    });
  }
  it("positive phase uses p(h|v); free energy matches −log Σ_h e^{−E}", () => {
    const r = randomRbm(3, 2, "fe");
    const v = new Float64Array([1, 0, 1]);
    const F = freeEnergy(r, v, 1)[0];
    let z = 0;
    for (let h = 0; h < 4; h++) z += Math.exp(-energy(r, v, [h & 1, (h >> 1) & 1]));
    expect(F).toBeCloseTo(-Math.log(z), 13);
    const pos = rbmDataStats(r, v, 1);
    expect(pos.v[1]).toBe(0);
    expect(rbmExactGradient(r, v, 1).positive.h[0]).toBe(pos.h[0]);
  });
  it("refuses layers above 24 units with an InputError", () => {
    expect(() => rbmLogPartition(new Rbm(30, 30))).toThrow(InputError);
  });
});

describe("general Boltzmann machine", () => {
  it("log Z, likelihood and gradient match brute force and finite differences", () => {
    const bm = BoltzmannMachine.random(3, 3, Stream.fromSeed("bm"));
    const terms: number[] = [];
    for (let s = 0; s < 64; s++) terms.push(-bm.energy(Array.from({ length: 6 }, (_, i) => (s >> i) & 1)));
    const m = Math.max(...terms);
    expect(bmLogPartition(bm)).toBeCloseTo(m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0)), 12);
    const data = new Float64Array([1, 0, 1, 0, 1, 1]);
    const g = bmExactGradient(bm, data, 2);
    const th = bm.toFlat();
    const fd = th.map((_, k) => {
      const up = th.slice();
      const dn = th.slice();
      up[k] += 1e-5;
      dn[k] -= 1e-5;
      return (bmLogLikelihood(BoltzmannMachine.fromFlat(3, 3, up), data, 2) - bmLogLikelihood(BoltzmannMachine.fromFlat(3, 3, dn), data, 2)) / 2e-5;
    });
    expect(maxRelativeError(g.gradient, fd)).toBeLessThan(1e-7);
    expect(() => bm.setWeight(1, 1, 2)).toThrow(InputError);
  });
});

describe("unrolled chain and CD-k", () => {
  it("∂P_T/∂θ from transition matrices matches finite differences of P_T", () => {
    const r = randomRbm(3, 2, "unrolled", 1.2);
    const e = unrolledExact(visibleTransition(r), 0, 5, 4);
    const th = r.toFlat();
    const fd = th.map((_, k) => {
      const up = th.slice();
      const dn = th.slice();
      up[k] += 1e-5;
      dn[k] -= 1e-5;
      return (unrolledExact(visibleTransition(Rbm.fromFlat(3, 2, up)), 0, 5, 4).prob - unrolledExact(visibleTransition(Rbm.fromFlat(3, 2, dn)), 0, 5, 4).prob) / 2e-5;
    });
    expect(maxRelativeError(e.gradient, fd)).toBeLessThan(1e-7);
  });
  it("the expected CD-k gradient tends to the exact gradient as k grows, and rows of M sum to 1", () => {
    const r = randomRbm(4, 3, "cd", 0.5);
    const M = visibleMarkovMatrix(r);
    for (let v = 0; v < 16; v++) expect(Math.abs(M.slice(v * 16, v * 16 + 16).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
    const data = new Float64Array([1, 0, 1, 1, 0, 0, 1, 0]);
    const [g1, g200] = cdExpectedGradients(r, data, 2, [1, 200], M);
    const ex = rbmExactGradientFlat(r, data, 2).gradient;
    expect(maxRelativeError(g1, ex)).toBeGreaterThan(1e-3);
    expect(maxRelativeError(g200, ex)).toBeLessThan(1e-10);
  });
});

describe("training, options and serialisation", () => {
  it("JSON round trip is exact; wrong shapes are InputErrors naming the path", () => {
    const r = randomRbm(3, 2, "json");
    const back = Rbm.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(Array.from(back.W)).toEqual(Array.from(r.W));
    const bad = r.toJSON();
    bad.W[1] = [1];
    expect(() => Rbm.fromJSON(bad)).toThrow(/W\[1\]: expected 2 entries/);
    expect(() => Rbm.fromJSON({ ...r.toJSON(), c: [0, "x"] })).toThrow(/c\[1\]/);
    expect(() => Rbm.fromJSON({ kind: "sbn" })).toThrow(InputError);
  });
  it("zero hidden units and a negative learning rate are errors naming the field (not a CLI flag)", () => {
    expect(() => new Rbm(784, 0)).toThrow(/^nHidden: /);
    expect(() => validateTrainOptions({ ...DEFAULT_TRAIN_OPTIONS, learningRate: -0.1 })).toThrow(/^learningRate: expected a finite learning rate > 0/);
    expect(() => validateTrainOptions({ ...DEFAULT_TRAIN_OPTIONS, k: 0 })).toThrow(/^k: /);
    expect(() => validateTrainOptions({ ...DEFAULT_TRAIN_OPTIONS, method: "gibbs" as never })).toThrow(/^method: expected cd, pcd, pt or exact/);
    expect(() => new RbmTrainer(new Rbm(30, 30), { ...DEFAULT_TRAIN_OPTIONS, method: "exact" }, Stream.fromSeed("x"))).toThrow(/^method: exact enumerates the smaller layer/);
  });
  // every registered sampler (a new one is covered by adding its registry line)
  for (const method of Object.keys(negativePhases) as RbmMethod[]) {
    it(`${method}: resuming from the saved state reproduces uninterrupted training bit for bit`, () => {
      const d = barsAndStripes(3);
      const mk = () => new RbmTrainer(Rbm.random(9, 4, Stream.fromSeed("init"), 0.1), { ...DEFAULT_TRAIN_OPTIONS, method, chains: 7, batchSize: 5, momentum: 0.5 }, Stream.fromSeed("train"));
      const a = mk();
      for (let e = 0; e < 3; e++) a.epoch(d.data, d.count);
      const b = mk();
      for (let e = 0; e < 2; e++) b.epoch(d.data, d.count);
      const saved = JSON.parse(JSON.stringify({ model: b.rbm.toJSON(), state: b.toJSON() }));
      const c = new RbmTrainer(Rbm.fromJSON(saved.model), { ...DEFAULT_TRAIN_OPTIONS, method, chains: 7, batchSize: 5, momentum: 0.5 }, Stream.fromSeed("other"));
      c.restore(saved.state);
      c.epoch(d.data, d.count);
      expect(Array.from(c.rbm.W)).toEqual(Array.from(a.rbm.W));
      expect(Array.from(c.rbm.c)).toEqual(Array.from(a.rbm.c));
    });
  }
  it("full-batch exact-gradient ascent increases the exact log-likelihood every epoch (small η)", () => {
    const d = barsAndStripes(3);
    const t = new RbmTrainer(Rbm.random(9, 6, Stream.fromSeed("i"), 0.5), { ...DEFAULT_TRAIN_OPTIONS, method: "exact", learningRate: 0.1, batchSize: 14 }, Stream.fromSeed("t"));
    let prev = rbmLogLikelihood(t.rbm, d.data, d.count);
    const l0 = prev;
    for (let e = 0; e < 40; e++) {
      t.epoch(d.data, d.count);
      const l = rbmLogLikelihood(t.rbm, d.data, d.count);
      expect(l).toBeGreaterThan(prev);
      prev = l;
    }
    expect(prev).toBeGreaterThan(l0 + 0.05);
  });
});

describe("data", () => {
  it("bars-and-stripes has 2^(n+1) − 2 distinct patterns", () => {
    expect(barsAndStripes(3).count).toBe(14);
    expect(barsAndStripes(4).count).toBe(30);
    expect(() => barsAndStripes(1)).toThrow(InputError);
  });
  it("the AIS schedule runs from 0 to 1 with the paper's 14 500 steps", () => {
    const b = salakhutdinovMurrayBetas();
    expect(b.length).toBe(14501);
    expect(b[0]).toBe(0);
    expect(b[14500]).toBe(1);
    expect(b[500]).toBeCloseTo(0.5, 12);
    expect(b[4500]).toBeCloseTo(0.9, 12);
  });
});

describe("binary (0/1) products", () => {
  it("match the dense GEMM for sparse binary left factors", async () => {
    const { binaryTimes, binaryTransposeTimes, binaryTransposeTimes2, binaryDensity } = await import("../../src/linalg/binary.js");
    const s = Stream.fromSeed("binary");
    const n = 13, K = 37, N = 11;
    const A = s.uniforms(new Float64Array(n * K)).map((u) => +(u < 0.2));
    const A2 = s.uniforms(new Float64Array(n * K)).map((u) => +(u < 0.3));
    const B = s.normals(new Float64Array(K * N));
    const H = s.normals(new Float64Array(n * N));
    const H2 = s.normals(new Float64Array(n * N));
    expect(binaryDensity(new Float64Array([0, 1, 0.5]))).toBe(-1);
    const C1 = s.normals(new Float64Array(n * N));
    const C2 = C1.slice();
    binaryTimes(A, n, K, B, N, C1, 0.5);
    gemmNaive(false, false, n, N, K, 0.5, A, K, B, N, 1, C2, N);
    expect(maxRelativeError(C1, C2)).toBeLessThan(1e-14);
    const G1 = new Float64Array(K * N);
    const G2 = new Float64Array(K * N);
    binaryTransposeTimes(A, n, K, H, N, G1, 0.25);
    gemmNaive(true, false, K, N, n, 0.25, A, K, H, N, 0, G2, N);
    expect(maxRelativeError(G1, G2)).toBeLessThan(1e-14);
    const G3 = new Float64Array(K * N);
    binaryTransposeTimes2(A, H, n, 0.25, A2, H2, n, -0.5, K, N, G3);
    gemmNaive(true, false, K, N, n, -0.5, A2, K, H2, N, 1, G2, N);
    expect(maxRelativeError(G3, G2)).toBeLessThan(1e-14);
  });
});
