import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import type { Command } from "../types.js";
import { loadProblem, nestVector, parseOptions, printJson } from "../common.js";

/** `stochgrad exact problem.json`: E[L], ∇E[L] and every applicable estimator's exact moments. */
export const exactCommand: Command = {
  name: "exact",
  summary: "Exact E[L], gradient, and exact mean and variance of every applicable estimator, by enumeration.",
  usage: "stochgrad exact problem.json [--estimators a,b,c] [--option name=value,...]",
  flags: {
    estimators: { type: "string", description: "comma-separated estimator ids (default: every applicable one)" },
    option: { type: "string", description: "estimator options, e.g. baseline=0.3,decay=0.9" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const problem = loadProblem(args.positional[0]);
    const theta = problem.initialParams();
    const opts = parseOptions(args.flags.option as string | undefined);
    const specs = args.flags.estimators ? parseEstimatorList(String(args.flags.estimators)) : Object.values(estimators);
    const instances: Record<string, { noise: string; instance: EstimatorInstance }> = {};
    const skipped: Record<string, string> = {};
    for (const spec of specs) {
      const why = spec.applicable(problem);
      if (why) {
        if (args.flags.estimators) throw new Error(`estimator ${spec.id}: ${why}`);
        skipped[spec.id] = why;
        continue;
      }
      const inst = spec.create(problem, theta, opts);
      if (spec.noise === "custom" && !inst.exactMoments) {
        skipped[spec.id] = "noise cannot be enumerated; use stochgrad estimate";
        continue;
      }
      instances[spec.id] = { noise: spec.noise, instance: inst };
    }
    const r = exactAnalysis(problem, theta, instances);
    const est: Record<string, unknown> = {};
    for (const [id, m] of Object.entries(r.estimators)) {
      const bias = m.mean.map((v, k) => v - r.gradient[k]);
      est[id] = { mean: nestVector(problem, m.mean), variance: nestVector(problem, m.variance), bias: nestVector(problem, bias), unbiased: estimators[id as keyof typeof estimators]?.unbiased ?? null };
    }
    printJson({
      problem: problem.toJSON(),
      nUnits: problem.nUnits,
      nParams: problem.nParams,
      states: r.states,
      expectedLoss: r.expectedLoss,
      lossVariance: r.lossVariance,
      gradient: nestVector(problem, r.gradient),
      ...(r.units ? { units: r.units } : {}),
      estimators: est,
      skipped,
    });
    return 0;
  },
};
