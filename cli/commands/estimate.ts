import { getEstimator } from "../../src/estimators/registry.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { Stream } from "../../src/random/stream.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { loadProblem, nestVector, optionsPerEstimator, parseOptions, printJson, requireSamplingBudget } from "../common.js";
import { resolveOptions } from "../../src/estimators/options.js";
import { InputError } from "../../src/errors.js";

/** `stochgrad estimate`: seeded Monte Carlo mean, variance and standard error of one estimator. */
export const estimateCommand: Command = {
  name: "estimate",
  positional: "problem.json",
  summary: "Seeded Monte Carlo mean, variance and standard error of an estimator on a problem.",
  flags: {
    estimator: { type: "string", metavar: "ID", required: true, description: "estimator id (see stochgrad estimators)" },
    samples: { type: "int", metavar: "N", description: "number of draws", default: 10000 },
    seed: { type: "string", metavar: "S", description: "seed (string or integer)", default: "1" },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. baseline=0.3" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const problem = loadProblem(args.positional[0]);
    if (!args.flags.estimator) throw new InputError("estimate: --estimator is required");
    const spec = getEstimator(String(args.flags.estimator));
    const why = spec.applicable(problem);
    if (why) throw new InputError(`estimator ${spec.id}: ${why}`);
    const n = Number(args.flags.samples);
    if (n < 2) throw new InputError(`--samples: need at least 2, got ${n}`);
    const theta = problem.initialParams();
    const given = optionsPerEstimator([spec], parseOptions(args.flags.option as string | undefined)).get(spec.id)!;
    const inst = spec.create(problem, theta, given);
    requireSamplingBudget("--samples", n, [inst], problem);
    const seed = String(args.flags.seed);
    const bar = new Progress("estimate");
    const m = sampleMoments(inst, theta, n, Stream.fromSeed(seed).fork(`estimate/${spec.id}`), (d, t) => bar.update(d, t));
    bar.done();
    printJson({
      estimator: spec.id,
      options: resolveOptions(spec, given),
      samples: n,
      seed,
      lossEvaluations: inst.lossEvaluations * n,
      mean: nestVector(problem, m.mean),
      variance: nestVector(problem, m.variance),
      standardError: nestVector(problem, m.standardError),
    }, true);
    return 0;
  },
};
