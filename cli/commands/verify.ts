import os from "node:os";
import path from "node:path";
import { claimsJson, claimsTable } from "../../analysis/report.js";
import { runVerify } from "../../analysis/verify.js";
import { withFlags } from "../common.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { VERSION } from "../version.js";

const FLAG_OF: Record<string, string> = { alpha: "--alpha", only: "--only", figures: "--figures", workers: "--workers" };

/** `stochgrad verify`: run the claims, print the table, write claims.json, report.md, figures (analysis/verify.ts). */
export const verifyCommand: Command = {
  name: "verify",
  summary: "Check every claim against its exact reference (and its negative control); write claims.json, report.md and figures.",
  flags: {
    only: { type: "string", metavar: "IDS", description: "comma-separated claim ids or prefixes (T1-*,BM-B2)" },
    quick: { type: "boolean", description: "smaller samples (same α): a fast smoke run" },
    seed: { type: "string", metavar: "S", description: "root seed; each claim forks its own stream by id", default: "stochgrad" },
    out: { type: "string", metavar: "DIR", description: "output folder", default: "verify-out" },
    json: { type: "boolean", description: "print the claims record as JSON instead of the table" },
    figures: { type: "string", metavar: "all|none|IDS", description: "all | none | comma-separated figure ids (default: all, or none with --only)" },
    alpha: { type: "number", metavar: "α", description: "family-wise false-alarm rate per claim", default: 1e-6 },
    workers: { type: "int", metavar: "W", description: "worker threads for claims (results are identical for any number)", default: Math.max(1, Math.min(4, os.availableParallelism())) },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    const bar = new Progress("verify");
    const t0 = Date.now();
    const { record, rendered, claimsFile } = await withFlags(FLAG_OF, () =>
      runVerify({
        only: f.only as string | undefined,
        figures: f.figures as string | undefined,
        seed: String(f.seed),
        quick: Boolean(f.quick),
        alpha: Number(f.alpha),
        workers: Number(f.workers),
        out: String(f.out),
        version: VERSION,
        onProgress: (done, total, label) => bar.update(done, total, label),
        onClaim: (r, secs) => {
          if (!f.json) bar.log(`${r.verdict === "pass" ? "✓" : "✗"} ${r.id} (${secs === null ? "worker" : `${secs.toFixed(1)} s`})`);
        },
        onFigure: (id, secs) => {
          if (!f.json) bar.log(`  figure ${id} (${secs.toFixed(1)} s)`);
        },
      }),
    );
    bar.done();
    if (f.json) process.stdout.write(claimsJson(record));
    else {
      process.stdout.write(claimsTable(record));
      process.stdout.write(`wrote ${path.relative(process.cwd(), claimsFile) || "claims.json"}, report.md and ${rendered.reduce((s, r) => s + r.files.length, 0)} figure files in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    return record.summary.failed === 0 ? 0 : 1;
  },
};
