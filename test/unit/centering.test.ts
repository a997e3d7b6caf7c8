// The centered RBM (src/boltzmann/centering.ts, the centered step of trainer.ts): the centered
// free energy against its definition by enumerating h, the plain and centered forms differing
// by one constant in F(v) for every v, the round trip, one centered step of the exact gradient
// against the formula in centered coordinates, the offsets' moving averages, bad options.
import { describe, expect, it } from "vitest";
import { centeredFreeEnergy, fromCentered, toCentered } from "../../src/boltzmann/centering.js";
import { rbmExactGradient } from "../../src/boltzmann/exact.js";
import { freeEnergy, Rbm } from "../../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, validateTrainOptions, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";
import { Stream } from "../../src/random/stream.js";

const NV = 5;
const NH = 4;

function model(seed: string) {
  const s = Stream.fromSeed(seed);
  const rbm = Rbm.random(NV, NH, s.fork("W"), 1);
  s.normals(rbm.b);
  s.normals(rbm.c);
  const mu = Float64Array.from({ length: NV }, () => s.uniform());
  const lambda = Float64Array.from({ length: NH }, () => s.uniform());
  return { rbm, mu, lambda };
}

const bits = (x: number, n: number) => Float64Array.from({ length: n }, (_, i) => (x >> i) & 1);

describe("centered RBM", () => {
  it("F̃(v) is −log Σ_h e^{−E(v,h)} of the centered energy, and F̃(v) − F(v) is one constant for all 2^5 v", () => {
    const { rbm, mu, lambda } = model("centering/model");
    const p = toCentered(rbm, mu, lambda);
    const diffs: number[] = [];
    for (let x = 0; x < 1 << NV; x++) {
      const v = bits(x, NV);
      // the definition: E(v,h) = −(v−μ)ᵀW(h−λ) − (v−μ)ᵀb̃ − (h−λ)ᵀc̃, summed over the 2^4 h
      let z = 0;
      for (let y = 0; y < 1 << NH; y++) {
        const h = bits(y, NH);
        let e = 0;
        for (let i = 0; i < NV; i++) {
          e -= (v[i] - mu[i]) * p.bt[i];
          for (let j = 0; j < NH; j++) e -= (v[i] - mu[i]) * p.W[i * NH + j] * (h[j] - lambda[j]);
        }
        for (let j = 0; j < NH; j++) e -= (h[j] - lambda[j]) * p.ct[j];
        z += Math.exp(-e);
      }
      const f = centeredFreeEnergy(p, v);
      expect(f).toBeCloseTo(-Math.log(z), 12);
      diffs.push(f - freeEnergy(rbm, v, 1)[0]);
    }
    for (const d of diffs) expect(d).toBeCloseTo(diffs[0], 12);
    const back = fromCentered(p, new Rbm(NV, NH));
    for (let q = 0; q < NV; q++) expect(back.b[q]).toBeCloseTo(rbm.b[q], 14);
    for (let q = 0; q < NH; q++) expect(back.c[q]).toBeCloseTo(rbm.c[q], 14);
    expect(Array.from(back.W)).toEqual(Array.from(rbm.W));
  });

  it("one centered step of the exact gradient is W̃ += η(∇W − μ∇cᵀ − ∇bλᵀ), b̃ += η∇b, c̃ += η∇c in centered form; the offsets move to the data means", () => {
    const { rbm } = model("centering/step");
    const s = Stream.fromSeed("centering/data");
    const n = 6;
    const X = Float64Array.from({ length: n * NV }, () => +(s.uniform() < 0.4));
    const lr = 0.3;
    const nu = 0.2;
    const t = new RbmTrainer(rbm.clone(), { ...DEFAULT_TRAIN_OPTIONS, method: "exact", learningRate: lr, batchSize: n, centering: true, offsetDecay: nu }, Stream.fromSeed("centering/t"));
    const mu0 = Float64Array.from({ length: NV }, (_, i) => 0.1 + 0.15 * i);
    t.offsets!.visible.set(mu0);
    const lam0 = Float64Array.from(t.offsets!.hidden);
    t.step(X, n);
    const g = rbmExactGradient(rbm, X, n);
    const p = toCentered(rbm, mu0, lam0);
    const W = p.W.slice();
    for (let i = 0; i < NV; i++) for (let j = 0; j < NH; j++) W[i * NH + j] += lr * (g.W[i * NH + j] - mu0[i] * g.c[j] - g.b[i] * lam0[j]);
    const want = fromCentered({ W, bt: p.bt.map((x, i) => x + lr * g.b[i]), ct: p.ct.map((x, j) => x + lr * g.c[j]), mu: mu0, lambda: lam0 }, new Rbm(NV, NH));
    for (let q = 0; q < W.length; q++) expect(t.rbm.W[q]).toBeCloseTo(want.W[q], 13);
    for (let q = 0; q < NV; q++) expect(t.rbm.b[q]).toBeCloseTo(want.b[q], 13);
    for (let q = 0; q < NH; q++) expect(t.rbm.c[q]).toBeCloseTo(want.c[q], 13);
    // offsets: μ ← (1−ν)μ + ν mean(v), λ ← (1−ν)λ + ν mean p(h|v) under the model before the step
    for (let i = 0; i < NV; i++) {
      let m = 0;
      for (let r = 0; r < n; r++) m += X[r * NV + i];
      expect(t.offsets!.visible[i]).toBeCloseTo((1 - nu) * mu0[i] + (nu * m) / n, 15);
    }
    for (let j = 0; j < NH; j++) {
      let m = 0;
      for (let r = 0; r < n; r++) {
        let a = rbm.c[j];
        for (let i = 0; i < NV; i++) a += X[r * NV + i] * rbm.W[i * NH + j];
        m += 1 / (1 + Math.exp(-a));
      }
      expect(t.offsets!.hidden[j]).toBeCloseTo((1 - nu) * lam0[j] + (nu * m) / n, 14);
    }
    // control: the plain step from the same start differs (centering changes the direction)
    const plain = new RbmTrainer(rbm.clone(), { ...DEFAULT_TRAIN_OPTIONS, method: "exact", learningRate: lr, batchSize: n }, Stream.fromSeed("centering/t"));
    plain.step(X, n);
    expect(Math.max(...plain.rbm.b.map((x, i) => Math.abs(x - want.b[i])))).toBeGreaterThan(1e-3);
    plain.release();
    t.release();
  });

  it("bad centering options are one error naming the field", () => {
    for (const [o, msg] of [
      [{ centering: true, offsetDecay: 1.5 }, /^offsetDecay: expected a moving-average rate ν in \[0, 1\] \(μ ← \(1 − ν\)μ \+ ν⟨v⟩\), got 1.5$/],
      [{ centering: true, offsetDecay: -0.1 }, /^offsetDecay: expected a moving-average rate ν in \[0, 1\]/],
      [{ centering: true, offsetDecay: NaN }, /^offsetDecay: expected a moving-average rate ν in \[0, 1\].*got NaN$/],
      [{ offsetDecay: 0.1 }, /^offsetDecay: applies to the centered RBM only \(centering on\)$/],
    ] as [Partial<RbmTrainOptions>, RegExp][])
      expect(() => validateTrainOptions({ ...DEFAULT_TRAIN_OPTIONS, ...o })).toThrow(msg);
  });
});
