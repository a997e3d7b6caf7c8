/**
 * z-tests and confidence intervals with a stated false-alarm rate α.
 * Conventions: two-sided tests; for m coordinates tested jointly, Bonferroni (α/m each), so the
 * family-wise false-alarm rate is ≤ α.
 */

/** erfc(x) to ~1e-15 relative (W. J. Cody's rational Chebyshev approximations via continued fraction fallback). */
export function erfc(x: number): number {
  // Numerical Recipes erfc with Chebyshev fit (fractional error < 1.2e-7) is too coarse; use
  // the complementary-error continued fraction for |x| > 2 and a series for small |x|.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2) {
    // erf series: erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n!(2n+1))
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz continued fraction: erfc(x) = e^{−x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
    const tiny = 1e-300;
    let f = ax;
    let c = ax;
    let d = 0;
    for (let n = 1; n < 500; n++) {
      const an = n / 2;
      d = ax + an * d;
      d = d === 0 ? tiny : d;
      c = ax + an / c;
      c = c === 0 ? tiny : c;
      d = 1 / d;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  }
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal survival 1 − Φ(z), accurate in the far tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Φ⁻¹(p): Acklam's rational approximation refined by two Newton steps on Φ (~1e-15).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new Error(`normalQuantile: p must be in [0,1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let it = 0; it < 2; it++) {
    // Newton on Φ(x) = p; for p > ½ use the survival form so precision is kept in the tail.
    const err = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSf(x);
    x -= err / normalPdf(x);
  }
  return x;
}

/** Two-sided critical value z* with P(|Z| > z*) = α/m (Bonferroni over m coordinates). */
export function zCritical(alpha: number, m = 1): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0,1), got ${alpha}`);
  if (!(m >= 1)) throw new Error(`number of coordinates must be ≥ 1, got ${m}`);
  const tail = alpha / (2 * m);
  // below 1e-10, 1 − tail loses the tail's digits (and rounds to 1, giving z* = ∞, below ~1e-16):
  // take the quantile of the lower tail, z* = −Φ⁻¹(tail), which is accurate down to 1e-300
  return tail < 1e-10 ? -normalQuantile(tail) : normalQuantile(1 - tail);
}

export interface ZTestResult {
  /** max_i |mean_i − ref_i| / se_i */
  maxAbsZ: number;
  /** coordinate attaining maxAbsZ */
  worst: number;
  /** critical value at the stated α (Bonferroni over the coordinates tested) */
  critical: number;
  alpha: number;
  coordinates: number;
  /** true when no coordinate exceeds the critical value (the null is not rejected) */
  pass: boolean;
}

/**
 * Joint two-sided z-test of H0: E[x_i] = ref_i for all i, given sample means and standard
 * errors; Bonferroni-corrected so the family-wise false-alarm rate is α.
 * Coordinates with se = 0 must match ref exactly (within `exactTol`).
 */
export function zTest(mean: ArrayLike<number>, se: ArrayLike<number>, ref: ArrayLike<number>, alpha: number, exactTol = 1e-12): ZTestResult {
  const m = mean.length;
  const crit = zCritical(alpha, m);
  let maxZ = 0;
  let worst = -1;
  for (let i = 0; i < m; i++) {
    const d = Math.abs(mean[i] - ref[i]);
    let z: number;
    if (se[i] > 0) z = d / se[i];
    else z = d <= exactTol * Math.max(1, Math.abs(ref[i])) ? 0 : Infinity;
    if (!(z <= maxZ)) {
      maxZ = z;
      worst = i;
    }
  }
  return { maxAbsZ: maxZ, worst, critical: crit, alpha, coordinates: m, pass: maxZ <= crit };
}

/** Two-sided (1−α) normal confidence interval mean ± z*·se. */
export function confidenceInterval(mean: number, se: number, alpha: number): [number, number] {
  const z = zCritical(alpha);
  return [mean - z * se, mean + z * se];
}

/**
 * Variance check: for n i.i.d. samples with known exact variance σ² and fourth central moment μ4,
 * the sample variance s² is asymptotically normal with sd √((μ4 − σ⁴(n−3)/(n−1))/n).
 */
export function sampleVarianceSE(sigma2: number, mu4: number, n: number): number {
  return Math.sqrt(Math.max(0, (mu4 - (sigma2 * sigma2 * (n - 3)) / (n - 1)) / n));
}
