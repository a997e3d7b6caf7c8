/**
 * Unit registry for the JSON problem format: {"type": "noisy-rectifier" | "noisy-sigmoid" |
 * "hard-threshold", "s": number > 0} or {"type": "sts"}.
 */
import { HardThreshold } from "./hard-threshold.js";
import { NoisyRectifier } from "./noisy-rectifier.js";
import { NoisySigmoid } from "./noisy-sigmoid.js";
import { StochasticTimesSmooth } from "./sts.js";
import type { NoisyUnit, UnitType } from "./types.js";
import { describeValue, InputError } from "../errors.js";
import { requireRecord } from "../validate.js";

export { HardThreshold, NoisyRectifier, NoisySigmoid, StochasticTimesSmooth };
export type { NoisyUnit, UnitType };

const unitParsers: Record<UnitType, (o: Record<string, unknown>, where: string) => NoisyUnit> = {
  "noisy-rectifier": (o, w) => new NoisyRectifier(o.s as number, `${w}.s`),
  "noisy-sigmoid": (o, w) => new NoisySigmoid(o.s as number, `${w}.s`),
  "hard-threshold": (o, w) => new HardThreshold(o.s as number, `${w}.s`),
  sts: () => new StochasticTimesSmooth(),
};

/** Known unit types. */
export const unitTypes = Object.keys(unitParsers) as UnitType[];

/** Parse {"type": ..., "s": ...}; unknown type or s ≤ 0 → InputError naming `where`. */
export function unitFromJSON(v: unknown, where = "unit"): NoisyUnit {
  const form = `{"type":"noisy-rectifier","s":0.5} or {"type":"sts"}`;
  const o = requireRecord(v, where, ["type", "s"], form);
  const t = o.type;
  if (typeof t !== "string" || !Object.prototype.hasOwnProperty.call(unitParsers, t)) {
    throw new InputError(`${where}.type: unknown unit type ${describeValue(t)} (known: ${unitTypes.join(", ")})`);
  }
  // an sts unit has no noise scale: an "s" there would be silently ignored
  if (t === "sts") requireRecord(o, where, ["type"], `{"type":"sts"} (an STS unit has no noise scale)`);
  return unitParsers[t as UnitType](o, where);
}
