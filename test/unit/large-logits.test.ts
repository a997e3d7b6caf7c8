import { describe, expect, it } from "vitest";
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { SquaredLoss, TableLoss, type LossFunction } from "../../src/problems/loss.js";
import { exactGradientDual, expectedLoss } from "../../src/exact/dual.js";
import { highPrecisionSbn, sigmoidFx, toNumber } from "./high-precision.js";

// Rounding level: the engine does a few dozen float64 operations per quantity, each with relative
// error ≤ 2^-53; 1e-14 (≈ 90 ulp) separates that from any loss of precision (a 1 − σ(a) at
// a = 37 loses every digit; at a = 20 it loses 9).
const TOL = 1e-14;

function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < ref.length; k++) {
    const d = Math.abs(x[k] - ref[k]);
    worst = Math.max(worst, d === 0 ? 0 : d / Math.abs(ref[k]));
  }
  return worst;
}

function analyse(net: SigmoidBeliefNet, baseline: number) {
  const theta = net.initialParams();
  return exactAnalysis(net, theta, {
    corr: estimatorEntry(estimators.correlation, net, theta),
    corrB: estimatorEntry(estimators["correlation-constant"], net, theta, { baseline }),
  });
}

/** Worst relative error of every exact quantity against the 4096-bit reference. */
function worstAgainstReference(net: SigmoidBeliefNet, baseline: number, quantities: "all" | "loss-and-gradient" = "all"): number {
  const theta = net.initialParams();
  const r = analyse(net, baseline);
  const ref0 = highPrecisionSbn(net, theta, 0);
  const refB = highPrecisionSbn(net, theta, baseline);
  const errs = [relErr([r.expectedLoss], [ref0.expectedLoss]), relErr([r.lossVariance], [ref0.lossVariance]), relErr(r.gradient, ref0.gradient)];
  if (quantities === "all") {
    errs.push(relErr(r.estimators.corr.mean, ref0.correlationMean), relErr(r.estimators.corr.variance, ref0.correlationVariance));
    errs.push(relErr(r.estimators.corrB.mean, refB.correlationMean), relErr(r.estimators.corrB.variance, refB.correlationVariance));
  }
  return Math.max(...errs);
}

const single = (a: number, loss: LossFunction) => new SigmoidBeliefNet([], [{ weights: [[]], bias: [a] }], loss, "single");
const LOGITS = [0.5, 1, 10, 20, 36.5, 37, 50, 100, 300, 700].flatMap((a) => [a, -a]);

describe("exact moments at large logits stay at rounding level (|a| ≤ 700)", () => {
  it("σ(−a) rather than 1 − σ(a): one unit, the issue's numbers", () => {
    // dE[L]/da = σ(a)σ(−a)(L(1) − L(0)) = 0.1·σ'(a): 8.5e-18 at a = 37, 1.9e-23 at a = 50
    for (const [a, g] of [[37, 8.533047625744066e-18], [50, 1.928749847963918e-23]]) {
      const r = analyse(single(a, new SquaredLoss([0.45])), 0);
      expect(r.gradient[0] / g - 1).toBeCloseTo(0, 12);
      expect(r.estimators.corr.mean[0] / g - 1).toBeCloseTo(0, 12);
      expect(r.states).toBe(2);
    }
  });

  // Var of the correlation estimator with baseline b is σσ'(σ(−a)(L(1)−b) + σ(a)(L(0)−b))², whose
  // condition number is large where the bracket crosses 0; each b keeps L(1) − b and L(0) − b of one
  // sign (and away from 0: L(1) − 0.3 = 0.0025 would amplify the rounding of L(1) = 0.55² by 120).
  for (const [name, loss, b] of [["squared t = 0.45", new SquaredLoss([0.45]), 0.1], ["table [0.2, 1]", new TableLoss([0.2, 1]), 0.1], ["table [−3, 2]", new TableLoss([-3, 2]), 3]] as const) {
    it(`one unit, ${name}: E[L], Var[L], ∇E[L], correlation mean and variance (with and without a baseline)`, () => {
      let worst = 0;
      for (const a of LOGITS) worst = Math.max(worst, worstAgainstReference(single(a, loss), b));
      expect(worst).toBeLessThan(TOL);
    });
  }

  it("dual-number gradient and E[L] by enumeration agree with the reference", () => {
    let worst = 0;
    for (const a of LOGITS) {
      const net = single(a, new TableLoss([0.2, 1]));
      const ref = highPrecisionSbn(net, net.initialParams());
      const d = exactGradientDual(net, net.initialParams());
      worst = Math.max(worst, relErr(d.gradient, ref.gradient), relErr([d.expectedLoss], [ref.expectedLoss]), relErr([expectedLoss(net, net.initialParams())], [ref.expectedLoss]));
    }
    expect(worst).toBeLessThan(TOL);
  });

  // Belief nets with dyadic parameters (their float64 logit sums are exact), so the reference sees
  // the same logits as the engine.
  const chain = (w1: number, b1: number, w2: number, b2: number, loss: LossFunction = new SquaredLoss([0.25])) =>
    new SigmoidBeliefNet([1], [{ weights: [[w1]], bias: [b1] }, { weights: [[w2]], bias: [b2] }], loss);
  const layer2 = (a: number, b: number) =>
    new SigmoidBeliefNet([1, 1], [{ weights: [[a / 2, a / 2], [b, -b / 2]], bias: [0.5, b / 2] }], new TableLoss([0.5, -1, 2, 0.75]));

  it("belief nets, first layer saturated (|a¹| up to 700): every exact quantity", () => {
    let worst = 0;
    for (const a of LOGITS) {
      worst = Math.max(worst, worstAgainstReference(chain(a / 2, a / 2, 1.5, -0.5), 0.3));
      worst = Math.max(worst, worstAgainstReference(layer2(a, 0.75), 0.3));
      worst = Math.max(worst, worstAgainstReference(layer2(a, -a), 0.3));
    }
    expect(worst).toBeLessThan(TOL);
  });

  it("belief nets, second layer saturated either way by h¹ (a² = ±|a|)", () => {
    let worst = 0;
    for (const a of LOGITS.filter((x) => x > 0)) worst = Math.max(worst, worstAgainstReference(chain(0.75, -0.25, 2 * a, -a), 0.3));
    expect(worst).toBeLessThan(TOL);
  });

  it("belief nets, both layers saturated: E[L], Var[L] and ∇E[L] (the loss is centred at the most likely configuration)", () => {
    // ∂E/∂b¹ = σ'(a¹)(E[L|h¹=1] − E[L|h¹=0]); both conditionals are L(1) − O(e^{−|a²|}), so summing
    // L itself would cancel every digit; E[L − L(h*)] does not.
    let worst = 0;
    for (const a of LOGITS.filter((x) => Math.abs(x) >= 10)) worst = Math.max(worst, worstAgainstReference(chain(a / 2, a / 2, 0.5 * Math.abs(a), Math.abs(a)), 0.3, "loss-and-gradient"));
    expect(worst).toBeLessThan(TOL);
  });

  it("the reference itself: σ(37) − 1 and σ(−700) at 4096 bits", () => {
    expect(toNumber(sigmoidFx(-37)) / 8.533047625744066e-17 - 1).toBeCloseTo(0, 14);
    expect(toNumber(sigmoidFx(-700)) / Math.exp(-700) - 1).toBeCloseTo(0, 14);
  });

  it("every estimator's exact moments at a saturated unit are right or refused (never 0 for a nonzero mean)", () => {
    // unbiased estimators whose exact engine works in uniform-noise cells or on [0, 1] (AR, ARM,
    // DisARM, REBAR, RELAX) returned mean 0 at a = 37, i.e. 'biased'; now each is exact or refused
    for (const a of [-50, -37, -20, 20, 37, 50]) {
      const p = single(a, new SquaredLoss([0.45]));
      const th = p.initialParams();
      const entries = Object.fromEntries(Object.entries(estimators).filter(([, s]) => !s.applicable(p)).map(([id, s]) => [id, estimatorEntry(s, p, th)]));
      const r = exactAnalysis(p, th, entries);
      for (const [id, m] of Object.entries(r.estimators)) {
        expect(Number.isFinite(m.mean[0]) && Number.isFinite(m.variance[0]), id).toBe(true);
        if (estimators[id as keyof typeof estimators].unbiased) expect(Math.abs(m.mean[0] / r.gradient[0] - 1), `${id} at a = ${a}`).toBeLessThan(1e-12);
      }
      for (const [id, why] of Object.entries(r.unavailable ?? {})) expect(why, id).toMatch(/refused|cannot|skipped/);
      expect(Object.keys(r.estimators)).toEqual(expect.arrayContaining(["correlation", "rloo", "muprop", "nvil"]));
    }
  });
});
