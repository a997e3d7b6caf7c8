/**
 * The verify pipeline behind `stochgrad verify`: select claims and figures, run the claims (on
 * worker threads when asked: each claim's numbers depend only on (seed, id, quick, α), so the
 * record is byte-identical for any number of workers), render the figures, and write
 * `claims.json`, `report.md` and `figures/`. Output folders are checked before any work starts.
 * Bad options are FieldErrors naming the option (`alpha`, `only`, `figures`, `workers`).
 */
import path from "node:path";
import { FieldError } from "../src/errors.js";
import { figures as allFigures } from "../figures/index.js";
import { claims as allClaims, selectClaims } from "./claims/index.js";
import { runClaim } from "./claims/runner.js";
import type { ClaimResult } from "./claims/types.js";
import { renderFigure, selectFigures } from "./figures/runner.js";
import type { FigureRecord } from "./figures/types.js";
import { ensureWritableDir, writeFileAtomic, writeJsonAtomic } from "./io.js";
import { runClaimsOnWorkers } from "./parallel.js";
import { claimsJson, reportMarkdown, type ClaimsRecord } from "./report.js";

export interface VerifyOptions {
  /** comma-separated claim ids or prefixes (T1-*,BM-B2); all when absent */
  only?: string;
  /** "all" | "none" | comma-separated figure ids (default: all, or none with `only`) */
  figures?: string;
  seed: string;
  quick: boolean;
  /** family-wise false-alarm rate per claim, in (0, 0.5) */
  alpha: number;
  /** worker threads for the claims, 1..64 */
  workers: number;
  /** output folder (created) */
  out: string;
  /** the package version written into the record */
  version: string;
  /** fraction done in [0, total] and the item being worked on */
  onProgress?: (done: number, total: number, label: string) => void;
  /** a claim finished (`seconds` is null when it ran on a worker) */
  onClaim?: (r: ClaimResult, seconds: number | null) => void;
  /** a figure finished */
  onFigure?: (id: string, seconds: number) => void;
}

export interface VerifyResult {
  record: ClaimsRecord;
  rendered: { record: FigureRecord; files: string[] }[];
  /** absolute path of claims.json */
  claimsFile: string;
}

function fieldError(field: string, e: unknown): FieldError {
  return new FieldError(field, (e as Error).message.replace(/^--[a-z-]+: /, ""));
}

/** Run the selected claims and figures and write their records (see the file comment). */
export async function runVerify(o: VerifyOptions): Promise<VerifyResult> {
  if (!(o.alpha > 0 && o.alpha < 0.5)) throw new FieldError("alpha", `expected a number in (0, 0.5), got ${o.alpha}`);
  let chosen;
  try {
    chosen = selectClaims(o.only, allClaims);
  } catch (e) {
    throw fieldError("only", e);
  }
  let figs;
  try {
    figs = selectFigures(o.figures ?? (o.only ? "none" : "all"), allFigures);
  } catch (e) {
    throw fieldError("figures", e);
  }
  if (!(o.workers >= 1 && o.workers <= 64)) throw new FieldError("workers", `expected an integer in [1, 64], got ${o.workers}`);
  // the output folder is created only once every option is valid (a bad --workers left an empty folder)
  const out = ensureWritableDir(o.out);
  const { seed, quick, alpha } = o;
  const total = chosen.length + figs.length;
  const results: ClaimResult[] = [];
  if (o.workers > 1) {
    const frac = new Float64Array(chosen.length);
    const rs = await runClaimsOnWorkers(
      chosen.map((c) => c.id),
      { seed, quick, alpha },
      o.workers,
      (i, d, t) => {
        frac[i] = Math.min(1, d / Math.max(1, t));
        o.onProgress?.(frac.reduce((a, b) => a + b, 0), total, chosen[i].id);
      },
      (i, r) => {
        frac[i] = 1;
        o.onClaim?.(r, null);
      },
    );
    results.push(...rs);
  } else {
    for (let i = 0; i < chosen.length; i++) {
      const c = chosen[i];
      const ts = Date.now();
      const r = await runClaim(c, { seed, quick, alpha, onProgress: (_id, d, t) => o.onProgress?.(i + Math.min(1, d / Math.max(1, t)), total, c.id) });
      results.push(r);
      o.onClaim?.(r, (Date.now() - ts) / 1000);
    }
  }
  const record: ClaimsRecord = {
    kind: "stochgrad.claims",
    seed,
    quick,
    alpha,
    versions: { stochgrad: o.version, node: process.versions.node },
    summary: { claims: results.length, passed: results.filter((r) => r.verdict === "pass").length, failed: results.filter((r) => r.verdict !== "pass").length },
    claims: results,
  };
  const figDir = path.join(out, "figures");
  const rendered: VerifyResult["rendered"] = [];
  if (figs.length) ensureWritableDir(figDir, "--out");
  for (let i = 0; i < figs.length; i++) {
    const fig = figs[i];
    const ts = Date.now();
    rendered.push(await renderFigure(fig, { seed, quick, dir: figDir, onProgress: (d, t) => o.onProgress?.(chosen.length + i + Math.min(1, d / Math.max(1, t)), total, fig.id) }));
    o.onFigure?.(fig.id, (Date.now() - ts) / 1000);
  }
  const claimsFile = path.join(out, "claims.json");
  writeFileAtomic(claimsFile, claimsJson(record));
  writeFileAtomic(path.join(out, "report.md"), reportMarkdown(record, rendered));
  return { record, rendered, claimsFile };
}
