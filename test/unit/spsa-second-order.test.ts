/**
 * 2-SPSA's pieces, exactly: the simultaneous-perturbation Hessian estimate (noise layout, its
 * exact mean by enumeration of (Δ, Δ̃), the per-sample identity D = ΔᵀHΔ̃ on a quadratic), the
 * Jacobi eigensolver and the (H̄ᵀH̄ + δI)^½ preconditioner, and the optimiser's determinism,
 * records and bad input.
 */
import { describe, expect, it } from "vitest";
import { objectiveOracle } from "../../src/estimators/oracle.js";
import { SpsaHessianKernel } from "../../src/estimators/spsa-hessian.js";
import { HessianPreconditioner, symmetricEigen } from "../../src/optim/hessian-regularization.js";
import { spsa2Optimize } from "../../src/optim/spsa2.js";
import { spsaOptimize } from "../../src/optim/spsa.js";
import { Quadratic, SkewedQuartic, type Objective } from "../../src/problems/functions.js";
import { Stream } from "../../src/random/stream.js";
import { FieldError, InputError } from "../../src/errors.js";

/** A full (non-diagonal) quadratic ½θᵀMθ + bᵀθ, M symmetric. */
function fullQuadratic(M: number[][], b: number[]): Objective {
  const p = b.length;
  return {
    id: "full-quadratic",
    dimension: p,
    value(t) {
      let L = 0;
      for (let i = 0; i < p; i++) {
        L += b[i] * t[i];
        for (let j = 0; j < p; j++) L += 0.5 * t[i] * M[i][j] * t[j];
      }
      return L;
    },
    initialParams: () => new Float64Array(p).fill(0.5),
    toJSON: () => ({ kind: "full-quadratic" }),
  };
}

const M3 = [
  [4, 1, -0.5],
  [1, 2, 0.3],
  [-0.5, 0.3, 1],
];

describe("SP Hessian estimate (SpsaHessianKernel)", () => {
  it("noise size and measurements follow the documented layout", () => {
    const o = objectiveOracle(new Quadratic(4), 0.5); // q = 2
    const k = new SpsaHessianKernel(o, { c: 0.1, resamplings: 3 });
    expect(k.noiseSize).toBe(3 * (2 * 4 + 4 * 2));
    expect(k.lossEvaluations).toBe(12);
    expect(new SpsaHessianKernel(o, { c: 0.1, crn: true }).noiseSize).toBe(2 * 4 + 2);
  });
  it("on a quadratic each sample is D·½(Δ̃Δᵀ + ΔΔ̃ᵀ) with D = ΔᵀMΔ̃ exactly, symmetric, and ĝ is two-sided SPSA", () => {
    const f = fullQuadratic(M3, [0.2, -0.1, 0.4]);
    const k = new SpsaHessianKernel(objectiveOracle(f), { c: 0.3, cTilde: 0.7 });
    const u = new Float64Array(k.noiseSize);
    const g = new Float64Array(3);
    const H = new Float64Array(9);
    const s = Stream.fromSeed("hess");
    for (let r = 0; r < 10; r++) {
      s.uniforms(u);
      k.estimate(f.initialParams(), u, g, H);
      const d = Array.from(u.subarray(0, 3), (x) => (x >= 0.5 ? 1 : -1));
      const dt = Array.from(u.subarray(3, 6), (x) => (x >= 0.5 ? 1 : -1));
      let D = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) D += d[i] * M3[i][j] * dt[j];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          expect(H[i * 3 + j]).toBeCloseTo(0.5 * D * (dt[i] * d[j] + d[i] * dt[j]), 11);
          expect(H[i * 3 + j]).toBe(H[j * 3 + i]);
        }
      }
    }
  });
  it("exact mean: E[Ĥ] = M on a quadratic (rounding level); on the skewed quartic it is biased and the bias shrinks as c²", () => {
    const f = fullQuadratic(M3, [0.2, -0.1, 0.4]);
    const m = new SpsaHessianKernel(objectiveOracle(f), { c: 0.3, cTilde: 0.5 }).exactHessianMean(f.initialParams());
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(m[i * 3 + j] - M3[i][j])).toBeLessThan(1e-12);
    // skewed quartic: the exact Hessian by central differences of the analytic gradient
    const q = new SkewedQuartic(4);
    const t = q.initialParams();
    const Hx = new Float64Array(16);
    const gp = new Float64Array(4);
    const gm = new Float64Array(4);
    const h = 1e-5;
    for (let j = 0; j < 4; j++) {
      const x = t.slice();
      x[j] += h;
      q.gradient(x, gp);
      x[j] -= 2 * h;
      q.gradient(x, gm);
      for (let i = 0; i < 4; i++) Hx[i * 4 + j] = (gp[i] - gm[i]) / (2 * h);
    }
    const bias = (c: number) => {
      const e = new SpsaHessianKernel(objectiveOracle(q), { c }).exactHessianMean(t);
      return Math.max(...e.map((v, i) => Math.abs(v - Hx[i])));
    };
    expect(bias(0.2)).toBeGreaterThan(1e-4);
    expect(Math.log(bias(0.2) / bias(0.1)) / Math.log(2)).toBeCloseTo(2, 1);
  });
  it("bad input: c ≤ 0, c̃ ≤ 0, resamplings < 1, p beyond the exact enumeration limit", () => {
    const o = objectiveOracle(new Quadratic(3));
    expect(() => new SpsaHessianKernel(o, { c: 0 })).toThrow(/c: the perturbation size must be a finite number > 0/);
    expect(() => new SpsaHessianKernel(o, { c: 1, cTilde: -1 })).toThrow(/c̃/);
    expect(() => new SpsaHessianKernel(o, { c: 1, resamplings: 0 })).toThrow(/resamplings: expected an integer ≥ 1, got 0/);
    expect(() => new SpsaHessianKernel(objectiveOracle(new Quadratic(11)), { c: 1 }).exactHessianMean(new Float64Array(11))).toThrow(InputError);
  });
});

describe("Jacobi eigensolver and the (H̄ᵀH̄ + δI)^½ preconditioner", () => {
  const random = (p: number, seed: string) => {
    const s = Stream.fromSeed(seed);
    const A = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) A[i * p + j] = A[j * p + i] = 2 * s.uniform() - 1;
    return A;
  };
  it("A = V diag(w) Vᵀ and VᵀV = I to rounding (p = 1, 2, 7, 12)", () => {
    for (const p of [1, 2, 7, 12]) {
      const A = random(p, `eig/${p}`);
      const B = A.slice();
      const w = new Float64Array(p);
      const V = new Float64Array(p * p);
      symmetricEigen(B, p, w, V);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          let r = 0;
          let o = 0;
          for (let k = 0; k < p; k++) {
            r += V[i * p + k] * w[k] * V[j * p + k];
            o += V[k * p + i] * V[k * p + j];
          }
          expect(Math.abs(r - A[i * p + j])).toBeLessThan(1e-13);
          expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-13);
        }
      }
    }
  });
  it("d = Q diag(1/√(λ² + δ)) Qᵀ g: on a diagonal H̄ it is gᵢ/√(hᵢ² + δ) — a negative curvature keeps its magnitude", () => {
    const pre = new HessianPreconditioner(3, 0.25);
    const H = Float64Array.from([4, 0, 0, 0, -3, 0, 0, 0, 0]);
    const d = new Float64Array(3);
    pre.apply(H, Float64Array.from([1, 1, 1]), d);
    expect(d[0]).toBeCloseTo(1 / Math.sqrt(16.25), 14);
    expect(d[1]).toBeCloseTo(1 / Math.sqrt(9.25), 14);
    expect(d[2]).toBeCloseTo(1 / 0.5, 14); // zero curvature: the floor √δ
    expect(() => pre.apply(H, d, d, 0)).toThrow(/regularization: δ/);
    expect(() => new HessianPreconditioner(3, -1)).toThrow(InputError);
  });
  it("warm starts (previous eigenvectors) give the cold-start direction to 1e-12 over a drifting sequence of H̄", () => {
    const p = 6;
    const warm = new HessianPreconditioner(p, 1e-3);
    const g = Float64Array.from({ length: p }, (_, i) => Math.sin(i + 1));
    const dw = new Float64Array(p);
    const dc = new Float64Array(p);
    const H = random(p, "drift");
    const E = random(p, "drift/step");
    for (let k = 0; k < 300; k++) {
      for (let i = 0; i < p * p; i++) H[i] += 0.01 * E[i] * Math.cos(0.1 * k);
      warm.apply(H, g, dw);
      new HessianPreconditioner(p, 1e-3).apply(H, g, dc);
      for (let i = 0; i < p; i++) expect(Math.abs(dw[i] - dc[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(dc[i])));
    }
    expect(warm.sweeps).toBeLessThan(5);
  });
});

describe("spsa2Optimize", () => {
  const f = new Quadratic(6, 100);
  const o = objectiveOracle(f, 0.01);
  const monitor = (t: Float64Array) => f.value(t);
  it("is deterministic per seed, counts 4 measurements per step, records H̄ and converges on a quadratic", () => {
    const run = () => spsa2Optimize(o, f.initialParams(), { c: 0.1, iterations: 300, monitor }, Stream.fromSeed("2spsa"));
    const r = run();
    expect(JSON.stringify(run())).toBe(JSON.stringify(r));
    expect(r.method).toBe("2spsa");
    // c is given and a₀ = 1 needs no measurement: no calibration evaluations
    expect(r.evaluations).toBe(4 * 300);
    expect(r.details.calibration).toMatchObject({ calibrated: ["A", "a"], newtonStep: 1, evaluations: 0 });
    expect(r.gains.a).toBeCloseTo((30 + 1) ** 0.602, 12);
    expect(r.finalLoss).toBeLessThan(1e-3 * r.initialLoss);
    // the smoothed Hessian approaches diag(h): its diagonal within 25% of the curvature
    const H = r.details.smoothedHessian as number[];
    for (let i = 0; i < 6; i++) expect(Math.abs(H[i * 6 + i] - f.curvature[i])).toBeLessThan(0.25 * f.curvature[5]);
    expect((r.details.eigenvalues as number[]).length).toBe(6);
  });
  it("resamplings R average R Hessian and gradient estimates (4R measurements); a constant δ and a prior are used as given", () => {
    // δ = 10⁴: an eigenvalue floor of 100, the largest curvature (a small constant δ lets the
    // early rank-deficient H̄ throw huge steps on this quadratic; the automatic δₖ avoids that)
    const r = spsa2Optimize(o, f.initialParams(), { a: 5, c: 0.1, iterations: 50, resamplings: 3, regularization: 1e4, initialHessian: 50, monitor }, Stream.fromSeed("2spsa/R"));
    expect(r.evaluations).toBe(12 * 50);
    expect(r.details.regularization).toEqual({ kind: "constant", delta: 1e4 });
    expect(r.details.lastRegularization).toBe(1e4);
    expect(r.details.initialHessian).toBe(50);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
  });
  it("beats SPSA at equal measurements on a noise-free κ = 100 quadratic with its defaults (one fixed seed each)", () => {
    const q = objectiveOracle(f);
    const two = spsa2Optimize(q, f.initialParams(), { c: 0.1, iterations: 500, monitor }, Stream.fromSeed("cmp"));
    const one = spsaOptimize(q, f.initialParams(), { c: 0.1, iterations: 1000, monitor }, Stream.fromSeed("cmp"));
    expect(two.evaluations).toBe(one.evaluations - 50); // SPSA's default calibration of a costs 25 estimates
    expect(two.finalLoss).toBeLessThan(0.1 * one.finalLoss);
  });
  it("bad input: nonsensical regularisation, β without auto, c̃ ≤ 0, h₀ < 0, a first-step target — one FieldError naming the field", () => {
    const s = Stream.fromSeed("bad");
    const base = { c: 0.1, iterations: 5 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ regularization: 0 }, /^regularization: δ in \(H̄ᵀH̄ \+ δI\)\^½ must be a finite number > 0 or "auto", got 0/],
      [{ regularization: -1 }, /^regularization: /],
      [{ regularization: Number.NaN }, /^regularization: /],
      [{ regularization: 0.1, regularizationScale: 2 }, /^regularizationScale: applies to the automatic regularisation only/],
      [{ regularizationScale: 0 }, /^regularizationScale: β must be/],
      [{ cTilde: 0 }, /^cTilde: /],
      [{ initialHessian: -1 }, /^initialHessian: /],
      [{ calibrate: { step: 0.1 } }, /^calibrate: a first-step target sets a first-order gain/],
      [{ resamplings: 0 }, /^resamplings: expected an integer ≥ 1, got 0/],
      [{ trustRegion: 0 }, /^trustRegion: /],
    ];
    for (const [extra, msg] of cases) {
      let err: unknown;
      try {
        spsa2Optimize(o, f.initialParams(), { ...base, ...extra }, s);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FieldError);
      expect((err as Error).message).toMatch(msg);
    }
  });
  it("a loss with no curvature (linear) leaves the automatic δₖ at 0: one clear error, never an infinite step", () => {
    const lin: Objective = { id: "lin", dimension: 2, value: (t) => t[0] - 2 * t[1], initialParams: () => new Float64Array(2), toJSON: () => ({}) };
    expect(() => spsa2Optimize(objectiveOracle(lin), lin.initialParams(), { a: 1, c: 0.1, iterations: 3 }, Stream.fromSeed("lin"))).toThrow(/every Hessian estimate so far is exactly zero/);
    // a constant δ works
    expect(spsa2Optimize(objectiveOracle(lin), lin.initialParams(), { a: 1, c: 0.1, iterations: 3, regularization: 1 }, Stream.fromSeed("lin")).theta.every(Number.isFinite)).toBe(true);
  });
});
