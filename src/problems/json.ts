/**
 * The JSON problem format (documented in README "Defining your own problem"):
 *   {"kind":"single","logit":0.3,"loss":{"kind":"squared","target":0.45}}
 *   {"kind":"single","logit":0.3,"loss":{"kind":"table","table":[f0, f1]}}
 *   {"kind":"sbn","input":[1,0,1],"layers":[{"weights":[[...]],"bias":[...]}, ...],
 *    "loss":{"kind":"squared","target":[...]} | {"kind":"table","table":[2^m numbers]}}
 *   {"kind":"delayed","steps":4,"states":5,"start":2,"policy":[5 logits],"reward":[5 numbers]}
 * Units with injected noise (see noisy-net.ts):
 *   {"kind":"noisy-single","unit":{"type":"noisy-rectifier","s":0.5},"a":0.3,
 *    "loss":{"kind":"squared","target":0.45} | {"kind":"linear","weights":[c]}}
 *   {"kind":"noisy-net","input":[...],"layers":[{"unit":UNIT,"weights":[[...]],"bias":[...]}, ...],
 *    "loss":{"kind":"squared","target":[...]} | {"kind":"linear","weights":[...]}}
 *   UNIT = {"type":"noisy-rectifier","s":s}  h = max(0, a+z), z ~ N(0, s²)
 *        | {"type":"noisy-sigmoid","s":s}    h = σ(a+z)
 *        | {"type":"hard-threshold","s":s}   h = 1[a+z > 0]
 *        | {"type":"sts"}                    h = b·√σ(a), b ~ Bernoulli(√σ(a))   (1308.3432 §3)
 *   s must be a finite number > 0; an unknown type is an InputError listing the known ones.
 * Every error names the offending path. Every kind is one line of `PROBLEM_KINDS`; a library user
 * with kinds of their own passes an extended table: `problemFromJSON(v, { ...PROBLEM_KINDS, mine })`.
 */
import { DelayedReward, type DelayedRewardSpec } from "./delayed.js";
import { parseLoss } from "./loss.js";
import { SigmoidBeliefNet, type SbnLayerSpec } from "./sbn.js";
import { type BinaryProblem } from "./types.js";
import { describeValue, InputError, requireFinite } from "../errors.js";
import { requireNumbers, requireRecord } from "../validate.js";
import { layerRecords } from "./layout.js";
import { noisyNetFromJSON, noisySingleFromJSON } from "./noisy-net.js";

/** Builds a problem from its JSON object (already known to be an object); errors name the path. */
export type ProblemParser = (o: Record<string, unknown>) => BinaryProblem;

/** A table of JSON problem kinds: kind → parser. */
export type ProblemKindTable = Readonly<Record<string, ProblemParser>>;

/** Every built-in JSON problem kind, one line each. */
export const PROBLEM_KINDS: ProblemKindTable = Object.freeze({
  single: (o) => {
    requireRecord(o, "problem", ["kind", "logit", "loss"]);
    const logit = requireFinite(o.logit, "logit");
    return new SigmoidBeliefNet([], [{ weights: [[]], bias: [logit] }], parseLoss(o.loss, 1), "single");
  },
  sbn: (o) => {
    requireRecord(o, "problem", ["kind", "input", "layers", "loss"]);
    const input = requireNumbers(o.input, "input", undefined, "the constant x");
    const layers = layerRecords(o.layers, ["weights", "bias"], `{"weights":[[...]],"bias":[...]}`) as unknown as SbnLayerSpec[];
    return new SigmoidBeliefNet(input, layers, parseLoss(o.loss, layers[layers.length - 1].bias.length));
  },
  delayed: (o) => new DelayedReward(requireRecord(o, "problem", ["kind", "steps", "states", "start", "policy", "reward"]) as unknown as DelayedRewardSpec),
  "noisy-net": noisyNetFromJSON,
  "noisy-single": noisySingleFromJSON,
});

/** Known problem kinds of a table (default: the built-in ones), sorted. */
export function problemKinds(kinds: ProblemKindTable = PROBLEM_KINDS): string[] {
  return Object.keys(kinds).sort();
}

/** Validate a parsed JSON value and build the problem. Throws InputError naming the path. */
export function problemFromJSON(value: unknown, kinds: ProblemKindTable = PROBLEM_KINDS): BinaryProblem {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InputError(`problem: expected a JSON object with a "kind" field, got ${describeValue(value)}`);
  const o = value as Record<string, unknown>;
  const parse = typeof o.kind === "string" && Object.prototype.hasOwnProperty.call(kinds, o.kind) ? kinds[o.kind] : undefined;
  if (!parse) throw new InputError(`kind: unknown problem kind ${describeValue(o.kind)} (known: ${problemKinds(kinds).join(", ")})`);
  return parse(o);
}

/** Parse JSON text into a problem; malformed JSON becomes an InputError naming `source`. */
export function problemFromText(text: string, source = "problem", kinds: ProblemKindTable = PROBLEM_KINDS): BinaryProblem {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: malformed JSON (${(e as Error).message})`);
  }
  try {
    return problemFromJSON(v, kinds);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${source}: ${e.message}`);
    throw e;
  }
}
