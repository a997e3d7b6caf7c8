import { exactAnalysis } from "../../src/exact/moments.js";
import type { EstimatorEntry, EstimatorOptions } from "../../src/estimators/types.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import { requirePerturbation } from "../../src/estimators/oracle.js";
import type { Command } from "../types.js";
import { loadProblem, nestVector, optionsPerEstimator, parseOptions, printJson } from "../common.js";
import { resolveOptions } from "../../src/estimators/options.js";
import { InputError } from "../../src/errors.js";
import { REGISTER_FLAG, registryFrom } from "../register.js";

/** `stochgrad exact problem.json`: E[L], ∇E[L] and every applicable estimator's exact moments. */
export const exactCommand: Command = {
  name: "exact",
  positional: "problem.json",
  summary: "Exact E[L], gradient, and exact mean and variance of every applicable estimator, by enumeration.",
  flags: {
    estimators: { type: "string", metavar: "a,b,c", description: "comma-separated estimator ids (default: every applicable one)" },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. baseline=0.3,decay=0.9" },
    c: { type: "number", metavar: "C", description: "perturbation size c of the SPSA and FDSA estimators (their exact moments enumerate Δ with the units' noise)" },
    register: REGISTER_FLAG,
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const problem = loadProblem(args.positional[0]);
    const theta = problem.initialParams();
    const opts = parseOptions(args.flags.option as string | undefined);
    if (args.flags.c !== undefined) {
      if (Object.prototype.hasOwnProperty.call(opts, "c")) throw new InputError("--c: also given as --option c=…; give it once");
      opts.c = requirePerturbation(Number(args.flags.c), "--c");
    }
    const registry = await registryFrom(args.flags.register as string | undefined);
    const specs = args.flags.estimators ? parseEstimatorList(String(args.flags.estimators), registry) : Object.values(registry);
    const given = optionsPerEstimator(specs, opts);
    const instances: Record<string, EstimatorEntry> = {};
    const skipped: Record<string, string> = {};
    const used: Record<string, EstimatorOptions> = {};
    // an option value no estimator accepts (e.g. K=1, which RLOO and VIMCO both refuse) is an error
    const accepted = new Set<string>();
    const refused = new Map<string, string>();
    for (const spec of specs) {
      const why = spec.applicable(problem);
      if (why) {
        if (args.flags.estimators) throw new InputError(`estimator ${spec.id}: ${why}`);
        skipped[spec.id] = why;
        continue;
      }
      const mine = given.get(spec.id)!;
      let inst;
      try {
        inst = spec.create(problem, theta, mine);
      } catch (e) {
        // with every estimator selected, an option value that one of them refuses skips it, saying why
        if (!(e instanceof InputError) || args.flags.estimators || Object.keys(mine).length === 0) throw e;
        skipped[spec.id] = e.message;
        for (const k of Object.keys(mine)) if (!refused.has(k)) refused.set(k, e.message);
        continue;
      }
      for (const k of Object.keys(mine)) accepted.add(k);
      used[spec.id] = resolveOptions(spec, mine);
      if (spec.noise === "custom" && !inst.exactMoments) {
        skipped[spec.id] = "noise cannot be enumerated; use stochgrad estimate";
        continue;
      }
      instances[spec.id] = { noise: spec.noise, instance: inst };
    }
    for (const [k, why] of refused) if (!accepted.has(k)) throw new InputError(`--option ${k}: ${why}`);
    const r = exactAnalysis(problem, theta, instances);
    for (const [id, why] of Object.entries(r.unavailable ?? {})) skipped[id] = why;
    const est: Record<string, unknown> = {};
    for (const [id, m] of Object.entries(r.estimators)) {
      const bias = m.mean.map((v, k) => v - r.gradient[k]);
      est[id] = { options: used[id], mean: nestVector(problem, m.mean), variance: nestVector(problem, m.variance), bias: nestVector(problem, bias), unbiased: registry[id].unbiased };
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
