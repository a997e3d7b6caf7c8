// Exact enumeration in fixed Gray-code blocks: the same bytes on one thread and on pools of 1, 2
// and 8 workers (each block computed from its own start and merged in block order), block states
// that round-trip through JSON and merge (in block order only) to the same analysis, and a merged
// multi-block result that still matches independent references.
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { poolBlockRunner } from "../../src/estimators/enumeration-pool.js";
import { estimatorEntry, type EstimatorEntry } from "../../src/estimators/types.js";
import { warmUp } from "../../src/estimators/sample.js";
import { expectedLoss } from "../../src/exact/dual.js";
import { enumerateConfigurations, grayConfiguration } from "../../src/exact/enumerate.js";
import { grayFlipBit } from "../../src/numerics.js";
import { blockBits, blockStateFromJSON, blockStateToJSON, enumerationBlocks } from "../../src/exact/enumeration-blocks.js";
import { exactAnalysis, exactBlockStates, exactFromBlocks } from "../../src/exact/moments.js";
import type { ExactAnalysis } from "../../src/exact/types.js";
import { type WorkerPool } from "../../src/parallel/pool.js";
import { testPools } from "./worker-pools.js";
import { randomSbn, referenceNet } from "../../src/problems/reference.js";
import { addAllLogitGradients, type BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";

const pool = testPools();

function bytes(r: ExactAnalysis): string {
  const est = Object.fromEntries(Object.entries(r.estimators).map(([k, m]) => [k, { mean: Array.from(m.mean), variance: Array.from(m.variance) }]));
  return JSON.stringify({ EL: r.expectedLoss, VL: r.lossVariance, g: Array.from(r.gradient), est, states: r.states, mass: r.totalProbability, unavailable: r.unavailable });
}

function workerBlocks(p: WorkerPool): number {
  return p.chunksRun().slice(1).reduce((a, b) => a + b, 0);
}

// 18 units: 4 blocks of 2^16 configurations
const net18 = randomSbn([3, 6, 6, 6], "blocks/18");

const cases: [string, BinaryProblem, (p: BinaryProblem, th: Float64Array) => Record<string, EstimatorEntry>, boolean][] = [
  ["correlation and straight-through, leaf blocks", net18, (p, th) => ({ corr: estimatorEntry(estimators.correlation, p, th), st: estimatorEntry(estimators["straight-through-sigmoid"], p, th) }), false],
  ["correlation with a constant baseline, general path", net18, (p, th) => ({ corr: estimatorEntry(estimators["correlation-constant"], p, th, { baseline: 0.4 }) }), true],
  ["no estimator (gradient and loss moments only)", net18, () => ({}), false],
];

describe("exact enumeration on the pool: byte-identical for no pool and 1, 2, 8 workers", () => {
  expect(enumerationBlocks(net18)).toHaveLength(4);
  for (const [name, problem, make, general] of cases) {
    it(name, () => {
      const th = problem.initialParams();
      const ref = bytes(exactAnalysis(problem, th, make(problem, th), { general }));
      for (const w of [1, 2, 8]) {
        const before = workerBlocks(pool(w));
        expect(bytes(exactAnalysis(problem, th, make(problem, th), { general, blockRunner: poolBlockRunner(pool(w)) }))).toBe(ref);
        // with more than one worker the worker threads computed the blocks (from rebuilt jobs)
        if (w > 1) expect(workerBlocks(pool(w)) - before).toBe(4);
      }
    });
  }

  it("an online instance (frozen after warm-up) keeps the job on the calling thread, with the same bytes", () => {
    const th = net18.initialParams();
    const mk = () => {
      const e = estimatorEntry(estimators["correlation-ma"], net18, th, { decay: 0.9 });
      warmUp(e.instance, th, 50, Stream.fromSeed("warm"));
      return { ma: e };
    };
    const ref = bytes(exactAnalysis(net18, th, mk()));
    const before = workerBlocks(pool(2));
    expect(bytes(exactAnalysis(net18, th, mk(), { blockRunner: poolBlockRunner(pool(2)) }))).toBe(ref);
    expect(workerBlocks(pool(2))).toBe(before);
  });

  it("θ may differ from the θ the instances were created at", () => {
    const th0 = net18.initialParams();
    const th = th0.map((v, k) => v + 0.01 * (k % 7));
    const mk = () => ({ opt: estimatorEntry(estimators["correlation-optimal"], net18, th0) });
    expect(bytes(exactAnalysis(net18, th, mk(), { blockRunner: poolBlockRunner(pool(2)) }))).toBe(bytes(exactAnalysis(net18, th, mk())));
  });
});

describe("enumeration block states", () => {
  const th = net18.initialParams();
  const mk = () => ({ corr: estimatorEntry(estimators.correlation, net18, th) });

  it("computed in separate calls, through JSON, merged in block order: exactAnalysis byte for byte", () => {
    const ref = exactAnalysis(net18, th, mk());
    // two "shards": blocks 0 and 2 on a pool, blocks 1 and 3 on this thread
    const a = exactBlockStates(net18, th, mk(), { blockRunner: poolBlockRunner(pool(2)) }, [0, 2]);
    const b = exactBlockStates(net18, th, mk(), {}, [1, 3]);
    const viaJson = [a[0], b[0], a[1], b[1]].map((s) => blockStateFromJSON(JSON.parse(JSON.stringify(blockStateToJSON(s)))));
    expect(bytes(exactFromBlocks(net18, viaJson))).toBe(bytes(ref));
  });

  it("a merge refuses blocks out of order, missing blocks, or blocks centred elsewhere", () => {
    const s = exactBlockStates(net18, th, mk());
    expect(() => exactFromBlocks(net18, [s[1], s[0], s[2], s[3]])).toThrow(/does not follow/);
    expect(() => exactFromBlocks(net18, s.slice(0, 3))).toThrow(/not every configuration/);
    // the centre L(h*) is a consistency check (not a fingerprint of θ): a block centred elsewhere is refused
    const moved = { ...s[1], centre: s[1].centre + 1 };
    expect(() => exactFromBlocks(net18, [s[0], moved, s[2], s[3]])).toThrow(/centred at/);
    expect(() => exactBlockStates(net18, th, mk(), {}, [4])).toThrow(/enumeration block 4/);
  });

  it("the multi-block result matches one uncut Gray-code walk (E[L], and ∇E[L] = E[ĝ], Var[ĝ] of correlation by two passes)", () => {
    const r = exactAnalysis(net18, th, mk());
    const P = net18.nParams;
    const n = net18.nUnits;
    const coef = new Float64Array(n);
    const g = new Float64Array(P);
    const mean = new Float64Array(P);
    const v = new Float64Array(P);
    // ĝ = Σᵢ (hᵢ − σᵢ)·L·∂aᵢ/∂θ on every configuration of one walk over [0, 2^n)
    const walk = (f: (p: number) => void) =>
      enumerateConfigurations(net18, th, (ws, _u, p, L) => {
        for (let i = 0; i < n; i++) coef[i] = (ws.h[i] - ws.s[i]) * L;
        g.fill(0);
        addAllLogitGradients(net18, th, ws, coef, g);
        f(p);
      });
    walk((p) => {
      for (let k = 0; k < P; k++) mean[k] += p * g[k];
    });
    walk((p) => {
      for (let k = 0; k < P; k++) v[k] += p * (g[k] - mean[k]) ** 2;
    });
    const scale = Math.max(...Array.from(mean, Math.abs));
    expect(Math.abs(r.expectedLoss - expectedLoss(net18, th))).toBeLessThan(1e-13 * Math.abs(r.expectedLoss));
    expect(r.states).toBe(2 ** n);
    for (let k = 0; k < P; k++) {
      expect(Math.abs(r.gradient[k] - mean[k])).toBeLessThan(1e-12 * scale);
      expect(Math.abs(r.estimators.corr.mean[k] - mean[k])).toBeLessThan(1e-12 * scale);
      expect(Math.abs(r.estimators.corr.variance[k] - v[k])).toBeLessThanOrEqual(1e-11 * v[k]);
    }
  });

  it("a problem of at most 2^16 states is one block", () => {
    expect(enumerationBlocks(referenceNet())).toEqual([{ first: 0, end: 2 ** referenceNet().nUnits }]);
  });
});

describe("enumeration beyond 24 units (exact --max-units): Gray-code indices past 2^32, at most 4096 blocks", () => {
  // reference: g = k ⊕ (k >> 1) in BigInt, Gray bit b is unit n−1−b
  const grayRef = (k: number, n: number) => {
    const g = BigInt(k) ^ (BigInt(k) >> 1n);
    return Array.from({ length: n }, (_, i) => Number((g >> BigInt(n - 1 - i)) & 1n));
  };

  it("grayConfiguration and grayFlipBit agree with BigInt arithmetic around 2^31, 2^32 and 2^39", () => {
    const n = 40;
    const h = new Float64Array(n);
    for (const base of [2 ** 31, 2 ** 32, 3 * 2 ** 32, 2 ** 39]) {
      for (let k = base - 3; k <= base + 3; k++) {
        grayConfiguration(k, n, h);
        expect(Array.from(h), `k = ${k}`).toEqual(grayRef(k, n));
        // the bit that flips from k − 1 to k is the lowest set bit of k
        const low = BigInt(k) & -BigInt(k);
        expect(grayFlipBit(k), `k = ${k}`).toBe(low.toString(2).length - 1);
      }
    }
  });

  it("the walk across 2^32 on a 33-unit net visits each configuration its index names", () => {
    const net = randomSbn([2, 11, 11, 11], "wide");
    expect(net.nUnits).toBe(33);
    const theta = net.initialParams();
    const seen: number[] = [];
    enumerateConfigurations(net, theta, (ws, _u, _p, _L, k) => {
      expect(Array.from(ws.h), `k = ${k}`).toEqual(grayRef(k, 33));
      seen.push(k);
    }, undefined, { first: 2 ** 32 - 5, end: 2 ** 32 + 5 });
    expect(seen).toEqual(Array.from({ length: 10 }, (_, j) => 2 ** 32 - 5 + j));
    // a whole enumeration of 33 units is still refused: only a caller that checked the cost passes a range
    expect(() => enumerateConfigurations(net, theta, () => {})).toThrow(/33 binary units; exact enumeration supports at most 24/);
    expect(() => exactAnalysis(net, theta, {}, { maxUnits: 41 })).toThrow(/maxUnits: expected an integer in \[1, 40\]/);
  });

  it("blocks of 2^16 up to 28 units, then at most 4096 larger ones (the leaf count still sets the least)", () => {
    const p = (nUnits: number, leafUnits?: number) => ({ nUnits, leafUnits }) as unknown as BinaryProblem;
    expect([10, 16, 24, 28, 29, 30, 40].map((n) => blockBits(p(n)))).toEqual([10, 16, 16, 16, 17, 18, 28]);
    expect(blockBits(p(26, 20))).toBe(20);
    expect(blockBits(p(40, 30))).toBe(30);
  });
});
