/**
 * `stochgrad merge PART… --out DIR`: join the part records of a sharded run (`--shard K/N`) into
 * the files the unsharded run writes, byte for byte. The parts are checked to make one run
 * (analysis/shard.ts: command, version, parameters, N, each shard once, none missing), and each
 * item's state against the run it claims to belong to; then the command's own assembly writes the
 * output. The mergers are a typed record keyed by the command that wrote the parts.
 */
import path from "node:path";
import { figureRecordFromJSON } from "../../analysis/figures/record.js";
import { toJsonText, withOutputDir } from "../../analysis/io.js";
import { claimsTable } from "../../analysis/report.js";
import { mergeParts } from "../../analysis/shard.js";
import { writeVerify, type VerifyItem, type VerifyRun } from "../../analysis/verify.js";
import { describeValue, InputError } from "../../src/errors.js";
import type { Command } from "../types.js";
import type { FigureRecord } from "../../analysis/figures/types.js";
import type { ClaimResult } from "../../analysis/claims/types.js";
import { mergeSpsaParts } from "./spsa.js";
import { mergeEstimateParts } from "./estimate.js";
import { mergeExactParts } from "./exact.js";
import { mergeCompareParts } from "./compare.js";
import { mergeRbmEvalParts } from "./rbm.js";

/** What a merger gets: the run's parameters and every item's state, in item order. */
export interface MergeInput {
  version: string;
  run: Record<string, unknown>;
  states: unknown[];
}

/** A merger writes the unsharded run's files into `out` and returns its exit code and summary lines. */
type Merger = (m: MergeInput, out: string) => { code: number; text: string } | Promise<{ code: number; text: string }>;

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new InputError(`merge: the parts' ${where}: expected a list of ids, got ${describeValue(v)}`);
  return v;
}

function verifyMerger(m: MergeInput, out: string): { code: number; text: string } {
  const r = m.run;
  if (typeof r.seed !== "string" || typeof r.quick !== "boolean" || typeof r.alpha !== "number" || typeof r.node !== "string") throw new InputError("merge: the parts' run has no seed, quick, alpha or node (not written by stochgrad verify --shard)");
  const claims = strings(r.claims, "claims");
  const figures = strings(r.figures, "figures");
  if (m.states.length !== claims.length + figures.length) throw new InputError(`merge: the parts hold ${m.states.length} items, the run has ${claims.length} claims and ${figures.length} figures`);
  const items = m.states.map((s, i): VerifyItem => {
    const o = s as Record<string, unknown>;
    if (i < claims.length) {
      const c = o?.claim as Record<string, unknown> | undefined;
      if (!c || c.id !== claims[i] || (c.verdict !== "pass" && c.verdict !== "fail")) throw new InputError(`merge: item ${i} should be the result of claim ${claims[i]}, got ${describeValue(c?.id ?? o)}`);
      return { claim: c as unknown as ClaimResult };
    }
    const f = o?.figure as FigureRecord | undefined;
    // checked in full as `stochgrad render` checks a record (on a plain-JSON copy; the part's values are written)
    figureRecordFromJSON(JSON.parse(toJsonText(f ?? null)));
    if (f!.id !== figures[i - claims.length]) throw new InputError(`merge: item ${i} should be figure ${figures[i - claims.length]}, got ${describeValue(f!.id)}`);
    return { figure: f! };
  });
  // the checkout's commit the shards ran from (the run id covers it, so every part agrees)
  const git = r.git as VerifyRun["git"] | undefined;
  if (git !== undefined && (typeof git !== "object" || git === null || typeof git.commit !== "string" || typeof git.dirty !== "boolean")) throw new InputError(`merge: the parts' run.git is not {commit, dirty}`);
  const run: VerifyRun = { seed: r.seed, quick: r.quick, alpha: r.alpha, claims, figures, node: r.node, ...(git ? { git } : {}) };
  const res = writeVerify(out, m.version, run, items);
  return { code: res.record.summary.failed === 0 ? 0 : 1, text: claimsTable(res.record) + `wrote ${path.join(out, "claims.json")}, report.md, report.html and ${res.rendered.reduce((s, x) => s + x.files.length, 0)} figure files\n` };
}

const mergers: Record<string, Merger> = {
  verify: verifyMerger,
  "spsa optimize": mergeSpsaParts,
  estimate: mergeEstimateParts,
  exact: mergeExactParts,
  compare: mergeCompareParts,
  "rbm eval": mergeRbmEvalParts,
};

export const mergeCommand: Command = {
  name: "merge",
  positional: "PART...",
  summary: "Join the part records of a sharded run (--shard K/N) into the files of the unsharded run, byte for byte.",
  flags: {
    out: { type: "string", metavar: "DIR", required: true, description: "output folder (gets what the unsharded run writes to its --out)" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    if (args.flags.out === undefined) throw new InputError("merge: --out DIR is required");
    const m = mergeParts(args.positional);
    const merger = Object.prototype.hasOwnProperty.call(mergers, m.command) ? mergers[m.command] : undefined;
    if (!merger) throw new InputError(`merge: parts of \`${m.command}\` cannot be merged (mergeable: ${Object.keys(mergers).join(", ")})`);
    const { code, text } = await withOutputDir(String(args.flags.out), "--out", (out) => merger(m, out));
    process.stdout.write(text);
    return code;
  },
};
