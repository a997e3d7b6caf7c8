/**
 * Chart rendering: a plain-data ChartSpec (what a figure record stores) → PNG, SVG and CSV,
 * drawn by Chart.js on @napi-rs/canvas (prebuilt Skia; no cairo/pango needed).
 * Charts are always rendered from records, never from live objects.
 */
import { createCanvas, SvgExportFlag } from "@napi-rs/canvas";
import { Chart, registerables, type ChartConfiguration, type Plugin } from "chart.js";
import path from "node:path";
import type { OptimResult } from "../src/optim/types.js";
import { quantile } from "../src/stats/quantile.js";
import { writeFileAtomic } from "./io.js";
import { describeValue, InputError, requireFinite } from "../src/errors.js";
import { requireArray, requireInteger, requireNumbers, requireRecord, requireString } from "../src/validate.js";

// Chart.js needs its chart types registered once per process (idempotent; the library's own registry).
Chart.register(...registerables);

export interface AxisSpec {
  /** axis title, with units, e.g. "samples N" or "|mean − exact| (gradient units)" */
  label: string;
  log?: boolean;
  min?: number;
  max?: number;
}

export interface SeriesSpec {
  label: string;
  /** [x, y] points */
  points: [number, number][];
  /** "line" (default), "scatter" (markers only), "dashed" (guide line), "band" (needs lower/upper) */
  style?: "line" | "scatter" | "dashed" | "band" | "bar";
  /** for "band": lower and upper y at the same x as points */
  lower?: number[];
  upper?: number[];
  /** palette index; default = series index */
  color?: number;
  /** marker shape for "scatter" (default circle) */
  marker?: "circle" | "triangle" | "rect" | "crossRot";
  /** marker radius in px for "scatter" (default 4) */
  size?: number;
  /** error bars: ± half-widths per point along x and along y (e.g. one standard deviation over seeds) */
  xError?: number[];
  yError?: number[];
}

export interface ChartSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: SeriesSpec[];
  /** "line" (numeric x) or "bar" (categorical x via `categories`) */
  kind?: "line" | "bar" | "images";
  /** kind "images": a grid of grey-scale tiles (e.g. RBM filters), values mapped linearly to black…white */
  images?: ImageGridSpec;
  categories?: string[];
  /** legend placement; default "top" so it never covers data */
  legend?: "top" | "right" | "bottom";
  width?: number;
  height?: number;
}

/** A grid of tiles, each tileHeight×tileWidth values (row-major); drawn with `scale` pixels per value. */
export interface ImageGridSpec {
  tiles: number[][];
  tileWidth: number;
  tileHeight: number;
  columns: number;
  /** value mapped to black and to white (default: each tile's own min and max) */
  range?: [number, number];
  scale?: number;
  /** label drawn under each tile */
  labels?: string[];
}

/** Colour-blind-safe palette (Okabe–Ito) plus greys, a purple and a brown (eleven series without a repeat). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000", "#999999", "#7F3C8D", "#8C510A"];

function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Draws the ± whiskers of series with xError / yError, in the series' colour. */
const errorBars: Plugin = {
  id: "errorBars",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    chart.data.datasets.forEach((ds) => {
      const e = (ds as { errorBars?: { x?: number[]; y?: number[] } }).errorBars;
      if (!e) return;
      ctx.save();
      ctx.strokeStyle = String((ds as { pointBorderColor?: string }).pointBorderColor ?? ds.borderColor);
      ctx.lineWidth = 1.5;
      (ds.data as { x: number; y: number }[]).forEach((p, i) => {
        const px = xs.getPixelForValue(p.x);
        const py = ys.getPixelForValue(p.y);
        const seg = (x0: number, y0: number, x1: number, y1: number) => {
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
          ctx.stroke();
        };
        const cap = 4;
        if (e.y && e.y[i] > 0) {
          const lo = ys.getPixelForValue(p.y - e.y[i]);
          const hi = ys.getPixelForValue(p.y + e.y[i]);
          seg(px, lo, px, hi);
          seg(px - cap, lo, px + cap, lo);
          seg(px - cap, hi, px + cap, hi);
        }
        if (e.x && e.x[i] > 0) {
          const lo = xs.getPixelForValue(p.x - e.x[i]);
          const hi = xs.getPixelForValue(p.x + e.x[i]);
          seg(lo, py, hi, py);
          seg(lo, py - cap, lo, py + cap);
          seg(hi, py - cap, hi, py + cap);
        }
      });
      ctx.restore();
    });
  },
};

const whiteBackground: Plugin = {
  id: "whiteBackground",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

function decade(v: number): number | null {
  if (!(v > 0)) return null;
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) > 1e-9 ? null : Math.round(e);
}

/** Label powers of ten only; over many decades, every k-th decade so labels never collide. */
function logTicks(value: number | string, _index: number, ticks: { value: number }[]): string {
  const k = decade(Number(value));
  if (k === null) return "";
  const decades = ticks.map((t) => decade(t.value)).filter((d): d is number => d !== null);
  const step = Math.max(1, Math.ceil(decades.length / 10));
  if (k % step !== 0) return "";
  if (k >= -2 && k <= 3) return String(Number((10 ** k).toPrecision(1)));
  return `1e${k}`;
}

function axisOptions(a: AxisSpec, categorical = false): Record<string, unknown> {
  return {
    type: categorical ? "category" : a.log ? "logarithmic" : "linear",
    min: a.min,
    max: a.max,
    title: { display: true, text: a.label, font: { size: 14 } },
    ticks: a.log ? { callback: logTicks, autoSkip: false, font: { size: 12 } } : { font: { size: 12 } },
    grid: { color: "rgba(0,0,0,0.08)" },
  };
}

/** Build the Chart.js configuration for a spec (exported for tests). */
export function toChartConfig(spec: ChartSpec): ChartConfiguration {
  const datasets: Record<string, unknown>[] = [];
  spec.series.forEach((s, idx) => {
    const col = PALETTE[(s.color ?? idx) % PALETTE.length];
    const style = s.style ?? "line";
    if (style === "band") {
      const lo = s.points.map(([x], i) => ({ x, y: s.lower![i] }));
      const hi = s.points.map(([x], i) => ({ x, y: s.upper![i] }));
      datasets.push({ label: `${s.label} (band)`, data: lo, borderWidth: 0, pointRadius: 0, fill: false, borderColor: "transparent", backgroundColor: "transparent", bandLow: true });
      datasets.push({ label: `__band_${idx}`, data: hi, borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: withAlpha(col, 0.18), borderColor: "transparent" });
      datasets.push({ label: s.label, data: s.points.map(([x, y]) => ({ x, y })), borderColor: col, backgroundColor: col, borderWidth: 2, pointRadius: 0, fill: false });
      return;
    }
    if (spec.kind === "bar") {
      datasets.push({ label: s.label, data: s.points.map(([, y]) => y), backgroundColor: withAlpha(col, 0.8), borderColor: col });
      return;
    }
    datasets.push({
      label: s.label,
      data: s.points.map(([x, y]) => ({ x, y })),
      borderColor: col,
      backgroundColor: col,
      borderWidth: style === "scatter" ? 0 : style === "dashed" ? 1.5 : 2,
      borderDash: style === "dashed" ? [6, 4] : [],
      pointRadius: style === "scatter" ? (s.size ?? 4) : s.points.length <= 12 && style === "line" ? 3 : 0,
      pointStyle: s.marker ?? "circle",
      pointBorderColor: col,
      pointBackgroundColor: s.marker === "triangle" || s.marker === "rect" ? "#ffffff" : col,
      pointBorderWidth: style === "scatter" ? 2 : 1,
      showLine: style !== "scatter",
      fill: false,
      ...(s.xError || s.yError ? { errorBars: { x: s.xError, y: s.yError } } : {}),
    });
  });
  const bar = spec.kind === "bar";
  return {
    type: bar ? "bar" : "line",
    data: bar ? { labels: spec.categories ?? [], datasets: datasets as never } : { datasets: datasets as never },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      parsing: bar ? undefined : false,
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16 } },
        legend: {
          position: spec.legend ?? "top",
          labels: { filter: (item: { text: string }) => !item.text.startsWith("__band_") && !item.text.endsWith("(band)"), font: { size: 12 }, boxWidth: 18 },
        },
      },
      scales: { x: axisOptions(spec.x, bar), y: axisOptions(spec.y) },
    } as never,
    plugins: [whiteBackground, errorBars],
  };
}

/** CSV of the data behind a chart, long format: series,x,y,lower,upper. */
export function chartCsv(spec: ChartSpec): string {
  const lines = ["series,x,y,lower,upper"];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const s of spec.series) {
    s.points.forEach(([x, y], i) => {
      const xs = spec.kind === "bar" && spec.categories ? q(spec.categories[i] ?? String(x)) : String(x);
      const lower = s.lower ? String(s.lower[i]) : s.yError ? String(y - s.yError[i]) : "";
      const upper = s.upper ? String(s.upper[i]) : s.yError ? String(y + s.yError[i]) : "";
      lines.push([q(s.label), xs, String(y), lower, upper].join(","));
    });
  }
  return lines.join("\n") + "\n";
}

/** Render a spec to `${base}.png`, `${base}.svg` and `${base}.csv` (atomic writes). */
/** Draw an image grid (kind "images") on a canvas context. */
function drawImageGrid(ctx: CanvasRenderingContext2D, spec: ChartSpec, w: number, h: number): void {
  const g = spec.images!;
  const sc = g.scale ?? 4;
  const pad = 6;
  const top = 40;
  const lab = g.labels ? 16 : 0;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = "#000000";
  ctx.font = "16px sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(spec.title, w / 2, 24);
  ctx.font = "11px sans-serif";
  g.tiles.forEach((tile, t) => {
    const gx = t % g.columns;
    const gy = Math.floor(t / g.columns);
    const x0 = pad + gx * (g.tileWidth * sc + pad);
    const y0 = top + gy * (g.tileHeight * sc + pad + lab);
    let lo = Infinity;
    let hi = -Infinity;
    if (g.range) [lo, hi] = g.range;
    else for (const v of tile) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const span = hi > lo ? hi - lo : 1;
    for (let r = 0; r < g.tileHeight; r++) {
      for (let c = 0; c < g.tileWidth; c++) {
        const v = Math.round((255 * Math.min(1, Math.max(0, (tile[r * g.tileWidth + c] - lo) / span))));
        ctx.fillStyle = `rgb(${v},${v},${v})`;
        ctx.fillRect(x0 + c * sc, y0 + r * sc, sc, sc);
      }
    }
    if (g.labels) {
      ctx.fillStyle = "#000000";
      ctx.fillText(g.labels[t] ?? "", x0 + (g.tileWidth * sc) / 2, y0 + g.tileHeight * sc + 12);
    }
  });
  if (spec.x.label) {
    ctx.fillStyle = "#000000";
    ctx.font = "12px sans-serif";
    ctx.fillText(spec.x.label, w / 2, h - 8);
  }
}

/** Pixel size of an image grid. */
function imageGridSize(spec: ChartSpec): [number, number] {
  const g = spec.images!;
  const sc = g.scale ?? 4;
  const rows = Math.ceil(g.tiles.length / g.columns);
  return [6 + g.columns * (g.tileWidth * sc + 6), 40 + rows * (g.tileHeight * sc + 6 + (g.labels ? 16 : 0)) + 24];
}

export function renderChart(spec: ChartSpec, base: string): { png: string; svg: string; csv: string } {
  if (spec.kind === "images") {
    const [w, h] = imageGridSize(spec);
    const png = `${base}.png`;
    const svg = `${base}.svg`;
    const csv = `${base}.csv`;
    const c1 = createCanvas(w, h);
    drawImageGrid(c1.getContext("2d") as never, spec, w, h);
    writeFileAtomic(png, c1.toBuffer("image/png"));
    const c2 = createCanvas(w, h, SvgExportFlag.ConvertTextToPaths);
    drawImageGrid(c2.getContext("2d") as never, spec, w, h);
    writeFileAtomic(svg, c2.getContent());
    const lines = ["tile,row,col,value"];
    spec.images!.tiles.forEach((tile, t) => tile.forEach((v, k) => lines.push(`${t},${Math.floor(k / spec.images!.tileWidth)},${k % spec.images!.tileWidth},${v}`)));
    writeFileAtomic(csv, lines.join("\n") + "\n");
    return { png: path.basename(png), svg: path.basename(svg), csv: path.basename(csv) };
  }
  const w = spec.width ?? 900;
  const h = spec.height ?? 560;
  const png = `${base}.png`;
  const svg = `${base}.svg`;
  const csv = `${base}.csv`;
  {
    const canvas = createCanvas(w, h);
    const chart = new Chart(canvas.getContext("2d") as never, toChartConfig(spec));
    writeFileAtomic(png, canvas.toBuffer("image/png"));
    chart.destroy();
  }
  {
    const canvas = createCanvas(w, h, SvgExportFlag.ConvertTextToPaths);
    const chart = new Chart(canvas.getContext("2d") as never, toChartConfig(spec));
    writeFileAtomic(svg, canvas.getContent());
    chart.destroy();
  }
  writeFileAtomic(csv, chartCsv(spec));
  return { png: path.basename(png), svg: path.basename(svg), csv: path.basename(csv) };
}

/** Median and quartile band of L/L₀ over runs, against evaluations (traces share their grid). */
export function bandSeries(runs: OptimResult[], label: string, color: number): SeriesSpec {
  const T = runs.reduce((m, r) => Math.min(m, r.trace.length), Infinity);
  const pts: [number, number][] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let t = 0; t < T; t++) {
    const v = runs.map((r) => r.trace[t].loss / r.initialLoss);
    pts.push([Math.max(1, runs[0].trace[t].evaluations), quantile(v, 0.5)]);
    lo.push(quantile(v, 0.25));
    hi.push(quantile(v, 0.75));
  }
  return { label, points: pts, lower: lo, upper: hi, style: "band", color };
}

/** Largest canvas a chart may ask for, in pixels (width × height): 16 megapixels, 64 MiB of RGBA. */
export const MAX_CHART_PIXELS = 16 * 2 ** 20;
/** Largest total number of points, bars and tile values a chart may hold. */
export const MAX_CHART_VALUES = 4 * 2 ** 20;

const STYLES = ["line", "scatter", "dashed", "band", "bar"] as const;
const MARKERS = ["circle", "triangle", "rect", "crossRot"] as const;
const KINDS = ["line", "bar", "images"] as const;
const LEGENDS = ["top", "right", "bottom"] as const;

/** A finite number, or null: a JSON record stores an absent value (a NaN, drawn as a gap) as null. */
function numberOrGap(v: unknown, where: string): number {
  if (v === null) return Number.NaN;
  return requireFinite(v, where);
}

function optional<T>(o: Record<string, unknown>, key: string, check: (v: unknown, where: string) => T, where: string): T | undefined {
  return o[key] === undefined ? undefined : check(o[key], `${where}.${key}`);
}

function axisFromJSON(v: unknown, where: string): AxisSpec {
  const o = requireRecord(v, where, ["label", "log", "min", "max"], `{"label": "...", "log"?: true}`);
  return {
    label: requireString(o.label, `${where}.label`),
    log: optional(o, "log", requireBoolean, where),
    min: optional(o, "min", requireFinite, where),
    max: optional(o, "max", requireFinite, where),
  };
}

function requireBoolean(v: unknown, where: string): boolean {
  if (typeof v !== "boolean") throw new InputError(`${where}: expected true or false, got ${describeValue(v)}`);
  return v;
}

function seriesFromJSON(v: unknown, where: string, count: { values: number }): SeriesSpec {
  const o = requireRecord(v, where, ["label", "points", "style", "lower", "upper", "color", "marker", "size"], `{"label": "...", "points": [[x, y], ...]}`);
  const pts = requireArray(o.points, `${where}.points`, undefined, "[x, y] pairs");
  count.values += pts.length;
  if (count.values > MAX_CHART_VALUES) throw new InputError(`${where}.points: the chart holds more than ${MAX_CHART_VALUES} values`);
  const points = pts.map((p, i) => {
    const xy = requireArray(p, `${where}.points[${i}]`, 2, "[x, y]");
    return [numberOrGap(xy[0], `${where}.points[${i}][0]`), numberOrGap(xy[1], `${where}.points[${i}][1]`)] as [number, number];
  });
  const style = optional(o, "style", (x, w) => requireString(x, w, STYLES), where) as SeriesSpec["style"];
  const band = (key: "lower" | "upper") => {
    if (o[key] === undefined) {
      if (style === "band") throw new InputError(`${where}.${key}: a "band" series needs lower and upper (one per point)`);
      return undefined;
    }
    return requireArray(o[key], `${where}.${key}`, points.length, "one per point").map((x, i) => numberOrGap(x, `${where}.${key}[${i}]`));
  };
  return {
    label: requireString(o.label, `${where}.label`),
    points,
    style,
    lower: band("lower"),
    upper: band("upper"),
    color: optional(o, "color", (x, w) => requireInteger(x, w, 0, 1000), where),
    marker: optional(o, "marker", (x, w) => requireString(x, w, MARKERS), where) as SeriesSpec["marker"],
    size: optional(o, "size", (x, w) => requireInteger(x, w, 0, 100), where),
  };
}

function imagesFromJSON(v: unknown, where: string, count: { values: number }): ImageGridSpec {
  const o = requireRecord(v, where, ["tiles", "tileWidth", "tileHeight", "columns", "range", "scale", "labels"], `{"tiles": [[...]], "tileWidth": w, "tileHeight": h, "columns": c}`);
  const tileWidth = requireInteger(o.tileWidth, `${where}.tileWidth`, 1, 4096);
  const tileHeight = requireInteger(o.tileHeight, `${where}.tileHeight`, 1, 4096);
  const columns = requireInteger(o.columns, `${where}.columns`, 1, 4096);
  const tilesIn = requireArray(o.tiles, `${where}.tiles`);
  count.values += tilesIn.length * tileWidth * tileHeight;
  if (count.values > MAX_CHART_VALUES) throw new InputError(`${where}.tiles: ${tilesIn.length} tiles of ${tileWidth}×${tileHeight} exceed ${MAX_CHART_VALUES} values`);
  const tiles = tilesIn.map((t, k) => requireNumbers(t, `${where}.tiles[${k}]`, tileWidth * tileHeight, `tileHeight × tileWidth = ${tileHeight} × ${tileWidth} values`));
  const range = o.range === undefined ? undefined : (requireNumbers(o.range, `${where}.range`, 2, "[black, white]") as [number, number]);
  const labels = o.labels === undefined ? undefined : requireArray(o.labels, `${where}.labels`, tiles.length, "one per tile").map((x, i) => requireString(x, `${where}.labels[${i}]`));
  return { tiles, tileWidth, tileHeight, columns, range, scale: optional(o, "scale", (x, w) => requireInteger(x, w, 1, 64), where), labels };
}

/**
 * A chart spec read from JSON (a figure record), checked fully: every field's type, the enums,
 * band lengths, and the canvas and data sizes (MAX_CHART_PIXELS, MAX_CHART_VALUES), so rendering
 * a malformed record is one error naming the field instead of a TypeError inside Chart.js.
 */
export function chartSpecFromJSON(v: unknown, where = "spec"): ChartSpec {
  const o = requireRecord(v, where, ["title", "x", "y", "series", "kind", "images", "categories", "legend", "width", "height"], `{"title": "...", "x": {...}, "y": {...}, "series": [...]}`);
  const count = { values: 0 };
  const kind = optional(o, "kind", (x, w) => requireString(x, w, KINDS), where) as ChartSpec["kind"];
  const spec: ChartSpec = {
    title: requireString(o.title, `${where}.title`),
    x: axisFromJSON(o.x, `${where}.x`),
    y: axisFromJSON(o.y, `${where}.y`),
    series: requireArray(o.series, `${where}.series`).map((s, i) => seriesFromJSON(s, `${where}.series[${i}]`, count)),
    kind,
    images: o.images === undefined ? undefined : imagesFromJSON(o.images, `${where}.images`, count),
    categories: o.categories === undefined ? undefined : requireArray(o.categories, `${where}.categories`).map((x, i) => requireString(x, `${where}.categories[${i}]`)),
    legend: optional(o, "legend", (x, w) => requireString(x, w, LEGENDS), where) as ChartSpec["legend"],
    width: optional(o, "width", (x, w) => requireInteger(x, w, 100, 8192), where),
    height: optional(o, "height", (x, w) => requireInteger(x, w, 100, 8192), where),
  };
  if (kind === "images" && !spec.images) throw new InputError(`${where}.images: a chart of kind "images" needs an images grid`);
  const [w, h] = kind === "images" ? imageGridSize(spec) : [spec.width ?? 900, spec.height ?? 560];
  if (w * h > MAX_CHART_PIXELS) throw new InputError(`${where}: a ${w}×${h} canvas exceeds ${MAX_CHART_PIXELS / 2 ** 20} megapixels`);
  return spec;
}
