/** The `--shard K/N` flag every long command takes (analysis/shard.ts has the parts and their merge). */
import type { FlagSpec } from "./args.js";

export const SHARD_FLAG: FlagSpec = { type: "string", metavar: "K/N", description: "run shard K of N (1 ≤ K ≤ N) and write a part record to --out; stochgrad merge joins the parts into the unsharded result" };
