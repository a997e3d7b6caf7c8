/**
 * Unit registry for the JSON problem format: {"type": "noisy-rectifier" | "noisy-sigmoid" |
 * "hard-threshold", "s": number > 0} or {"type": "sts"}.
 */
import { HardThreshold } from "./hard-threshold.js";
import { NoisyRectifier } from "./noisy-rectifier.js";
import { NoisySigmoid } from "./noisy-sigmoid.js";
import { StochasticTimesSmooth } from "./sts.js";
import type { NoisyUnit, UnitType } from "./types.js";
import { InputError } from "../errors.js";

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
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`${where}: expected an object like {"type":"noisy-rectifier","s":0.5}`);
  const o = v as Record<string, unknown>;
  const t = o.type;
  if (typeof t !== "string" || !Object.prototype.hasOwnProperty.call(unitParsers, t)) {
    throw new InputError(`${where}.type: unknown unit type ${JSON.stringify(t)} (known: ${unitTypes.join(", ")})`);
  }
  return unitParsers[t as UnitType](o, where);
}
