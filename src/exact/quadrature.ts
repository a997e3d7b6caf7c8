/**
 * One-dimensional quadrature for exact references with continuous noise (Gaussian noise
 * injected into rectifiers, sigmoids and thresholds; Bengio 2013, arXiv 1305.2982, §4).
 *
 * Stable API (other modules build on it):
 *   gaussHermite(n)                         nodes/weights for ∫ f(x) e^{−x²} dx
 *   gaussianExpectationGH(f, s, n)          E f(z), z ~ N(0, s²), by n-point Gauss–Hermite
 *   gaussKronrod15(f, a, b)                 one G7/K15 panel on a finite [a, b]
 *   integrate(f, a, b, opts)                adaptive G7/K15 (QUADPACK QAG/QAGI), breakpoints, ±∞
 *   gaussianExpectation(f, s, opts)         E f(z), z ~ N(0, s²), adaptive, split at breakpoints
 *   integrateVector(f, dim, a, b, opts)     vector-valued integrand sharing one subdivision
 *   gaussianExpectationVector(f, dim, s, opts)
 *
 * Gauss–Hermite is exact for polynomials of degree ≤ 2n−1 but converges slowly across a kink
 * (max(0, a+z) has one at z = −a): use the adaptive rule with `breakpoints: [−a]` for 1e-10.
 */

import type { QuadratureTargets } from "./types.js";

/** A quadrature rule: ∫ f w ≈ Σ_k weights[k] f(nodes[k]). */
export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/** Documented cache: Gauss–Hermite rules by node count (deterministic, computed once per n). */
const ruleCache = new Map<number, QuadratureRule>();

/**
 * Gauss–Hermite rule for ∫_{−∞}^{∞} f(x) e^{−x²} dx (physicists' weight), n nodes in
 * increasing order. Newton's method on the orthonormal Hermite recurrence
 *   p₋₁ = 0, p₀ = π^{−1/4}, p_{j+1} = x√(2/(j+1)) p_j − √(j/(j+1)) p_{j−1},
 * with weight w = 2/p_n'(x)² (Golub & Welsch 1969; Numerical Recipes §4.6 "gauher").
 * Shapes: nodes, weights (n). Accurate to ~1e-14 for n ≤ 200.
 */
export function gaussHermite(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 400) throw new RangeError(`gaussHermite: n must be an integer in [1, 400], got ${n}`);
  const cached = ruleCache.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const PIM4 = Math.pow(Math.PI, -0.25);
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    // initial guesses for the largest roots first (NR gauher)
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[n - 1];
    else if (i === 3) z = 1.91 * z - 0.91 * x[n - 2];
    else z = 2 * z - x[n - i + 1];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) {
        // one more polish step for the derivative at the converged root
        let q1 = PIM4;
        let q2 = 0;
        for (let j = 0; j < n; j++) {
          const q3 = q2;
          q2 = q1;
          q1 = z * Math.sqrt(2 / (j + 1)) * q2 - Math.sqrt(j / (j + 1)) * q3;
        }
        pp = Math.sqrt(2 * n) * q2;
        break;
      }
    }
    x[n - 1 - i] = z;
    x[i] = -z;
    w[i] = w[n - 1 - i] = 2 / (pp * pp);
  }
  if (n % 2 === 1) x[(n - 1) >> 1] = 0;
  const rule = { nodes: x, weights: w };
  ruleCache.set(n, rule);
  return rule;
}

/**
 * E f(z), z ~ N(0, s²), by n-point Gauss–Hermite: Σ_k (w_k/√π) f(√2 s x_k).
 * Exact for polynomials of degree ≤ 2n−1; use `gaussianExpectation` for kinked f.
 */
export function gaussianExpectationGH(f: (z: number) => number, s: number, n = 64): number {
  const { nodes, weights } = gaussHermite(n);
  const c = Math.SQRT2 * s;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += weights[k] * f(c * nodes[k]);
  return sum / Math.sqrt(Math.PI);
}

// Gauss–Kronrod 7/15 (QUADPACK qk15): Kronrod abscissae (descending, last = 0) and weights;
// Gauss weights belong to the odd-indexed Kronrod abscissae 1, 3, 5, 7.
const XGK = [0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926, 0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0];
const WGK = [0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518, 0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014, 0.204432940075298892414161999234649, 0.209482141084727828012999174891714];
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

/** Result of one panel or a whole integration: value and a (conservative) error estimate. */
export interface QuadResult {
  value: number;
  error: number;
  /** integrand evaluations */
  evaluations: number;
  /**
   * Vector forms: per component, the error estimate Σ_panels max(|K15 − G7|, 50ε·∫|f|) (the
   * rounding floor of each panel counts as its error; QUADPACK's roundoff guard).
   */
  errors?: Float64Array;
  /** Vector forms: per component, ∫|f| (the scale of the rounding floor). */
  magnitudes?: Float64Array;
  /**
   * false when the targets were not met: the interval budget ran out, a panel could not be split
   * further in float64, or the integrand returned a non-finite value (then `error` is ∞).
   */
  converged?: boolean;
}

/**
 * One 15-point Kronrod panel on a finite [a, b]: K15 value, error |K15 − G7| (QUADPACK's
 * rescaling is omitted: this estimate is conservative for smooth integrands).
 */
export function gaussKronrod15(f: (x: number) => number, a: number, b: number): QuadResult {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let k = WGK[7] * fc;
  let g = WG[3] * fc;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const s = f(c - dx) + f(c + dx);
    k += WGK[j] * s;
    if (j % 2 === 1) g += WG[(j - 1) >> 1] * s;
  }
  return { value: k * h, error: Math.abs((k - g) * h), evaluations: 15 };
}

/** 50ε: the per-panel rounding floor relative to ∫|f| (QUADPACK's epmach·50·resabs). */
const ROUNDING_FLOOR = 50 * Number.EPSILON;

/**
 * Vector panel over [a, b]: val (dim) = K15, err (dim) = max(|K15 − G7|, 50ε·∫|f|), abs (dim) =
 * K15 of |f|. Scratch: 4·dim. Returns false if any value is non-finite.
 */
function gk15Vector(f: (x: number, out: Float64Array) => void, dim: number, a: number, b: number, val: Float64Array, err: Float64Array, abs: Float64Array, scratch: Float64Array): boolean {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fx = scratch.subarray(0, dim);
  const kk = scratch.subarray(dim, 2 * dim);
  const gg = scratch.subarray(2 * dim, 3 * dim);
  const ka = scratch.subarray(3 * dim, 4 * dim);
  f(c, fx);
  for (let d = 0; d < dim; d++) {
    kk[d] = WGK[7] * fx[d];
    gg[d] = WG[3] * fx[d];
    ka[d] = WGK[7] * Math.abs(fx[d]);
  }
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const gauss = j % 2 === 1;
    const wg = gauss ? WG[(j - 1) >> 1] : 0;
    for (let side = -1; side <= 1; side += 2) {
      f(c + side * dx, fx);
      for (let d = 0; d < dim; d++) {
        const v = fx[d];
        kk[d] += WGK[j] * v;
        ka[d] += WGK[j] * Math.abs(v);
        if (gauss) gg[d] += wg * v;
      }
    }
  }
  let finite = true;
  for (let d = 0; d < dim; d++) {
    const ah = Math.abs(h);
    val[d] = kk[d] * h;
    abs[d] = ka[d] * ah;
    err[d] = Math.max(Math.abs((kk[d] - gg[d]) * h), ROUNDING_FLOOR * abs[d]);
    if (!Number.isFinite(val[d]) || !Number.isFinite(err[d])) finite = false;
  }
  return finite;
}

/** Targets (absTol, relTol, maxIntervals: src/exact/types.ts) plus breakpoints and controlled components. */
export interface IntegrateOptions extends QuadratureTargets {
  /** points inside (a, b) where the integrand has a kink or a jump; the interval is split there */
  breakpoints?: number[];
  /**
   * Vector forms: only components 0 … controlled−1 drive the subdivision and the convergence test
   * (default: all); the others are integrated on the same panels (e.g. propagated error bounds).
   */
  controlled?: number;
  /**
   * Vector forms: noise[d] is the index of a component whose integral is the absolute noise level of
   * component d's integrand values (e.g. the propagated error of an inner integral, or a centred
   * leaf's rounding). No panel error can be resolved below it, so d's target is at least twice it.
   */
  noise?: ArrayLike<number>;
}

/**
 * Map an interval with possibly infinite ends to a finite one (QUADPACK QAGI):
 *   [a, ∞):  x = a + (1−t)/t,  t ∈ (0, 1],  dx = dt/t²
 *   (−∞, b]: x = b − (1−t)/t
 * Finite [a, b] is returned unchanged.
 */
function mapInterval(a: number, b: number): { lo: number; hi: number; x: (t: number) => number; jac: (t: number) => number } {
  if (Number.isFinite(a) && Number.isFinite(b)) return { lo: a, hi: b, x: (t) => t, jac: () => 1 };
  if (Number.isFinite(a) && b === Infinity) return { lo: 0, hi: 1, x: (t) => a + (1 - t) / t, jac: (t) => 1 / (t * t) };
  if (a === -Infinity && Number.isFinite(b)) return { lo: 0, hi: 1, x: (t) => b - (1 - t) / t, jac: (t) => 1 / (t * t) };
  throw new RangeError(`integrate: unsupported interval [${a}, ${b}] (split (−∞, ∞) at a breakpoint first)`);
}

/** Sorted, de-duplicated finite breakpoints strictly inside (a, b), with the ends. */
function pieces(a: number, b: number, breakpoints: number[] | undefined): number[] {
  const inner = (breakpoints ?? []).filter((x) => Number.isFinite(x) && x > a && x < b).sort((p, q) => p - q);
  const pts = [a];
  for (const x of inner) if (x !== pts[pts.length - 1]) pts.push(x);
  pts.push(b);
  if (a === -Infinity && b === Infinity && pts.length === 2) return [a, 0, b];
  return pts;
}

/**
 * Vector-valued adaptive Gauss–Kronrod 7/15 (QUADPACK QAG strategy, global subdivision):
 * out[d] = ∫_a^b f_d(x) dx for d < dim, split at breakpoints (kinks/jumps) and with infinite ends
 * mapped by x = a + (1−t)/t. Each controlled component d has its own target
 *   error_d ≤ max(absTol, relTol·|I_d|, 2·50ε·∫|f_d|, 2·|I_noise[d]|)
 * (a component at its rounding floor, or at the noise of its own values, counts as converged),
 * and the panel bisected next is the one
 * with the largest error relative to those targets. Returns the per-component errors and ∫|f_d|,
 * and `converged` (false if the budget ran out or f returned a non-finite value: then error = ∞).
 * Shapes: f writes dim values; out (dim).
 */
export function integrateVector(f: (x: number, out: Float64Array) => void, dim: number, a: number, b: number, out: Float64Array, opts: IntegrateOptions = {}): QuadResult {
  const absTol = opts.absTol ?? 1e-13;
  const relTol = opts.relTol ?? 1e-12;
  const maxIntervals = opts.maxIntervals ?? 2000;
  const ctrl = Math.min(dim, opts.controlled ?? dim);
  const noise = opts.noise;
  out.fill(0);
  const errors = new Float64Array(dim);
  const magnitudes = new Float64Array(dim);
  if (a === b) return { value: 0, error: 0, evaluations: 0, errors, magnitudes, converged: true };
  if (a > b) {
    const r = integrateVector(f, dim, b, a, out, opts);
    for (let d = 0; d < dim; d++) out[d] = -out[d];
    return { ...r, value: out[0] };
  }
  const pts = pieces(a, b, opts.breakpoints);
  const scratch = new Float64Array(4 * dim);
  const fxBuf = new Float64Array(dim);
  interface Panel {
    lo: number;
    hi: number;
    map: ReturnType<typeof mapInterval>;
    val: Float64Array;
    err: Float64Array;
    abs: Float64Array;
  }
  const panels: Panel[] = [];
  let evaluations = 0;
  let finite = true;
  const evalPanel = (lo: number, hi: number, map: ReturnType<typeof mapInterval>): Panel => {
    const P: Panel = { lo, hi, map, val: new Float64Array(dim), err: new Float64Array(dim), abs: new Float64Array(dim) };
    const g = (t: number, o: Float64Array) => {
      f(map.x(t), fxBuf);
      const J = map.jac(t);
      for (let d = 0; d < dim; d++) o[d] = fxBuf[d] * J;
    };
    if (!gk15Vector(g, dim, lo, hi, P.val, P.err, P.abs, scratch)) finite = false;
    evaluations += 15;
    return P;
  };
  const add = (P: Panel, sign: number) => {
    for (let d = 0; d < dim; d++) {
      out[d] += sign * P.val[d];
      errors[d] += sign * P.err[d];
      magnitudes[d] += sign * P.abs[d];
    }
  };
  for (let p = 0; p + 1 < pts.length && finite; p++) {
    const map = mapInterval(pts[p], pts[p + 1]);
    const P = evalPanel(map.lo, map.hi, map);
    panels.push(P);
    add(P, 1);
  }
  const tol = new Float64Array(ctrl);
  let converged = false;
  while (finite) {
    let done = true;
    for (let d = 0; d < ctrl; d++) {
      tol[d] = Math.max(absTol, relTol * Math.abs(out[d]), 2 * ROUNDING_FLOOR * magnitudes[d], noise ? 2 * Math.abs(out[noise[d]]) : 0);
      if (errors[d] > tol[d]) done = false;
    }
    if (done) {
      converged = true;
      break;
    }
    if (panels.length >= maxIntervals) break;
    let worst = -1;
    let worstScore = 0;
    for (let k = 0; k < panels.length; k++) {
      const e = panels[k].err;
      let score = 0;
      for (let d = 0; d < ctrl; d++) {
        const r = e[d] / tol[d];
        if (r > score) score = r;
      }
      if (score > worstScore) {
        worstScore = score;
        worst = k;
      }
    }
    if (worst < 0) break;
    const P = panels[worst];
    const mid = 0.5 * (P.lo + P.hi);
    if (!(mid > P.lo && mid < P.hi)) break; // cannot subdivide further in float64
    const left = evalPanel(P.lo, mid, P.map);
    const right = evalPanel(mid, P.hi, P.map);
    add(P, -1);
    add(left, 1);
    add(right, 1);
    panels[worst] = left;
    panels.push(right);
  }
  // exact totals (the running sums above only steer the subdivision)
  out.fill(0);
  errors.fill(0);
  magnitudes.fill(0);
  for (const P of panels) add(P, 1);
  if (!finite) {
    errors.fill(Infinity);
    return { value: out[0], error: Infinity, evaluations, errors, magnitudes, converged: false };
  }
  let err = 0;
  for (let d = 0; d < ctrl; d++) err = Math.max(err, errors[d]);
  return { value: out[0], error: err, evaluations, errors, magnitudes, converged };
}

/**
 * Adaptive ∫_a^b f(x) dx (scalar form of `integrateVector`). a, b may be ±∞; breakpoints
 * split the interval at kinks or jumps of f. Returns {value, error estimate, evaluations}.
 */
export function integrate(f: (x: number) => number, a: number, b: number, opts: IntegrateOptions = {}): QuadResult {
  const out = new Float64Array(1);
  return integrateVector((x, o) => (o[0] = f(x)), 1, a, b, out, opts);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Breakpoints in the standardised noise τ = z/s that every Gaussian expectation gets, whatever the
 * integrand: the mass of φ sits in |τ| < 8 (φ(8)/φ(0) = 1.3e-14), and no panel of the initial
 * partition is wider than 4 there, so no rule can step over it. Without them a kink far out (at
 * τ = −a/s = −3000 for a = 0.3, s = 1e-4) made one panel [−3000, 0] whose 15 nodes all missed the
 * mass, and K15 agreed with G7 on the wrong answer.
 */
export const GAUSSIAN_MASS_BREAKPOINTS: readonly number[] = [-8, -4, -2, 0, 2, 4, 8];

/**
 * out[d] = E f_d(z), z ~ N(0, s²) = ∫ f_d(sτ) φ(τ) dτ, adaptive over the standardised τ = z/s,
 * split at the breakpoints (values of z where f has a kink or jump, e.g. z = −a for max(0, a + z),
 * divided by s) and at GAUSSIAN_MASS_BREAKPOINTS. The Gaussian factor is evaluated in-place (f is
 * not called where φ(τ) underflows to 0); the tails use the QAGI map. Shapes: out (dim).
 */
export function gaussianExpectationVector(f: (z: number, out: Float64Array) => void, dim: number, s: number, out: Float64Array, opts: IntegrateOptions = {}): QuadResult {
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`gaussianExpectation: s must be a finite positive number, got ${s}`);
  const buf = new Float64Array(dim);
  const g = (t: number, o: Float64Array) => {
    const w = Math.exp(-0.5 * t * t) * INV_SQRT_2PI;
    if (w === 0) {
      o.fill(0);
      return;
    }
    f(s * t, buf);
    for (let d = 0; d < dim; d++) o[d] = buf[d] * w;
  };
  const bps = [...GAUSSIAN_MASS_BREAKPOINTS, ...(opts.breakpoints ?? []).map((z) => z / s)];
  return integrateVector(g, dim, -Infinity, Infinity, out, { ...opts, breakpoints: bps });
}

/** E f(z), z ~ N(0, s²), adaptive (scalar form of `gaussianExpectationVector`). */
export function gaussianExpectation(f: (z: number) => number, s: number, opts: IntegrateOptions = {}): QuadResult {
  const out = new Float64Array(1);
  return gaussianExpectationVector((z, o) => (o[0] = f(z)), 1, s, out, opts);
}
