/**
 * report.html: one self-contained page (inline CSS, inline script, inline SVG figures; a
 * Content-Security-Policy that forbids every fetch) built from the claims record and the figure
 * records, never from live objects. It holds the claims table (sortable by any column, filterable
 * by verdict and id prefix), each claim's statement, source, reference, checks, controls and
 * problems, and each claim's figures with captions and links to the CSV, JSON, PNG and SVG beside
 * them. Deterministic: the same records give the same bytes (no dates, ids renumbered per figure).
 */
import { QUANTITIES, type ClaimResult, type Verdict } from "./claims/types.js";
import type { FigureRecord } from "./figures/types.js";
import { fmt, formatAlpha } from "./format.js";
import { claimRowData, controlSummary, provenance, verdictSummary, type ClaimsRecord } from "./report.js";

/** A rendered figure as the page needs it: its record, the files beside it, and the SVG text of each chart (by file name). */
export interface HtmlFigure {
  record: FigureRecord;
  files: string[];
  svg: Record<string, string>;
}

/** Escape text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * An SVG document made fit to inline: no XML prolog, every id renamed `${prefix}-${k}` (k in order
 * of appearance, with its references), so several charts in one page cannot capture each other's
 * clip paths, and a viewBox so CSS can scale it.
 */
export function inlineSvg(text: string, prefix: string, label: string): string {
  let s = text.replace(/^\s*<\?xml[^>]*\?>\s*/, "");
  const ids = new Map<string, string>();
  s = s.replace(/\sid="([^"]+)"/g, (_m, id: string) => {
    if (!ids.has(id)) ids.set(id, `${prefix}-${ids.size}`);
    return ` id="${ids.get(id)}"`;
  });
  s = s.replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : m));
  s = s.replace(/(xlink:href|href)="#([^"]+)"/g, (m, attr: string, id: string) => (ids.has(id) ? `${attr}="#${ids.get(id)}"` : m));
  return s.replace(/<svg\b([^>]*?)\swidth="(\d+(?:\.\d+)?)"\s+height="(\d+(?:\.\d+)?)"/, (_m, rest: string, w: string, h: string) => `<svg${rest} width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(label)}"`);
}

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--pass:#116329;--fail:#a40e26;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.8em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 .3em}
.meta{color:var(--muted)}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:var(--bg2);padding:8px;overflow:auto;max-height:320px}
table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:var(--bg2)}
#claims th{cursor:pointer;user-select:none;white-space:nowrap}#claims td:first-child{white-space:nowrap}#claims th[aria-sort=ascending]::after{content:" ▲"}#claims th[aria-sort=descending]::after{content:" ▼"}
.pass{color:var(--pass);font-weight:600}.fail{color:var(--fail);font-weight:600}
.filters{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:.6em 0}.filters label{display:flex;gap:6px;align-items:center}
blockquote{margin:.4em 0;padding:.2em 1em;border-left:4px solid var(--line);color:#24292f}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.4em 0}dt{color:var(--muted)}dd{margin:0}
figure{margin:1em 0;border:1px solid var(--line);padding:8px}figure svg{display:block;max-width:100%;height:auto}figcaption{color:#24292f;font-size:.95em;margin-top:6px}
.links a{margin-right:10px}
`;

const SCRIPT = `
(function () {
  var table = document.getElementById("claims");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var verdict = document.getElementById("filter-verdict");
  var prefix = document.getElementById("filter-prefix");
  var shown = document.getElementById("shown");
  function apply() {
    var v = verdict.value, p = prefix.value.trim(), n = 0;
    rows.forEach(function (r) {
      var ok = (v === "all" || r.getAttribute("data-verdict") === v) && r.getAttribute("data-id").indexOf(p) === 0;
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + " of " + rows.length + " claims shown";
  }
  function sortBy(th) {
    var i = th.cellIndex, dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1, numeric = th.getAttribute("data-type") === "number";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    function key(r) { var c = r.cells[i], s = c.hasAttribute("data-sort") ? c.getAttribute("data-sort") : c.textContent; return numeric ? Number(s) : s; }
    rows.sort(function (a, b) { var x = key(a), y = key(b); return dir * (numeric ? x - y : x < y ? -1 : x > y ? 1 : 0); });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); } });
  });
  verdict.addEventListener("change", apply);
  prefix.addEventListener("input", apply);
  apply();
})();
`;

/** Room left before the verdict flips, scale-free (the sort key of the check column; negative = failing). */
function margin(v: Verdict | undefined): number {
  if (!v) return 0;
  if (!Number.isFinite(v.measured)) return v.measured > 0 ? -1 : 1;
  const scale = Math.max(Math.abs(v.tolerance), Math.abs(v.measured), 1e-300);
  return (v.tolerance - v.measured) / scale;
}

function quantityCell(v: Verdict): string {
  const q = QUANTITIES[v.quantity];
  return `${escapeHtml(q.label)}${q.unit ? ` <span class="meta">(${escapeHtml(q.unit)})</span>` : ""}`;
}

function verdictTable(c: ClaimResult): string {
  const line = (v: Verdict, control: boolean) =>
    `<tr><td>${control ? "control" : "check"}</td><td>${escapeHtml(v.description)}</td><td>${v.kind}</td><td>${quantityCell(v)}</td><td>${escapeHtml(fmt(v.measured))}</td><td>≤ ${escapeHtml(fmt(v.tolerance))}</td><td class="${control ? (v.pass ? "fail" : "pass") : v.pass ? "pass" : "fail"}">${control ? (v.pass ? "not rejected" : "rejected") : v.pass ? "pass" : "FAIL"}</td></tr>`;
  return `<table class="verdicts"><thead><tr><th></th><th>what</th><th>kind</th><th>quantity</th><th>measured</th><th>tolerance</th><th>verdict</th></tr></thead><tbody>${[...c.checks.map((v) => line(v, false)), ...c.controls.map((v) => line(v, true))].join("")}</tbody></table>`;
}

function chartBase(record: FigureRecord, name: string): string {
  return name ? `${record.id}-${name}` : record.id;
}

function figureHtml(f: HtmlFigure, index: number): string {
  const r = f.record;
  const parts = r.charts.map((c, k) => {
    const base = chartBase(r, c.name);
    const svg = f.svg[`${base}.svg`];
    const body = svg === undefined ? `<p class="meta">(no SVG for ${escapeHtml(base)})</p>` : inlineSvg(svg, `f${index}c${k}`, c.spec.title);
    const links = [`${base}.csv`, `${r.id}.json`, `${base}.png`, `${base}.svg`].filter((x) => f.files.includes(x)).map((x) => `<a href="figures/${escapeHtml(x)}">${escapeHtml(x.slice(x.lastIndexOf(".") + 1).toUpperCase())}</a>`);
    return `<figure class="chart" id="chart-${escapeHtml(base)}" data-figure="${escapeHtml(base)}">${body}<figcaption><b>${escapeHtml(c.spec.title)}</b><br><span class="links">${links.join(" ")}</span></figcaption></figure>`;
  });
  return `<div class="figure" id="figure-${escapeHtml(r.id)}"><h3>${escapeHtml(r.title)}</h3><p>${escapeHtml(r.caption)}</p>${parts.join("")}</div>`;
}

/** report.html from the claims record and the rendered figures (see the file comment). */
export function reportHtml(r: ClaimsRecord, figures: HtmlFigure[]): string {
  const rows = claimRowData(r);
  const ids = new Set(r.claims.map((c) => c.id));
  // each figure is drawn once, under the first claim of the record it illustrates; other claims link to it
  const home = new Map<string, number>();
  figures.forEach((f, i) => {
    const first = r.claims.find((c) => f.record.claims?.includes(c.id));
    if (first) home.set(f.record.id, i);
  });
  const prefixes = [...new Set(r.claims.map((c) => c.id.split("-")[0] + "-"))];
  const L: string[] = [];
  L.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  L.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`);
  L.push(`<title>stochgrad verification report</title><style>${CSS}</style></head><body>`);
  L.push(`<h1>stochgrad verification report</h1>`);
  L.push(`<p><b class="${r.summary.failed === 0 ? "pass" : "fail"}">${r.summary.passed} of ${r.summary.claims} claims hold.</b> A claim holds when every check passes and every negative control is rejected by the same check.</p>`);
  L.push(`<p class="meta">Seed <code>${escapeHtml(r.seed)}</code>${r.quick ? " (quick mode)" : ""}; family-wise false-alarm rate α = ${escapeHtml(formatAlpha(r.alpha))} per claim, split across its statistical checks (Bonferroni over coordinates). ${escapeHtml(provenance(r))}. Records: <a href="claims.json">claims.json</a> (every problem's parameters), <a href="report.md">report.md</a>.</p>`);
  L.push(`<div class="filters"><label>verdict <select id="filter-verdict"><option value="all">all</option><option value="pass">pass</option><option value="fail">fail</option></select></label>`);
  L.push(`<label>id prefix <input id="filter-prefix" list="prefixes" placeholder="e.g. T1- or BM-" size="14"></label><datalist id="prefixes">${prefixes.map((p) => `<option value="${escapeHtml(p)}">`).join("")}</datalist><span id="shown" class="meta"></span></div>`);
  L.push(`<table id="claims"><thead><tr><th tabindex="0">claim</th><th tabindex="0">verdict</th><th tabindex="0" data-type="number" title="sorted by the room left before the check fails">deciding check (quantity = measured vs tolerance)</th><th tabindex="0">negative control</th><th tabindex="0">source</th></tr></thead><tbody>`);
  rows.forEach((row, i) => {
    const c = r.claims[i];
    L.push(`<tr data-id="${escapeHtml(row.id)}" data-verdict="${row.verdict}"><td><a href="#claim-${escapeHtml(row.id)}">${escapeHtml(row.id)}</a></td><td class="${row.verdict === "pass" ? "pass" : "fail"}">${row.verdict === "pass" ? "✓ pass" : `✗ ${row.status === "ERROR" ? "error" : row.status === "FAIL" ? "check failed" : "control not rejected"}`}</td><td data-sort="${margin(row.check)}">${row.check ? escapeHtml(verdictSummary(row.check)) : "—"}</td><td>${escapeHtml(controlSummary(row))}</td><td>${escapeHtml(c.source)}</td></tr>`);
  });
  L.push(`</tbody></table>`);
  for (const c of r.claims) {
    L.push(`<section class="claim" id="claim-${escapeHtml(c.id)}"><h2>${escapeHtml(c.id)} <span class="${c.verdict === "pass" ? "pass" : "fail"}">${c.verdict === "pass" ? "✓ holds" : "✗ does not hold"}</span></h2>`);
    L.push(`<blockquote>${escapeHtml(c.statement)}</blockquote><dl><dt>source</dt><dd>${escapeHtml(c.source)}</dd><dt>exact reference</dt><dd>${escapeHtml(c.reference || "—")}</dd><dt>negative control</dt><dd>${escapeHtml(c.control)}</dd><dt>α</dt><dd>${escapeHtml(formatAlpha(c.alpha))}</dd></dl>`);
    if (c.error) L.push(`<pre class="error">${escapeHtml(c.error)}</pre>`);
    L.push(verdictTable(c));
    const labels = Object.keys(c.problems);
    if (labels.length) L.push(`<details><summary>Problems (${labels.length}): ${escapeHtml(labels.join("; "))}</summary><pre>${escapeHtml(JSON.stringify(c.problems, null, 1))}</pre></details>`);
    const mine = figures.map((f, i) => [f, i] as const).filter(([f]) => f.record.claims?.includes(c.id));
    for (const [f, i] of mine) {
      const first = r.claims.find((x) => f.record.claims?.includes(x.id))!;
      L.push(first.id === c.id ? figureHtml(f, i) : `<p>Figure: <a href="#figure-${escapeHtml(f.record.id)}">${escapeHtml(f.record.title)}</a> (shown under ${escapeHtml(first.id)}).</p>`);
    }
    L.push(`</section>`);
  }
  const others = figures.map((f, i) => [f, i] as const).filter(([f]) => !home.has(f.record.id));
  if (others.length) {
    L.push(`<section id="other-figures"><h2>Other figures</h2>${others.some(([f]) => f.record.claims?.some((id) => !ids.has(id))) ? `<p class="meta">Figures whose claims were not run here.</p>` : ""}`);
    for (const [f, i] of others) L.push(figureHtml(f, i));
    L.push(`</section>`);
  }
  L.push(`<script>${SCRIPT}</script></body></html>`);
  return L.join("\n") + "\n";
}
