/**
 * stochgrad library entry point: problems, estimators (one contract, typed registry), the exact
 * engine, seeded streams and statistics. Claims and figures live in analysis/ and figures/.
 */
export { Stream, type StreamSnapshot, type Xor4096State } from "./random/stream.js";
export * from "./errors.js";
export * from "./numerics.js";
export { isNdArray, matrixView, requireFiniteEntries, toFiniteVector, toMatrix, toVector, vectorView, type MatrixInput, type NdArray, type VectorInput } from "./ndarray.js";
export * from "./stats/accumulator.js";
export * from "./stats/tests.js";
export { quantile, quantileSorted } from "./stats/quantile.js";
export * from "./problems/types.js";
export { SigmoidBeliefNet, type SbnLayerSpec } from "./problems/sbn.js";
export { LayerLayout, type LayerSpec } from "./problems/layout.js";
export { DelayedReward, type DelayedRewardSpec } from "./problems/delayed.js";
export { SquaredLoss, TableLoss, parseLoss, type LossFunction } from "./problems/loss.js";
export { problemFromJSON, problemFromText, problemKinds, PROBLEM_KINDS, type ProblemKindTable, type ProblemParser } from "./problems/json.js";
export * from "./problems/reference.js";
export { sampleConfigurations } from "./problems/sample.js";
export * from "./estimators/types.js";
export { estimators, getEstimator, parseEstimatorList, isEstimatorId, type EstimatorId } from "./estimators/registry.js";
export { correlationEstimate, optimalBaseline } from "./estimators/correlation.js";
export { sampleMoments, sampleDraws, warmUp, MAX_WARMUP, type SampleMoments } from "./estimators/sample.js";
export { enumerateConfigurations, assertEnumerable, modeLoss, MAX_ENUMERABLE_UNITS, type Visitor } from "./exact/enumerate.js";
export { exactAnalysis, enumerationAnalysis, exactAnalysisUnavailable, requireFiniteAnalysis } from "./exact/moments.js";
export type { ExactAnalysis, ExactEngine, ExactOptions, QuadratureTargets } from "./exact/types.js";
export { exactGradientDual, exactGradientFiniteDifference, expectedLoss, dualMul, dualSigmoid, type Dual } from "./exact/dual.js";
export * from "./boltzmann/rbm.js";
export * from "./boltzmann/trainer.js";
export { negativePhases, getNegativePhase, isNegativePhaseId, type NegativePhaseId } from "./boltzmann/negative-phase/registry.js";
export type { NegativePhaseOptions, NegativePhaseSampler, NegativePhaseSpec } from "./boltzmann/negative-phase/types.js";
export * from "./boltzmann/exact.js";
export * from "./boltzmann/ais.js";
export * from "./boltzmann/bm.js";
export * from "./boltzmann/joint.js";
export * from "./boltzmann/unrolled.js";
export { evaluateLikelihood, likelihoodIsExact, type LikelihoodEvaluation, type LikelihoodOptions } from "./boltzmann/likelihood.js";
export { barsAndStripes } from "./data/bars-and-stripes.js";
export { dataSets, loadDataSet, type DataSet, type DataSetName, type DataSetOptions } from "./data/datasets.js";
export { loadMnist, binarize, binarizedBatch, parseIdxImages, parseIdxLabels, readIdxImages, readIdxLabels, mnistDataDir, type Binarize, type IdxImages, type MnistSplit } from "./data/mnist.js";
export { gemm } from "./linalg/gemm.js";
export { gaussHermite, gaussianExpectationGH, gaussKronrod15, integrate, integrateVector, gaussianExpectation, gaussianExpectationVector, GAUSSIAN_MASS_BREAKPOINTS, type QuadratureRule, type QuadResult, type IntegrateOptions } from "./exact/quadrature.js";
export * from "./neurons/index.js";
export { requireNoiseScale } from "./neurons/types.js";
export { NoisyNet, noisySingle, LinearLoss, parseContinuousLoss, noisyNetFromJSON, noisySingleFromJSON, type NoisyLayerSpec, type NoisyWorkspace } from "./problems/noisy-net.js";
export { integrateNoise, noisyEstimatorMoments, noisyExactAnalysis, quadratureApplicable, quadratureCost, certifyQuadrature, MAX_QUADRATURE_COST, CERTIFIED_RELATIVE_ERROR, CERTIFIED_VARIANCE_RELATIVE_ERROR, type NoiseIntegral, type NoiseIntegrationOptions } from "./exact/noisy.js";
export { fitLearnedPredictor, PredictorFeatures, LeastSquaresStats, predict, solvePivoted, parameterOwners, N_FEATURES } from "./estimators/learned-predictor.js";
// Estimators that followed the seed: RLOO, the antithetic family (AR, ARM, DisARM), relaxations (Gumbel-Softmax, ST-Gumbel, REBAR, RELAX)
export { createRloo, rlooExactMoments, rlooSamples } from "./estimators/rloo.js";
export { createAr } from "./estimators/ar.js";
export { createArm } from "./estimators/arm.js";
export { createDisarm } from "./estimators/disarm.js";
export { createGumbelSoftmax } from "./estimators/gumbel-softmax.js";
export { createStGumbel } from "./estimators/st-gumbel.js";
export { createRebar, ConcreteControl, type RebarInstance } from "./estimators/rebar.js";
export { createRelax, type RelaxInstance, type RelaxOptions } from "./estimators/relax.js";
export { RelaxedNet, MultilinearLoss, continuousLoss, conditionalLogistic, logisticNoise, type ContinuousLoss } from "./estimators/relaxation.js";
export { FactorizedView, factorizedReason } from "./estimators/factorized.js";
export { singleUnitMoments } from "./estimators/single-unit-quadrature.js";
export { sequentialCellMoments, exactCostReason, requireResolvableCuts, UNRESOLVED_CUT, type SequentialCellOptions } from "./exact/sequential-cells.js";
export { AntitheticChains, antitheticCellBound, unitLayers } from "./estimators/antithetic.js";
// MuProp, NVIL, VIMCO: control variates and baselines that keep the estimator unbiased
export { createMuprop, mupropBaselineDecay } from "./estimators/muprop.js";
export { meanFieldOf, type MeanFieldExpansion, type MeanFieldProblem } from "./estimators/mean-field.js";
export { createNvil, nvilOptions, type NvilInstance, type NvilOptions } from "./estimators/nvil.js";
export { createVimco, negLogMeanExp, vimcoObjective, vimcoSamples } from "./estimators/vimco.js";
export { kSampleMoments, kSampleObjective, requireJointEnumerable, MAX_JOINT_LOG2 } from "./exact/k-sample.js";
export { Adam, type AdamOptions } from "./optim/adam.js";
// SPSA and finite differences: loss oracles, kernels with exact moments, test objectives, optimisers
export * from "./problems/functions.js";
export { RbmNegLogLikelihood, RbmExactSampleEstimator, RbmUnrolledEstimator } from "./boltzmann/rbm-objective.js";
export { objectiveOracle, problemOracle, requirePerturbation, MAX_COUPLED_UNITS, MAX_EXACT_LOG2_WORK, type LossOracle } from "./estimators/oracle.js";
export { SpsaKernel, spsa, spsaOne, MAX_EXACT_SPSA_DIMENSION, type SpsaOptions, type SpsaVariant } from "./estimators/spsa.js";
export { FdKernel, fdsaForward, fdsaCentral, type FdOptions, type FdScheme } from "./estimators/finite-difference.js";
export * from "./optim/types.js";
export { spsaOptimize, resolveGains, type SpsaOptimizeOptions, type Calibration } from "./optim/spsa.js";
export { fdsaOptimize, type FdsaOptimizeOptions } from "./optim/fdsa.js";
export { sgdOptimize, type SgdOptions } from "./optim/sgd.js";
