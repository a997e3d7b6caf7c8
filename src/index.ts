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
export { gaussHermite, gaussianExpectationGH, gaussKronrod15, integrate, integrateVector, gaussianExpectation, gaussianExpectationVector, type QuadratureRule, type QuadResult, type IntegrateOptions } from "./exact/quadrature.js";
export * from "./neurons/index.js";
export { requireNoiseScale } from "./neurons/types.js";
export { NoisyNet, noisySingle, LinearLoss, parseContinuousLoss, noisyNetFromJSON, noisySingleFromJSON, type NoisyLayerSpec, type NoisyWorkspace } from "./problems/noisy-net.js";
export { integrateNoise, noisyEstimatorMoments, noisyExactAnalysis, quadratureApplicable, quadratureCost, MAX_QUADRATURE_COST } from "./exact/noisy.js";
export { fitLearnedPredictor, PredictorFeatures, LeastSquaresStats, predict, solvePivoted, parameterOwners, N_FEATURES } from "./estimators/learned-predictor.js";
// Estimator families beyond the seed (issue 6)
export { createRloo, rlooExactMoments, rlooSamples } from "./estimators/rloo.js";
export { createAr } from "./estimators/ar.js";
export { createArm } from "./estimators/arm.js";
export { createDisarm } from "./estimators/disarm.js";
export { createGumbelSoftmax } from "./estimators/gumbel-softmax.js";
export { createStGumbel } from "./estimators/st-gumbel.js";
export { createRebar, ConcreteControl } from "./estimators/rebar.js";
export { createRelax, type RelaxInstance, type RelaxOptions } from "./estimators/relax.js";
export { RelaxedNet, MultilinearLoss, continuousLoss, conditionalLogistic, logisticNoise, type ContinuousLoss } from "./estimators/relaxation.js";
export { FactorizedView, factorizedReason } from "./estimators/factorized.js";
export { singleUnitMoments } from "./estimators/single-unit-quadrature.js";
export { sequentialCellMoments } from "./exact/sequential-cells.js";
export { AntitheticChains, unitLayers } from "./estimators/antithetic.js";
// MuProp, NVIL, VIMCO (issue 14): control variates and baselines that keep the estimator unbiased
export { createMuprop, mupropBaselineDecay } from "./estimators/muprop.js";
export { meanFieldOf, type MeanFieldExpansion, type MeanFieldProblem } from "./estimators/mean-field.js";
export { createNvil, nvilOptions, type NvilInstance, type NvilOptions } from "./estimators/nvil.js";
export { createVimco, negLogMeanExp, vimcoObjective, vimcoSamples } from "./estimators/vimco.js";
export { kSampleMoments, kSampleObjective, requireJointEnumerable, MAX_JOINT_LOG2 } from "./exact/k-sample.js";
export { Adam, type AdamOptions } from "./optim/adam.js";
// SPSA / finite differences (issue 4): loss oracles, kernels with exact moments, test objectives, optimisers
export * from "./problems/functions.js";
export { RbmNegLogLikelihood, RbmExactSampleEstimator } from "./problems/rbm-objective.js";
export { objectiveOracle, problemOracle, MAX_COUPLED_UNITS, type LossOracle } from "./estimators/oracle.js";
export { SpsaKernel, spsa, spsaOne, requirePerturbation, MAX_EXACT_SPSA_DIMENSION, type SpsaOptions, type SpsaVariant } from "./estimators/spsa.js";
export { FdKernel, fdsaForward, fdsaCentral, type FdOptions, type FdScheme } from "./estimators/finite-difference.js";
export * from "./optim/types.js";
export { spsaOptimize, resolveGains, type SpsaOptimizeOptions, type Calibration } from "./optim/spsa.js";
export { fdsaOptimize, type FdsaOptimizeOptions } from "./optim/fdsa.js";
export { sgdOptimize, type SgdOptions } from "./optim/sgd.js";
