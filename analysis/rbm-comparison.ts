/**
 * The RBM on which SPSA and FDSA meet the Boltzmann machine's own gradient estimators: a model
 * small enough to enumerate (2×2 bars-and-stripes, nV = 4, nH = 12, 64 parameters) and every
 * estimator of ∇(−mean log p(v)) compared on it, each with its cost per estimate. Shared by the
 * spsa-rbm figure (figures/spsa-rbm.ts) and its benchmark (bench/spsa.ts).
 * Sources: Bengio 2013, arXiv 1305.2982, §5 (X⁺ − X⁻); Spall 1992 (SPSA); Hinton 2002 (CD-k);
 * Tieleman 2008 (PCD).
 */
import { RbmExactSampleEstimator, RbmNegLogLikelihood, RbmUnrolledEstimator } from "../src/boltzmann/rbm-objective.js";
import { gradientToFlat, Rbm } from "../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer } from "../src/boltzmann/trainer.js";
import { barsAndStripes } from "../src/data/bars-and-stripes.js";
import { FdKernel } from "../src/estimators/finite-difference.js";
import { objectiveOracle } from "../src/estimators/oracle.js";
import { SpsaKernel } from "../src/estimators/spsa.js";
import { Stream } from "../src/random/stream.js";
import ops from "ndarray-ops";
import { vectorView } from "../src/ndarray.js";

export const RBM_SETUP = { barsSize: 2, nHidden: 12, initScale: 0.5, initKey: "spsa-rbm/init" } as const;

/** The comparison's model: 2×2 bars-and-stripes, nV = 4, nH = 12 (64 parameters), θ from a fixed key. */
export function rbmComparisonModel(scale: number = RBM_SETUP.initScale): RbmNegLogLikelihood {
  const bas = barsAndStripes(RBM_SETUP.barsSize);
  const rbm = Rbm.random(bas.dim, RBM_SETUP.nHidden, Stream.fromSeed(RBM_SETUP.initKey), scale);
  return new RbmNegLogLikelihood(rbm, bas.data, bas.count);
}

/** Gibbs steps of the unrolled-chain (B4) estimator */
export const B4_STEPS = 10;

/** A gradient estimator of L = −mean log p(v): ĝ(θ) → out; cost per estimate. */
export interface RbmEstimator {
  id: string;
  label: string;
  /** exact-likelihood evaluations per estimate (SPSA 2, FDSA 2p; exact gradient counted as 1 enumeration) */
  lossEvaluations: number;
  /** Gibbs sweeps (CD-k, PCD-k) per estimate */
  gibbsSweeps: number;
  /** multiply–adds per estimate (operation-count cost model) */
  multiplyAdds: number;
  estimate(theta: Float64Array, out: Float64Array): void;
}

/** The estimators compared, each with its own stream. */
export function rbmEstimators(nll: RbmNegLogLikelihood, stream: Stream, c = 0.05): RbmEstimator[] {
  const r = nll.rbm;
  const nV = r.nVisible;
  const nH = r.nHidden;
  const n = nll.n;
  const vh = nV * nH;
  const enumCost = 2 ** Math.min(nV, nH) * Math.max(nV, nH);
  const llCost = enumCost + n * vh;
  const o = objectiveOracle(nll);
  const spsaK = new SpsaKernel(o, { c });
  const fdK = new FdKernel(o, { c, scheme: "central" });
  const spsaNoise = new Float64Array(spsaK.noiseSize);
  const sSpsa = stream.fork("spsa");
  const xs = new RbmExactSampleEstimator(nll);
  const xsNoise = new Float64Array(xs.noiseSize);
  const sXs = stream.fork("exact-sample");
  const trainer = (method: "cd" | "pcd", k: number, key: string) => {
    const model = nll.rbm.clone();
    const t = new RbmTrainer(model, { ...DEFAULT_TRAIN_OPTIONS, method, k, batchSize: n, chains: n, meanFieldHidden: true }, stream.fork(key));
    const flat = new Float64Array(model.nParams);
    return (theta: Float64Array, out: Float64Array) => {
      model.W.set(theta.subarray(0, vh));
      model.b.set(theta.subarray(vh, vh + nV));
      model.c.set(theta.subarray(vh + nV));
      gradientToFlat(t.estimate(nll.data, n), flat);
      ops.neg(vectorView(out), vectorView(flat));
    };
  };
  const b4 = new RbmUnrolledEstimator(nll, B4_STEPS);
  const b4Noise = new Float64Array(b4.noiseSize);
  const sB4 = stream.fork("b4");
  const cd1 = trainer("cd", 1, "cd1");
  const cd10 = trainer("cd", 10, "cd10");
  const pcd = trainer("pcd", 1, "pcd");
  return [
    { id: "exact", label: "exact (enumeration)", lossEvaluations: 1, gibbsSweeps: 0, multiplyAdds: 2 ** Math.min(nV, nH) * vh + n * vh, estimate: (t, out) => nll.gradient(t, out) },
    { id: "x-exact-samples", label: "X⁺ − X⁻, exact samples (§5)", lossEvaluations: 0, gibbsSweeps: 0, multiplyAdds: 2 ** nV * nH + 2 * vh, estimate: (t, out) => xs.estimate(t, sXs.uniforms(xsNoise), out) },
    { id: "b4", label: `Thm 1 on unrolled Gibbs (B4), T = ${B4_STEPS}`, lossEvaluations: 0, gibbsSweeps: B4_STEPS, multiplyAdds: 2 * B4_STEPS * vh + 2 ** nV * nH, estimate: (t, out) => void b4.estimate(t, sB4.uniforms(b4Noise), out) },
    { id: "cd1", label: "CD-1", lossEvaluations: 0, gibbsSweeps: 1, multiplyAdds: 4 * n * vh, estimate: cd1 },
    { id: "cd10", label: "CD-10", lossEvaluations: 0, gibbsSweeps: 10, multiplyAdds: (2 + 2 * 10) * n * vh, estimate: cd10 },
    { id: "pcd1", label: "PCD-1", lossEvaluations: 0, gibbsSweeps: 1, multiplyAdds: 4 * n * vh, estimate: pcd },
    { id: "spsa", label: `SPSA (c = ${c})`, lossEvaluations: 2, gibbsSweeps: 0, multiplyAdds: 2 * llCost, estimate: (t, out) => void spsaK.estimate(t, sSpsa.uniforms(spsaNoise), out) },
    { id: "fdsa", label: `FDSA central (c = ${c})`, lossEvaluations: fdK.lossEvaluations, gibbsSweeps: 0, multiplyAdds: fdK.lossEvaluations * llCost, estimate: (t, out) => void fdK.estimate(t, spsaNoise, out) },
  ];
}
