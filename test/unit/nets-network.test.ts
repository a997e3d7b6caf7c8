// The batched network of src/nets: back-propagation against central differences, the 0/1-operand
// products against the dense ones, the mean-field pass and re-runs, the exact gate gradient of the
// gated MLP against differences of an independently enumerated expectation, resume, bad inputs.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { getLayerEstimator, layerEstimators } from "../../src/nets/estimators/registry.js";
import { GatedMlp } from "../../src/nets/gated-mlp.js";
import { NetworkBuilder, type Network } from "../../src/nets/network.js";
import { productXtD, productXW } from "../../src/nets/ops.js";
import { Trainer } from "../../src/nets/train.js";
import { layerUnit } from "../../src/nets/units.js";
import { maxRelativeError } from "../../src/numerics.js";
import { Momentum } from "../../src/optim/momentum.js";
import { Stream } from "../../src/random/stream.js";
import type { ClassificationSet } from "../../src/nets/data.js";

const rows = (n: number, d: number, seed: string) => {
  const s = Stream.fromSeed(seed);
  return Float64Array.from({ length: n * d }, () => s.uniform());
};

/** Central differences of J(θ) (noise held fixed) in every coordinate. */
function centralDifferences(net: Network, J: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(net.nParams);
  for (let k = 0; k < net.nParams; k++) {
    const t = net.theta[k];
    net.theta[k] = t + h;
    const up = J();
    net.theta[k] = t - h;
    const dn = J();
    net.theta[k] = t;
    g[k] = (up - dn) / (2 * h);
  }
  return g;
}

describe("src/nets network", () => {
  it("back-propagates exactly through dense, rectifier, gating and softmax cross-entropy (central differences)", () => {
    const b = new NetworkBuilder();
    const x = b.input("x", 5);
    const main = b.relu("m", b.dense("d1", x, 6));
    const gates = b.dense("g", x, 2);
    const out = b.dense("o", b.gate("gated", main, gates, 3), 3);
    b.softmaxCrossEntropy("ce", out);
    const net = b.build(4);
    net.init(Stream.fromSeed("fd"));
    const batch = { n: 4, x: rows(4, 5, "fd/x"), labels: new Uint8Array([0, 2, 1, 2]) };
    net.forward(batch);
    net.backward();
    const fd = centralDifferences(net, () => net.forward(batch));
    // central differences of a smooth function at h = 1e-6: error O(h²·J''') + O(ε/h) ≈ 1e-9 relative
    expect(maxRelativeError(net.grad, fd)).toBeLessThan(1e-7);
    expect(maxRelativeError(fd.map((v) => 1.01 * v), fd)).toBeGreaterThan(1e-7);
  });

  it("the pathwise gradient of noisy rectifiers with a sparsity penalty is the derivative of J at fixed noise", () => {
    const b = new NetworkBuilder();
    const x = b.input("x", 3);
    const g = b.stochastic("h", b.dense("a", x, 4), { unit: layerUnit("noisy-rectifier", { s: 0.5 }), estimator: layerEstimators.pathwise, sparsity: { target: 0.3, weight: 0.7 } });
    b.squared("loss", g, [0.2, 0.5, 0, 1]);
    const net = b.build(5);
    net.init(Stream.fromSeed("nr"));
    net.fillNoise(Stream.fromSeed("nr/noise"), 5);
    const batch = { n: 5, x: rows(5, 3, "nr/x") };
    net.forward(batch);
    net.backward();
    const fd = centralDifferences(net, () => net.forward(batch));
    expect(maxRelativeError(net.grad, fd)).toBeLessThan(1e-7);
  });

  it("products with a 0/1 left operand (row additions) equal the dense products", () => {
    const s = Stream.fromSeed("binary");
    const n = 7, K = 9, N = 5;
    const X = Float64Array.from({ length: n * K }, () => +(s.uniform() < 0.3));
    const W = Float64Array.from({ length: K * N }, () => s.uniform() - 0.5);
    const D = Float64Array.from({ length: n * N }, () => s.uniform() - 0.5);
    const y1 = new Float64Array(n * N).fill(Number.NaN);
    const y2 = new Float64Array(n * N);
    productXW(X, n, K, W, N, 1, 0, y1, true);
    productXW(X, n, K, W, N, 1, 0, y2, false);
    expect(maxRelativeError(y1, y2)).toBeLessThan(1e-15);
    const g1 = new Float64Array(K * N).fill(1);
    const g2 = new Float64Array(K * N).fill(1);
    productXtD(X, n, K, D, N, 0.5, 1, g1, true);
    productXtD(X, n, K, D, N, 0.5, 1, g2, false);
    expect(maxRelativeError(g1, g2)).toBeLessThan(1e-15);
  });

  it("re-runs reproduce the main pass, and the mean-field pass returns ∂f/∂h̄ (central differences)", () => {
    const b = new NetworkBuilder();
    const x = b.input("x", 4);
    const h1 = b.stochastic("h1", b.dense("a1", x, 3), { unit: layerUnit("bernoulli"), estimator: layerEstimators.correlation });
    const h2 = b.stochastic("h2", b.dense("a2", h1, 3), { unit: layerUnit("bernoulli"), estimator: layerEstimators.correlation });
    b.softmaxCrossEntropy("ce", b.dense("o", h2, 3));
    const net = b.build(2);
    net.init(Stream.fromSeed("mf"));
    net.fillNoise(Stream.fromSeed("mf/noise"), 2);
    net.forward({ n: 2, x: rows(2, 4, "mf/x"), labels: new Uint8Array([1, 2]) });
    const sig = net.signalsOf(h1);
    const f = new Float64Array(2);
    sig.rerun(net.output(h1).slice(), f);
    expect(Array.from(f)).toEqual(Array.from(net.f.subarray(0, 2)));
    const hBar = Float64Array.from([0.2, 0.7, 0.4, 0.9, 0.1, 0.5]);
    const dfdh = new Float64Array(6);
    const fm = new Float64Array(2);
    sig.meanField!(hBar, fm, dfdh);
    const fd = new Float64Array(6);
    for (let k = 0; k < 6; k++) {
      const e = 1e-6;
      const up = hBar.slice();
      up[k] += e;
      const dn = hBar.slice();
      dn[k] -= e;
      const fu = new Float64Array(2);
      const fl = new Float64Array(2);
      sig.meanField!(up, fu, new Float64Array(6));
      sig.meanField!(dn, fl, new Float64Array(6));
      fd[k] = (fu[Math.floor(k / 3)] - fl[Math.floor(k / 3)]) / (2 * e);
    }
    expect(maxRelativeError(dfdh, fd)).toBeLessThan(1e-7);
  });

  for (const unit of ["bernoulli", "sts"] as const) {
    it(`the exact gate gradient of ${unit} gates equals central differences of E[f] enumerated through re-runs`, () => {
      const model = new GatedMlp({ inputWidth: 5, classes: 3, hidden: 6, gates: 3, gaterHidden: 2, unit: layerUnit(unit), estimator: unit === "sts" ? layerEstimators.sts : layerEstimators.disarm, maxRows: 2 });
      const net = model.network;
      net.init(Stream.fromSeed(`exact/${unit}`));
      const batch = { n: 2, x: rows(2, 5, `exact/${unit}/x`), labels: new Uint8Array([2, 0]) };
      net.fillNoise(Stream.fromSeed("exact/noise"), 2);
      net.forward(batch);
      const exact = new Float64Array(2 * 3);
      model.exactGateGradient(exact);
      // E[(1/n)Σ_r f_r] over the 2³ gate configurations, each evaluated by re-running the downstream network
      const expected = (): number => {
        net.forward(batch);
        const a = net.output(model.gateLogits!);
        const sig = net.signalsOf(model.gateLayer!);
        const h = new Float64Array(6);
        const f = new Float64Array(2);
        let E = 0;
        for (let z = 0; z < 8; z++) {
          let p = [1, 1];
          for (let r = 0; r < 2; r++) {
            for (let j = 0; j < 3; j++) {
              const q = model.gateLayer!.unit.onProbability(a[r * 3 + j]);
              const on = (z >> j) & 1;
              p[r] *= on ? q : 1 - q;
              h[r * 3 + j] = on ? (unit === "sts" ? Math.sqrt(1 / (1 + Math.exp(-a[r * 3 + j]))) : 1) : 0;
            }
          }
          sig.rerun(h, f);
          E += (p[0] * f[0] + p[1] * f[1]) / 2;
          p = [1, 1];
        }
        return E;
      };
      // Σ_r ∂/∂a_rj = ∂/∂c_j, c the gate-logit biases
      const { b: c } = model.gateLogits!.split(net.paramsOf(model.gateLogits!));
      for (let j = 0; j < 3; j++) {
        const t = c[j];
        c[j] = t + 1e-6;
        const up = expected();
        c[j] = t - 1e-6;
        const dn = expected();
        c[j] = t;
        const fd = (up - dn) / 2e-6;
        expect(Math.abs(exact[j] + exact[3 + j] - fd)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
      }
    });
  }

  it("a trainer restored from its state after epoch 1 continues bit for bit", () => {
    const s = Stream.fromSeed("resume/data");
    const set: ClassificationSet = { n: 30, dim: 6, classes: 3, x: Float64Array.from({ length: 180 }, () => s.uniform()), labels: Uint8Array.from({ length: 30 }, () => s.int(3)) };
    const make = () => {
      const m = new GatedMlp({ inputWidth: 6, classes: 3, hidden: 4, gates: 2, gaterHidden: 0, unit: layerUnit("bernoulli"), estimator: layerEstimators["correlation-optimal-online"], sparsity: { target: 0.4, weight: 0.5 }, maxRows: 8 });
      m.network.init(Stream.fromSeed("resume/init"));
      return { m, t: new Trainer(m.network, set, { batchSize: 8, learningRate: 0.01 }, Stream.fromSeed("resume/train")) };
    };
    const a = make();
    a.t.epoch();
    a.t.epoch();
    const b1 = make();
    b1.t.epoch();
    const state = JSON.parse(JSON.stringify(b1.t.state()));
    const b2 = make();
    b2.t.restore(state);
    b2.t.epoch();
    expect(Array.from(b2.m.network.theta)).toEqual(Array.from(a.m.network.theta));
    expect(b2.t.state().estimators).toEqual(a.t.state().estimators);
  });

  it("SGD with momentum: v ← μv − αg, θ ← θ + v (and Nesterov's θ ← θ + μv − αg)", () => {
    const p = Float64Array.from([1, -2]);
    const m = new Momentum(2, { lr: 0.1, momentum: 0.5 });
    m.step(p, [1, 2]);
    m.step(p, [1, 2]);
    // v₁ = −0.1·g, v₂ = 0.5·v₁ − 0.1·g = −0.15·g; θ = θ₀ − 0.25·g
    expect(Array.from(p)).toEqual([1 - 0.25, -2 - 0.5]);
    const q = Float64Array.from([0]);
    const n = new Momentum(1, { lr: 0.1, momentum: 0.5, nesterov: true });
    n.step(q, [1]);
    expect(q[0]).toBeCloseTo(0.5 * -0.1 - 0.1, 15);
    expect(() => new Momentum(1, { momentum: 1 })).toThrow(/momentum: expected a number in \[0, 1\), got 1/);
  });

  it("bad inputs: an estimator on a layer it cannot serve, no back-propagated signal, a sparsity target outside [0, 1]", () => {
    const gated = (unit: "bernoulli" | "noisy-rectifier", est: keyof typeof layerEstimators, extra: object = {}) =>
      new GatedMlp({ inputWidth: 4, classes: 2, hidden: 4, gates: 2, gaterHidden: 0, unit: layerUnit(unit), estimator: layerEstimators[est], maxRows: 2, ...extra });
    expect(() => gated("noisy-rectifier", "straight-through")).toThrow(InputError);
    expect(() => gated("noisy-rectifier", "straight-through")).toThrow(/layer "gates": estimator straight-through serves bernoulli units, not noisy-rectifier units/);
    expect(() => gated("bernoulli", "straight-through", { loss: "zero-one" })).toThrow(/layer "gates": estimator straight-through needs a back-propagated signal, but "loss" downstream is not differentiable/);
    expect(() => gated("bernoulli", "correlation", { loss: "zero-one" })).not.toThrow();
    expect(() => gated("bernoulli", "correlation", { sparsity: { target: 1.5, weight: 1 } })).toThrow(/^sparsity: expected a target fraction of gates on in \[0, 1\], got 1.5$/);
    expect(() => gated("bernoulli", "correlation", { sparsity: { target: -0.1, weight: 1 } })).toThrow(/sparsity: .* got -0.1$/);
    expect(() => gated("bernoulli", "rloo", { estimatorOptions: { K: 1 } })).toThrow(/estimatorOptions.K: rloo: expected an integer number of samples in \[2, 4096\], got 1/);
    expect(() => gated("bernoulli", "arm", { estimatorOptions: { K: 2 } })).toThrow(/estimatorOptions.K: arm has no option "K" \(it takes no options\)/);
    const b = new NetworkBuilder();
    const x = b.input("x", 2);
    const h1 = b.stochastic("h1", b.dense("a1", x, 2), { unit: layerUnit("bernoulli"), estimator: layerEstimators["straight-through"] });
    const h2 = b.stochastic("h2", b.dense("a2", h1, 2), { unit: layerUnit("bernoulli"), estimator: layerEstimators.arm });
    b.squared("l", h2, [0, 1]);
    expect(() => b.build(1)).toThrow(/layer "h1": estimator straight-through needs a back-propagated signal, but the stochastic layer "h2" downstream uses arm, which does not back-propagate/);
    expect(() => getLayerEstimator("rebar")).toThrow(/^estimator: unknown layer estimator "rebar" \(known: correlation, .*gumbel-softmax\)$/);
    const nr = gated("noisy-rectifier", "pathwise");
    expect(() => nr.exactGateGradient(new Float64Array(4))).toThrow(/needs discrete gates \(noisy-rectifier noise is continuous\)/);
  });
});
