// Gater-gradient probes on a small gated MLP, seeded, at a stated α: the unbiased layer estimators'
// means agree with the exact gate gradient (enumeration of the gate configurations), along ∇ (the
// reproduction's verdict) and coordinate-wise; straight-through and STS are rejected by the same
// test along ∇ (their bias is what the reproduction reports); the pathwise gradient of noisy
// rectifiers agrees with the mean of the independent score-function estimator, and a reference off
// by 10 % is rejected.
import { describe, expect, it } from "vitest";
import { layerEstimators, type LayerEstimatorId } from "../../src/nets/estimators/registry.js";
import { GatedMlp } from "../../src/nets/gated-mlp.js";
import { biasReport, layerGradientMoments, unitDirection, type ReferenceGradient } from "../../src/nets/probe.js";
import { layerUnit, type UnitKind } from "../../src/nets/units.js";
import { Stream } from "../../src/random/stream.js";

const ALPHA = 1e-6;
const ROWS = 12;

function model(unit: UnitKind, est: LayerEstimatorId, options?: Record<string, number>): GatedMlp {
  const m = new GatedMlp({ inputWidth: 10, classes: 4, hidden: 12, gates: 4, gaterHidden: 5, unit: layerUnit(unit, { s: 0.8 }), estimator: layerEstimators[est], estimatorOptions: options, sparsity: { target: 0.3, weight: 1 }, maxRows: ROWS });
  m.network.init(Stream.fromSeed("probe/init"));
  return m;
}

const s = Stream.fromSeed("probe/data");
const batch = { n: ROWS, x: Float64Array.from({ length: ROWS * 10 }, () => s.uniform()), labels: Uint8Array.from({ length: ROWS }, () => s.int(4)) };

function moments(m: GatedMlp, draws: number, key: string, direction: Float64Array | null = null) {
  const dim = m.gaterParams().length;
  return layerGradientMoments(m.network, m.gateLayer!, batch, draws, Stream.fromSeed(key), dim, (dA, out) => m.gaterGradient(dA, out), direction);
}

function exactReference(m: GatedMlp): ReferenceGradient {
  const dim = m.gaterParams().length;
  m.network.fillNoise(Stream.fromSeed("probe/upstream"), ROWS);
  m.network.forward(batch);
  const dA = new Float64Array(ROWS * 4);
  m.exactGateGradient(dA);
  const mean = new Float64Array(dim);
  m.gaterGradient(dA, mean);
  return { mean, se: new Float64Array(dim), source: "exact", draws: 0 };
}

describe("gater-gradient probes against the exact gate gradient", () => {
  for (const [unit, est, opt] of [
    ["bernoulli", "correlation"],
    ["bernoulli", "correlation-ma"],
    ["bernoulli", "correlation-optimal-online"],
    ["bernoulli", "rloo", { K: 3 }],
    ["bernoulli", "arm"],
    ["bernoulli", "disarm"],
  ] as [UnitKind, LayerEstimatorId, Record<string, number>?][]) {
    it(`${est}: no significant bias at α = ${ALPHA}`, () => {
      const m = model(unit, est, opt);
      const ref = exactReference(m);
      const d = unitDirection(ref.mean);
      const r = biasReport(moments(m, 40000, `probe/${est}`, d), ref, ALPHA, d);
      expect(r.along!.significant, `|z| ${r.along!.z} > ${r.along!.critical}`).toBe(false);
      expect(r.coordinates.pass, `max |z| ${r.coordinates.maxAbsZ} > ${r.coordinates.critical}`).toBe(true);
    });
  }
  for (const [unit, est] of [
    ["bernoulli", "straight-through"],
    ["bernoulli", "straight-through-sigmoid"],
    ["sts", "sts"],
  ] as [UnitKind, LayerEstimatorId][]) {
    it(`${est}: biased — the same test rejects it`, () => {
      const m = model(unit, est);
      const ref = exactReference(m);
      const d = unitDirection(ref.mean);
      const r = biasReport(moments(m, 4000, `probe/${est}`, d), ref, ALPHA, d);
      expect(r.along!.significant).toBe(true);
    });
  }
  it("pathwise through noisy rectifiers agrees with the score-function mean; a reference off by 10 % is rejected", () => {
    const m = model("noisy-rectifier", "pathwise");
    const ref = model("noisy-rectifier", "score-injected", { K: 8 });
    const d = unitDirection(moments(ref, 4000, "probe/pilot").mean);
    const rm = moments(ref, 40000, "probe/score", d);
    const reference: ReferenceGradient = { mean: rm.mean, se: rm.variance.map((v) => Math.sqrt(v / rm.draws)), source: "score-injected", draws: rm.draws, along: { mean: rm.along!.mean, se: Math.sqrt(rm.along!.variance / rm.draws) } };
    const pm = moments(m, 20000, "probe/pathwise", d);
    const r = biasReport(pm, reference, ALPHA, d);
    expect(r.along!.significant).toBe(false);
    expect(r.coordinates.pass).toBe(true);
    const off = { ...reference, mean: reference.mean.map((v) => 0.9 * v), along: { mean: 0.9 * reference.along!.mean, se: 0.9 * reference.along!.se } };
    expect(biasReport(pm, off, ALPHA, d).along!.significant).toBe(true);
  });
});
