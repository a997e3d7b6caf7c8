/**
 * report.md and the terminal claims table, rendered from the claims record (never live objects);
 * report.html is built from the same rows (analysis/report-html.ts).
 */
import { QUANTITIES, type ClaimResult, type Verdict } from "./claims/types.js";
import type { FigureRecord } from "./figures/types.js";
import { fmt, formatAlpha } from "./format.js";

export interface ClaimsRecord {
  kind: "stochgrad.claims";
  seed: string;
  quick: boolean;
  alpha: number;
  versions: { stochgrad: string; node: string };
  /** the commit of the checkout the run came from (absent when not run from a git checkout); `dirty`: tracked files differed from it */
  git?: { commit: string; dirty: boolean };
  summary: { claims: number; passed: number; failed: number };
  claims: ClaimResult[];
}

/**
 * Scale-free room left before a verdict flips: (tolerance − measured) / max(|tolerance|, |measured|).
 * Works for negative tolerances ("≤ −1e-12") as well as positive ones.
 */
function slack(v: Verdict): number {
  const scale = Math.max(Math.abs(v.tolerance), Math.abs(v.measured), 1e-300);
  return (v.tolerance - v.measured) / scale;
}

/**
 * The verdict that decides the row: for checks, the one closest to failing (least slack); for
 * controls, the one closest to not being rejected (largest slack, i.e. least negative).
 */
function worst(vs: Verdict[], wantPass: boolean): Verdict | undefined {
  if (vs.length === 0) return undefined;
  return vs.reduce((a, b) => (wantPass ? (slack(b) < slack(a) ? b : a) : slack(b) > slack(a) ? b : a));
}

/** A verdict in words, naming its quantity and unit: "z = 2.31 ≤ 5.45 standard errors", "relative error = 3e-16 ≤ 1e-12". */
export function verdictSummary(v: Verdict): string {
  const q = QUANTITIES[v.quantity];
  return `${q.label} = ${fmt(v.measured)} ${v.pass ? "≤" : ">"} ${fmt(v.tolerance)}${q.unit ? ` ${q.unit}` : ""}`;
}

/** One claim's row: the deciding check and control, and the verdicts. */
export interface ClaimRow {
  id: string;
  /** "error" when the claim threw */
  status: "pass" | "FAIL" | "ERROR";
  check?: Verdict;
  control?: Verdict;
  controlsRejected: boolean;
  verdict: "pass" | "fail";
}

export function claimRowData(r: ClaimsRecord): ClaimRow[] {
  return r.claims.map((c) => ({
    id: c.id,
    status: c.error ? "ERROR" : c.checksPass ? "pass" : "FAIL",
    check: worst(c.checks, true),
    control: worst(c.controls, false),
    controlsRejected: c.controlsRejected,
    verdict: c.verdict,
  }));
}

/** The control cell: "rejected (z = 41 > 5.45 standard errors)". */
export function controlSummary(row: ClaimRow): string {
  return row.control ? `${row.controlsRejected ? "rejected" : "NOT rejected"} (${verdictSummary(row.control)})` : "—";
}

/** One row per claim, as text cells: id, deciding check, verdict, negative control, ✓/✗. */
export function claimRows(r: ClaimsRecord): string[][] {
  return claimRowData(r).map((row) => [row.id, row.check ? verdictSummary(row.check) : "—", row.status, controlSummary(row), row.verdict === "pass" ? "✓" : "✗"]);
}

const HEAD = ["claim", "deciding check (quantity = measured vs tolerance)", "verdict", "negative control", ""];

export function claimsTable(r: ClaimsRecord): string {
  const rows = [HEAD, ...claimRows(r)];
  const w = HEAD.map((_, j) => Math.max(...rows.map((row) => [...row[j]].length)));
  const line = (row: string[]) => row.map((cell, j) => cell + " ".repeat(w[j] - [...cell].length)).join("  ").trimEnd();
  const out = [line(rows[0]), w.map((x) => "─".repeat(x)).join("  "), ...rows.slice(1).map(line)];
  out.push("", `${r.summary.passed} passed, ${r.summary.failed} failed (α = ${formatAlpha(r.alpha)} per claim; seed "${r.seed}"${r.quick ? ", quick" : ""})`);
  return out.join("\n") + "\n";
}

/** Escape a Markdown table cell (pipes and newlines would break the row). */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdictLines(vs: Verdict[], control: boolean): string[] {
  return vs.map((v) => `| ${control ? "control" : "check"} | ${cell(v.description)} | ${v.kind} | ${QUANTITIES[v.quantity].label}${QUANTITIES[v.quantity].unit ? ` (${QUANTITIES[v.quantity].unit})` : ""} | ${fmt(v.measured)} | ≤ ${fmt(v.tolerance)} | ${control ? (v.pass ? "**not rejected**" : "rejected") : v.pass ? "pass" : "**FAIL**"} |`);
}

/** Where the record came from, in one sentence: versions and, when known, the commit. */
export function provenance(r: ClaimsRecord): string {
  const git = r.git ? `, commit ${r.git.commit}${r.git.dirty ? " with uncommitted changes" : ""}` : "";
  return `stochgrad ${r.versions.stochgrad}, Node ${r.versions.node}${git}`;
}

export function reportMarkdown(r: ClaimsRecord, figures: { record: FigureRecord; files: string[] }[]): string {
  const L: string[] = [];
  L.push("# stochgrad verification report", "");
  L.push(`Seed \`${r.seed}\`${r.quick ? " (quick mode)" : ""}; family-wise false-alarm rate α = ${formatAlpha(r.alpha)} per claim (split across its statistical checks; Bonferroni over coordinates). The table shows, per claim, the check closest to failing and the control closest to escaping rejection, each as the quantity it measures. ${provenance(r)}.`, "");
  L.push(`**${r.summary.passed} of ${r.summary.claims} claims hold**; a claim holds when every check passes and every negative control is rejected by the same check.`, "");
  L.push(`| ${HEAD.join(" | ")} |`, `|${HEAD.map(() => "---").join("|")}|`);
  for (const row of claimRows(r)) L.push(`| ${row.map(cell).join(" | ")} |`);
  L.push("");
  for (const c of r.claims) {
    L.push(`## ${c.id}`, "");
    L.push(`> ${c.statement}`, "", `Source: ${c.source}.  `, `Exact reference: ${c.reference || "—"}.  `, `Negative control: ${c.control}.  `, `Problems: ${Object.keys(c.problems).join("; ") || "—"} (parameters in claims.json).`, "");
    if (c.error) L.push("```", c.error, "```", "");
    L.push("| | what | kind | quantity | measured | tolerance | verdict |", "|---|---|---|---|---|---|---|");
    L.push(...verdictLines(c.checks, false), ...verdictLines(c.controls, true), "");
  }
  if (figures.length) {
    L.push("## Figures", "");
    for (const f of figures) {
      L.push(`### ${f.record.title}`, "", f.record.caption, "");
      for (const file of f.files.filter((x) => x.endsWith(".png"))) L.push(`![${f.record.title}](figures/${file})`, "");
      L.push(`Data: ${f.files.filter((x) => x.endsWith(".csv") || x.endsWith(".json")).map((x) => `[${x}](figures/${x})`).join(", ")}`, "");
    }
  }
  return L.join("\n");
}

/**
 * The claims record as JSON text (claims.json, `verify --json`): canonical like every record,
 * except that an infinite `measured` (a certain rejection, see Verdict) is written as the
 * string "Infinity", since JSON.stringify would write null, which reads as "not measured".
 */
export function claimsJson(r: ClaimsRecord): string {
  return JSON.stringify(r, (k, v) => (k === "measured" && typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}
