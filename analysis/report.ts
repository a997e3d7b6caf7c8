/**
 * report.md and the terminal claims table, rendered from the claims record (never live objects).
 */
import type { ClaimResult, Verdict } from "./claims/types.js";
import type { FigureRecord } from "./figures/types.js";

export interface ClaimsRecord {
  kind: "stochgrad.claims";
  seed: string;
  quick: boolean;
  alpha: number;
  versions: { stochgrad: string; node: string };
  summary: { claims: number; passed: number; failed: number };
  claims: ClaimResult[];
}

/** Short number format for tables: 3 significant digits, exponent when tiny/huge. */
export function fmt(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return Number(x.toPrecision(3)).toString();
  return x.toExponential(2);
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

/** One row per claim: measured/tolerance of the deciding check, and the control's verdict. */
export function claimRows(r: ClaimsRecord): string[][] {
  return r.claims.map((c) => {
    const chk = worst(c.checks, true);
    const ctl = worst(c.controls, false);
    return [
      c.id,
      chk ? fmt(chk.measured) : "—",
      chk ? `≤ ${fmt(chk.tolerance)}` : "—",
      c.error ? "ERROR" : c.checksPass ? "pass" : "FAIL",
      ctl ? `${c.controlsRejected ? "rejected" : "NOT rejected"} (${fmt(ctl.measured)})` : "—",
      c.verdict === "pass" ? "✓" : "✗",
    ];
  });
}

const HEAD = ["claim", "measured", "tolerance", "verdict", "negative control", ""];

export function claimsTable(r: ClaimsRecord): string {
  const rows = [HEAD, ...claimRows(r)];
  const w = HEAD.map((_, j) => Math.max(...rows.map((row) => [...row[j]].length)));
  const line = (row: string[]) => row.map((cell, j) => cell + " ".repeat(w[j] - [...cell].length)).join("  ");
  const out = [line(rows[0]), w.map((x) => "─".repeat(x)).join("  "), ...rows.slice(1).map(line)];
  out.push("", `${r.summary.passed} passed, ${r.summary.failed} failed (α = ${fmt(r.alpha)} per claim; seed "${r.seed}"${r.quick ? ", quick" : ""})`);
  return out.join("\n") + "\n";
}

/** Escape a Markdown table cell (pipes and newlines would break the row). */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdictLines(vs: Verdict[], control: boolean): string[] {
  return vs.map((v) => `| ${control ? "control" : "check"} | ${cell(v.description)} | ${v.kind} | ${fmt(v.measured)} | ≤ ${fmt(v.tolerance)} | ${control ? (v.pass ? "**not rejected**" : "rejected") : v.pass ? "pass" : "**FAIL**"} |`);
}

export function reportMarkdown(r: ClaimsRecord, figures: { record: FigureRecord; files: string[] }[]): string {
  const L: string[] = [];
  L.push("# stochgrad verification report", "");
  L.push(`Seed \`${r.seed}\`${r.quick ? " (quick mode)" : ""}; family-wise false-alarm rate α = ${fmt(r.alpha)} per claim (split across its statistical checks; Bonferroni over coordinates). The table shows, per claim, the check closest to failing and the control closest to escaping rejection. stochgrad ${r.versions.stochgrad}, Node ${r.versions.node}.`, "");
  L.push(`**${r.summary.passed} of ${r.summary.claims} claims hold**; a claim holds when every check passes and every negative control is rejected by the same check.`, "");
  L.push("| claim | measured | tolerance | verdict | negative control | |", "|---|---|---|---|---|---|");
  for (const row of claimRows(r)) L.push(`| ${row.map(cell).join(" | ")} |`);
  L.push("");
  for (const c of r.claims) {
    L.push(`## ${c.id}`, "");
    L.push(`> ${c.statement}`, "", `Source: ${c.source}.  `, `Exact reference: ${c.reference || "—"}.  `, `Negative control: ${c.control}.`, "");
    if (c.error) L.push("```", c.error, "```", "");
    L.push("| | what | kind | measured | tolerance | verdict |", "|---|---|---|---|---|---|");
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
