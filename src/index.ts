/**
 * stochgrad library entry point: problems, estimators (one contract, typed registry), the exact
 * engine, seeded streams and statistics. Claims and figures live in analysis/ and figures/.
 */
export { Stream, type StreamSnapshot } from "./random/stream.js";
export * from "./numerics.js";
export * from "./stats/accumulator.js";
export * from "./stats/tests.js";
export * from "./problems/types.js";
export { SigmoidBeliefNet, type SbnLayerSpec } from "./problems/sbn.js";
export { DelayedReward, type DelayedRewardSpec } from "./problems/delayed.js";
export { SquaredLoss, TableLoss, parseLoss, type LossFunction } from "./problems/loss.js";
export { problemFromJSON, problemFromText, registerProblemKind, problemKinds } from "./problems/json.js";
export * from "./problems/reference.js";
export * from "./estimators/types.js";
export { estimators, getEstimator, parseEstimatorList, isEstimatorId, type EstimatorId } from "./estimators/registry.js";
export { correlationEstimate, optimalBaseline } from "./estimators/correlation.js";
export { sampleMoments, type SampleMoments } from "./estimators/sample.js";
export { enumerateConfigurations, assertEnumerable, MAX_ENUMERABLE_UNITS } from "./exact/enumerate.js";
export { exactAnalysis, type ExactAnalysis } from "./exact/moments.js";
export { exactGradientDual, exactGradientFiniteDifference, expectedLoss, dualMul, dualSigmoid } from "./exact/dual.js";
export * from "./boltzmann/rbm.js";
export * from "./boltzmann/exact.js";
export * from "./boltzmann/ais.js";
export * from "./boltzmann/bm.js";
export * from "./boltzmann/joint.js";
export * from "./boltzmann/unrolled.js";
export { barsAndStripes } from "./data/bars-and-stripes.js";
export { loadMnist, binarize, parseIdxImages, parseIdxLabels, readIdxImages, readIdxLabels, mnistDataDir, type Binarize, type IdxImages, type MnistSplit } from "./data/mnist.js";
export { gemm } from "./linalg/gemm.js";
