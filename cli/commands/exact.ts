import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import type { EstimatorEntry, EstimatorOptions } from "../../src/estimators/types.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import { requirePerturbation } from "../../src/estimators/oracle.js";
import type { Command } from "../types.js";
import { loadProblem, nestVector, optionsPerEstimator, parseOptions, printJson } from "../common.js";
import { resolveOptions } from "../../src/estimators/options.js";
import { isOnline } from "../../src/estimators/types.js";
import { MAX_WARMUP, warmUp } from "../../src/estimators/sample.js";
import { Stream } from "../../src/random/stream.js";
import { Progress } from "../progress.js";
import { InputError } from "../../src/errors.js";

/** `stochgrad exact problem.json`: E[L], ∇E[L] and every applicable estimator's exact moments. */
export const exactCommand: Command = {
  name: "exact",
  positional: "problem.json",
  summary: "Exact E[L], gradient, and exact mean and variance of every applicable estimator, by enumeration.",
  flags: {
    estimators: { type: "string", metavar: "a,b,c", description: "comma-separated estimator ids (default: every applicable one)" },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. baseline=0.3,decay=0.9" },
    c: { type: "number", metavar: "C", description: "perturbation size c of the SPSA and FDSA estimators (their exact moments enumerate Δ with the units' noise)" },
    warmup: { type: "int", metavar: "N", description: "advance every online estimator (one with state: moving-average or online-optimal baselines, online predictor, NVIL, REBAR/RELAX tuning) by N seeded draws before its exact moments (default 0: its creation state, said in the record)", default: 0 },
    seed: { type: "string", metavar: "S", description: "seed of the --warmup draws (string or integer)", default: "1" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const warmup = Number(args.flags.warmup);
    if (!Number.isInteger(warmup) || warmup < 0 || warmup > MAX_WARMUP) throw new InputError(`--warmup: expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${args.flags.warmup}`);
    const seed = String(args.flags.seed);
    const problem = loadProblem(args.positional[0]);
    const theta = problem.initialParams();
    const opts = parseOptions(args.flags.option as string | undefined);
    if (args.flags.c !== undefined) {
      if (Object.prototype.hasOwnProperty.call(opts, "c")) throw new InputError("--c: also given as --option c=…; give it once");
      opts.c = requirePerturbation(Number(args.flags.c), "--c");
    }
    const specs = args.flags.estimators ? parseEstimatorList(String(args.flags.estimators)) : Object.values(estimators);
    const given = optionsPerEstimator(specs, opts);
    const instances: Record<string, EstimatorEntry> = {};
    const skipped: Record<string, string> = {};
    const used: Record<string, EstimatorOptions> = {};
    // an option value no estimator accepts (e.g. K=1, which RLOO and VIMCO both refuse) is an error
    const accepted = new Set<string>();
    const refused = new Map<string, string>();
    // progress on a TTY: setting up (some estimators enumerate to build their state), warm-up, then the engine's phases
    const bar = new Progress("exact");
    for (const [idx, spec] of specs.entries()) {
      bar.update(idx, specs.length, `setting up ${spec.id}`);
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
        skipped[spec.id] = inst.exactUnavailable ?? "its noise has no exact engine; use stochgrad estimate or stochgrad compare (Monte Carlo)";
        continue;
      }
      instances[spec.id] = { noise: spec.noise, instance: inst };
    }
    for (const [k, why] of refused) if (!accepted.has(k)) throw new InputError(`--option ${k}: ${why}`);
    // online estimators: warm up by N seeded draws (each from its own fork), then freeze
    const online: Record<string, Record<string, unknown>> = {};
    for (const [id, e] of Object.entries(instances)) {
      if (!isOnline(e.instance)) continue;
      const observed = warmUp(e.instance, theta, warmup, Stream.fromSeed(seed).fork(`warmup/${id}`), (d, t) => bar.update(d, t, `warming up ${id}`));
      online[id] = observed > 0 ? { observed, seed, state: e.instance.describeState?.() ?? {} } : { observed: 0, note: "exact moments of its creation state (no observe() yet); --warmup N advances it by N seeded draws first" };
    }
    const r = exactAnalysis(problem, theta, instances, { onProgress: (d, t, what) => bar.update(d, t, what) });
    bar.done();
    for (const [id, why] of Object.entries(r.unavailable ?? {})) skipped[id] = why;
    const est: Record<string, unknown> = {};
    for (const [id, m] of Object.entries(r.estimators)) {
      const bias = m.mean.map((v, k) => v - r.gradient[k]);
      est[id] = { options: used[id], mean: nestVector(problem, m.mean), variance: nestVector(problem, m.variance), bias: nestVector(problem, bias), unbiased: estimators[id as keyof typeof estimators]?.unbiased ?? null, ...(online[id] ? { online: online[id] } : {}) };
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
    }, true);
    return 0;
  },
};
