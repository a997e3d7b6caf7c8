/**
 * Shared helpers of the SPSA-* claims and figures: log-spaced grids, the least-squares slope
 * of a log–log relation, and the five-number summary of final-loss ratios.
 */
import { quantile } from "../../src/stats/quantile.js";

/** Median, quartiles and range of a sample (e.g. final L(θ̂)/L(θ₀) over seeds). */
export function fiveNumberSummary(x: number[]): { median: number; q25: number; q75: number; min: number; max: number } {
  return { median: quantile(x, 0.5), q25: quantile(x, 0.25), q75: quantile(x, 0.75), min: x.reduce((m, v) => Math.min(m, v), Infinity), max: x.reduce((m, v) => Math.max(m, v), -Infinity) };
}

/** n log-spaced points from lo to hi (inclusive). */
export function logGrid(lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (n - 1)));
  return out;
}

/**
 * Least-squares slope of log y against log x: β̂ = Σ(ℓxᵢ − ℓx̄)(ℓyᵢ − ℓȳ) / Σ(ℓxᵢ − ℓx̄)².
 * For y ∝ x^β exactly, β̂ = β. Shapes: x, y (n ≥ 2, positive).
 */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += Math.log(x[i]) / n;
    my += Math.log(y[i]) / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = Math.log(x[i]) - mx;
    sxy += dx * (Math.log(y[i]) - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

/** ‖a − b‖∞ */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** ‖a‖∞ */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
