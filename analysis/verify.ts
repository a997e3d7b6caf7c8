/**
 * The verify pipeline behind `stochgrad verify`: select claims and figures, run the claims (on
 * worker threads when asked: each claim's numbers depend only on (seed, id, quick, α), so the
 * record is byte-identical for any number of workers), render the figures, and write
 * `claims.json`, `report.md`, `report.html` and `figures/`. Output folders are checked before any work starts.
 * Bad options are FieldErrors naming the option (`alpha`, `only`, `figures`, `workers`).
 */
import path from "node:path";
import { FieldError } from "../src/errors.js";
import { figures as allFigures } from "../figures/index.js";
import { claims as allClaims, selectClaims } from "./claims/index.js";
import { runClaim } from "./claims/runner.js";
import type { ClaimResult } from "./claims/types.js";
import { runFigure, selectFigures, writeFigure } from "./figures/runner.js";
import type { FigureRecord } from "./figures/types.js";
import { ensureWritableDir, readTextFile, writeFileAtomic } from "./io.js";
import { partFileName, partText, shardItems, type Shard } from "./shard.js";
import { runClaimsOnWorkers } from "./parallel.js";
import { claimsJson, reportMarkdown, type ClaimsRecord } from "./report.js";
import { reportHtml, type HtmlFigure } from "./report-html.js";

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
  /** run only this shard's claims and figures and write a part record (`stochgrad merge` joins them) */
  shard?: Shard;
  /** the checkout's commit (gitProvenance()); absent outside a checkout */
  git?: { commit: string; dirty: boolean };
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

/** The parameters a verify run's result depends on (a sharded run's parts must agree on all of them). */
export interface VerifyRun {
  seed: string;
  quick: boolean;
  alpha: number;
  /** the selected claim ids, in report order */
  claims: string[];
  /** the selected figure ids, in report order */
  figures: string[];
  /** Node's version (the record names it; numbers may depend on it) */
  node: string;
  /** the checkout's commit, when run from one (every shard of a run must come from the same) */
  git?: { commit: string; dirty: boolean };
}

/** One work item's result: a claim result or a figure record. */
export type VerifyItem = { claim: ClaimResult } | { figure: FigureRecord };

/** Run the selected claims and figures and write their records (see the file comment). */
export async function runVerify(o: VerifyOptions): Promise<VerifyResult | { partFile: string; failed: number }> {
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
  const run: VerifyRun = { seed, quick, alpha, claims: chosen.map((c) => c.id), figures: figs.map((f) => f.id), node: process.versions.node, ...(o.git ? { git: o.git } : {}) };
  // items: the claims, then the figures; a shard runs the ones it owns (round-robin)
  const total = chosen.length + figs.length;
  const mine = o.shard ? shardItems(o.shard, total) : Array.from({ length: total }, (_, i) => i);
  const myClaims = mine.filter((i) => i < chosen.length).map((i) => chosen[i]);
  const myFigs = mine.filter((i) => i >= chosen.length).map((i) => figs[i - chosen.length]);
  const results: ClaimResult[] = [];
  if (o.workers > 1) {
    const frac = new Float64Array(myClaims.length);
    const rs = await runClaimsOnWorkers(
      myClaims.map((c) => c.id),
      { seed, quick, alpha },
      o.workers,
      (i, d, t) => {
        frac[i] = Math.min(1, d / Math.max(1, t));
        o.onProgress?.(frac.reduce((a, b) => a + b, 0), mine.length, myClaims[i].id);
      },
      (i, r) => {
        frac[i] = 1;
        o.onClaim?.(r, null);
      },
    );
    results.push(...rs);
  } else {
    for (let i = 0; i < myClaims.length; i++) {
      const c = myClaims[i];
      const ts = Date.now();
      const r = await runClaim(c, { seed, quick, alpha, onProgress: (_id, d, t) => o.onProgress?.(i + Math.min(1, d / Math.max(1, t)), mine.length, c.id) });
      results.push(r);
      o.onClaim?.(r, (Date.now() - ts) / 1000);
    }
  }
  const records: FigureRecord[] = [];
  for (let i = 0; i < myFigs.length; i++) {
    const fig = myFigs[i];
    const ts = Date.now();
    records.push(await runFigure(fig, { seed, quick, onProgress: (d, t) => o.onProgress?.(myClaims.length + i + Math.min(1, d / Math.max(1, t)), mine.length, fig.id) }));
    o.onFigure?.(fig.id, (Date.now() - ts) / 1000);
  }
  const items: VerifyItem[] = [...results.map((claim) => ({ claim })), ...records.map((figure) => ({ figure }))];
  if (o.shard) {
    const partFile = path.join(out, partFileName("verify", o.shard));
    writeFileAtomic(partFile, partText("verify", o.version, { ...run }, o.shard, total, mine, items));
    return { partFile, failed: results.filter((r) => r.verdict !== "pass").length };
  }
  return writeVerify(out, o.version, run, items);
}

/**
 * Write claims.json, report.md and figures/ from every item's result, in item order (claims,
 * then figures): the unsharded run and `stochgrad merge` both end here, so their files are the same bytes.
 */
export function writeVerify(out: string, version: string, run: VerifyRun, items: VerifyItem[]): VerifyResult {
  const results = items.flatMap((x) => ("claim" in x ? [x.claim] : []));
  const records = items.flatMap((x) => ("figure" in x ? [x.figure] : []));
  const record: ClaimsRecord = {
    kind: "stochgrad.claims",
    seed: run.seed,
    quick: run.quick,
    alpha: run.alpha,
    versions: { stochgrad: version, node: run.node },
    ...(run.git ? { git: run.git } : {}),
    summary: { claims: results.length, passed: results.filter((r) => r.verdict === "pass").length, failed: results.filter((r) => r.verdict !== "pass").length },
    claims: results,
  };
  const figDir = path.join(out, "figures");
  const rendered: VerifyResult["rendered"] = [];
  if (records.length) ensureWritableDir(figDir, "--out");
  for (const r of records) rendered.push({ record: r, files: writeFigure(r, figDir) });
  const claimsFile = path.join(out, "claims.json");
  writeFileAtomic(claimsFile, claimsJson(record));
  writeReports(out, record, rendered);
  return { record, rendered, claimsFile };
}

/**
 * Write report.md and report.html into `out` from the claims record and the rendered figures,
 * whose files are in `out/figures` (the SVGs are read back from there and inlined). Returns the
 * two paths. `stochgrad render claims.json` calls it too, so both give the same bytes.
 */
export function writeReports(out: string, record: ClaimsRecord, rendered: { record: FigureRecord; files: string[] }[]): string[] {
  const figDir = path.join(out, "figures");
  const md = path.join(out, "report.md");
  const htmlFile = path.join(out, "report.html");
  const html: HtmlFigure[] = rendered.map((f) => ({ ...f, svg: Object.fromEntries(f.files.filter((x) => x.endsWith(".svg")).map((x) => [x, readTextFile(path.join(figDir, x), "figure")])) }));
  writeFileAtomic(md, reportMarkdown(record, rendered));
  writeFileAtomic(htmlFile, reportHtml(record, html));
  return [md, htmlFile];
}
