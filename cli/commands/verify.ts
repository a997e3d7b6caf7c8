import os from "node:os";
import path from "node:path";
import { claims as allClaims, selectClaims } from "../../analysis/claims/index.js";
import { runClaim } from "../../analysis/claims/runner.js";
import type { ClaimResult } from "../../analysis/claims/types.js";
import { runClaimsOnWorkers } from "../../analysis/parallel.js";
import { renderFigure } from "../../analysis/figures.js";
import { ensureWritableDir, writeFileAtomic, writeJsonAtomic } from "../../analysis/io.js";
import { claimsTable, reportMarkdown, type ClaimsRecord } from "../../analysis/report.js";
import { figures as allFigures } from "../../figures/index.js";
import type { FigureRecord } from "../../figures/types.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { VERSION } from "../version.js";
import { InputError } from "../../src/errors.js";

/** `stochgrad verify`: run the claims, print the table, write claims.json, report.md, figures. */
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
    const alpha = Number(f.alpha);
    if (!(alpha > 0 && alpha < 0.5)) throw new InputError(`--alpha: expected a number in (0, 0.5), got ${alpha}`);
    let chosen;
    try {
      chosen = selectClaims(f.only as string | undefined, allClaims);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const figSel = (f.figures as string | undefined) ?? (f.only ? "none" : "all");
    let figs = allFigures;
    if (figSel === "none") figs = [];
    else if (figSel !== "all") {
      const ids = figSel.split(",").map((s) => s.trim());
      for (const id of ids) if (!allFigures.some((x) => x.id === id)) throw new InputError(`--figures: unknown figure "${id}" (known: ${allFigures.map((x) => x.id).join(", ")})`);
      figs = allFigures.filter((x) => ids.includes(x.id));
    }
    const out = ensureWritableDir(String(f.out));
    const seed = String(f.seed);
    const quick = Boolean(f.quick);
    const bar = new Progress("verify");
    const workers = Number(f.workers);
    if (!(workers >= 1 && workers <= 64)) throw new InputError(`--workers: expected an integer in [1, 64], got ${workers}`);
    const results: ClaimResult[] = [];
    const t0 = Date.now();
    const note = (r: ClaimResult, secs: string) => {
      if (!f.json) bar.log(`${r.verdict === "pass" ? "✓" : "✗"} ${r.id} (${secs})`);
    };
    if (workers > 1) {
      const frac = new Float64Array(chosen.length);
      const rs = await runClaimsOnWorkers(
        chosen.map((c) => c.id),
        { seed, quick, alpha },
        workers,
        (i, d, t) => {
          frac[i] = Math.min(1, d / Math.max(1, t));
          bar.update(frac.reduce((a, b) => a + b, 0), chosen.length + figs.length, chosen[i].id);
        },
        (i, r) => {
          frac[i] = 1;
          note(r, "worker");
        },
      );
      results.push(...rs);
    } else {
      for (let i = 0; i < chosen.length; i++) {
        const c = chosen[i];
        const ts = Date.now();
        const r = await runClaim(c, { seed, quick, alpha, onProgress: (_id, d, t) => bar.update(i + Math.min(1, d / Math.max(1, t)), chosen.length + figs.length, c.id) });
        results.push(r);
        note(r, `${((Date.now() - ts) / 1000).toFixed(1)} s`);
      }
    }
    const record: ClaimsRecord = {
      kind: "stochgrad.claims",
      seed,
      quick,
      alpha,
      versions: { stochgrad: VERSION, node: process.versions.node },
      summary: { claims: results.length, passed: results.filter((r) => r.verdict === "pass").length, failed: results.filter((r) => r.verdict !== "pass").length },
      claims: results,
    };
    const figDir = path.join(out, "figures");
    const rendered: { record: FigureRecord; files: string[] }[] = [];
    if (figs.length) ensureWritableDir(figDir, "--out");
    for (let i = 0; i < figs.length; i++) {
      const fig = figs[i];
      const ts = Date.now();
      const res = await renderFigure(fig, { seed, quick, dir: figDir, onProgress: (d, t) => bar.update(chosen.length + i + Math.min(1, d / Math.max(1, t)), chosen.length + figs.length, fig.id) });
      rendered.push(res);
      if (!f.json) bar.log(`  figure ${fig.id} (${((Date.now() - ts) / 1000).toFixed(1)} s)`);
    }
    bar.done();
    writeJsonAtomic(path.join(out, "claims.json"), record);
    writeFileAtomic(path.join(out, "report.md"), reportMarkdown(record, rendered));
    if (f.json) process.stdout.write(JSON.stringify(record, null, 2) + "\n");
    else {
      process.stdout.write(claimsTable(record));
      process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(out, "claims.json")) || "claims.json"}, report.md and ${rendered.reduce((s, r) => s + r.files.length, 0)} figure files in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    return record.summary.failed === 0 ? 0 : 1;
  },
};
