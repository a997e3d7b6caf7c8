/** The `--shard K/N` flag every long command takes (analysis/shard.ts has the parts and their merge). */
import { InputError } from "../src/errors.js";
import { parseShard, type Shard } from "../analysis/shard.js";
import type { FlagSpec } from "./args.js";

export const SHARD_FLAG: FlagSpec = { type: "string", metavar: "K/N", description: "run shard K of N (1 ≤ K ≤ N) and write a part record to --out; stochgrad merge joins the parts into the unsharded result" };

/** `--out DIR` of a command that prints its JSON: only the part record of a shard is written there. */
export const PART_OUT_FLAG: FlagSpec = { type: "string", metavar: "DIR", description: "with --shard: the folder for the part record (the whole run prints its JSON)" };

/** The shard of a command that prints its JSON (`exact`, `estimate`), with --out required by --shard and refused without it. */
export function jsonShard(flags: Record<string, unknown>): Shard | undefined {
  const shard = flags.shard === undefined ? undefined : parseShard(String(flags.shard));
  if (shard && flags.out === undefined) throw new InputError("--shard: give --out DIR, the folder for the part record");
  if (!shard && flags.out !== undefined) throw new InputError("--out: applies with --shard only (the whole run prints its JSON)");
  return shard;
}
