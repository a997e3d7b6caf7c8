import { describe, expect, it } from "vitest";
import { exactAnalysis, enumerationAnalysis } from "../../src/exact/moments.js";
import { exactGradientDual, exactGradientFiniteDifference, expectedLoss } from "../../src/exact/dual.js";
import { estimators } from "../../src/estimators/registry.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { sampleDraws, sampleMoments, warmUp } from "../../src/estimators/sample.js";
import { referenceNet, singleUnit } from "../../src/problems/reference.js";
import { sampleConfigurations } from "../../src/problems/sample.js";
import { vimcoObjective } from "../../src/estimators/vimco.js";
import { Stream } from "../../src/random/stream.js";
import { InputError } from "../../src/errors.js";

const net = referenceNet();
const P = net.nParams;
const th = net.initialParams();
const nanTheta = () => {
  const t = th.slice();
  t[3] = Number.NaN;
  return t;
};

/** fn throws an InputError whose message matches re */
function rejects(fn: () => unknown, re: RegExp) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an InputError matching ${re}`).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(re);
}

describe("the library boundary validates θ, noise, buffers and counts (once per call)", () => {
  it("exactAnalysis and its engines: θ of the wrong length or with NaN", () => {
    rejects(() => exactAnalysis(net, th.subarray(1)), /θ: expected 56 entries, got 55/);
    rejects(() => exactAnalysis(net, nanTheta()), /θ\[3\]: expected a finite number, got NaN/);
    rejects(() => enumerationAnalysis(net, nanTheta()), /θ\[3\]/);
    rejects(() => enumerationAnalysis(net, new Float64Array(P + 2)), /θ: expected 56 entries, got 58/);
    for (const f of [expectedLoss, exactGradientDual, exactGradientFiniteDifference]) rejects(() => f(net, nanTheta()), /θ\[3\]/);
    rejects(() => exactGradientFiniteDifference(net, th, 0), /eps: expected a finite step > 0/);
  });

  it("an estimator from the registry: create and estimate check θ, the noise and the output buffer", () => {
    rejects(() => estimators.correlation.create(net, nanTheta()), /θ\[3\]/);
    rejects(() => estimatorEntry(estimators.correlation, net, new Float64Array(3)), /θ: expected 56 entries, got 3/);
    const inst = estimators.correlation.create(net, th);
    const u = new Float64Array(net.nUnits).fill(0.5);
    const out = new Float64Array(P);
    rejects(() => inst.estimate(th.subarray(0, 10), u, out), /correlation\.estimate: θ has 10 entries, the problem has 56 parameters/);
    rejects(() => inst.estimate(nanTheta(), u, out), /correlation\.estimate: θ\[3\]/);
    rejects(() => inst.estimate(th, u.subarray(2), out), /correlation\.estimate: noise has 10 entries, the estimator reads 12/);
    rejects(() => inst.estimate(th, u, new Float64Array(P - 1)), /correlation\.estimate: out has 55 entries, the problem has 56 parameters/);
    inst.estimate(th, u, out); // and a good call still works, same as before
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it("sampleMoments, sampleDraws and warmUp: n ≤ 1, θ wrong or NaN", () => {
    const inst = estimators.correlation.create(net, th);
    rejects(() => sampleMoments(inst, th, 1, Stream.fromSeed("s")), /n: expected an integer number of draws ≥ 2, got 1/);
    rejects(() => sampleMoments(inst, th, 2.5, Stream.fromSeed("s")), /n: expected an integer/);
    rejects(() => sampleMoments(inst, nanTheta(), 100, Stream.fromSeed("s")), /θ\[3\]/);
    rejects(() => sampleMoments(inst, th.subarray(1), 100, Stream.fromSeed("s")), /θ: expected 56 entries, got 55/);
    rejects(() => sampleDraws(3, 0, Stream.fromSeed("s"), () => {}), /n: expected an integer number of draws ≥ 2, got 0/);
    rejects(() => sampleDraws(-1, 10, Stream.fromSeed("s"), () => {}), /dim: expected an integer ≥ 0/);
    rejects(() => warmUp(estimators["correlation-ma"].create(net, th), nanTheta(), 10, Stream.fromSeed("s")), /θ\[3\]/);
    const m = sampleMoments(inst, th, 100, Stream.fromSeed("s"));
    expect(m.variance.every(Number.isFinite)).toBe(true);
  });

  it("other entry points with θ or counts: sampleConfigurations, vimcoObjective", () => {
    const one = singleUnit(0.3, 0.45);
    rejects(() => sampleConfigurations(one, new Float64Array([Number.POSITIVE_INFINITY]), 10, Stream.fromSeed("s")), /θ\[0\]: expected a finite number, got Infinity/);
    rejects(() => sampleConfigurations(one, one.initialParams(), -1, Stream.fromSeed("s")), /n: expected an integer/);
    rejects(() => vimcoObjective(one, new Float64Array([Number.NaN]), 2), /θ\[0\]/);
    rejects(() => vimcoObjective(one, one.initialParams(), 0), /K/);
  });
});
