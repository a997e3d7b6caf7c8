/**
 * Mergeable accumulators of per-coordinate moments (Welford 1962; Chan, Golub & LeVeque 1979).
 * `merge` is exact in real arithmetic, so splitting work across chunks or workers and merging
 * in a fixed (key) order gives the same numbers as one pass, up to rounding — and bit-identical
 * results whenever the chunking itself is fixed.
 */

/** Running mean and M2 = Σ(x−x̄)² per coordinate. Shapes: every vector has length `dim`. */
export class MomentAccumulator {
  readonly dim: number;
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  /** Welford update with one sample x (length dim). No allocation. */
  push(x: ArrayLike<number>): void {
    const n = ++this.n;
    const mean = this.mean;
    const m2 = this.m2;
    const inv = 1 / n;
    for (let i = 0; i < this.dim; i++) {
      const d = x[i] - mean[i];
      mean[i] += d * inv;
      m2[i] += d * (x[i] - mean[i]);
    }
  }

  /** Chan et al. pairwise merge: this ← this ∪ other. */
  merge(other: MomentAccumulator): this {
    if (other.dim !== this.dim) throw new Error(`merge: dimension ${other.dim} ≠ ${this.dim}`);
    if (other.n === 0) return this;
    if (this.n === 0) {
      this.n = other.n;
      this.mean.set(other.mean);
      this.m2.set(other.m2);
      return this;
    }
    const na = this.n;
    const nb = other.n;
    const n = na + nb;
    for (let i = 0; i < this.dim; i++) {
      const d = other.mean[i] - this.mean[i];
      this.mean[i] += (d * nb) / n;
      this.m2[i] += other.m2[i] + (d * d * na * nb) / n;
    }
    this.n = n;
    return this;
  }

  /** Unbiased sample variance per coordinate: M2/(n−1). */
  variance(out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = this.n > 1 ? this.m2[i] / (this.n - 1) : Number.NaN;
    return out;
  }

  /** Standard error of the mean per coordinate: √(s²/n). */
  standardError(out = new Float64Array(this.dim)): Float64Array {
    this.variance(out);
    for (let i = 0; i < this.dim; i++) out[i] = Math.sqrt(out[i] / this.n);
    return out;
  }

  toJSON(): { n: number; mean: number[]; m2: number[] } {
    return { n: this.n, mean: Array.from(this.mean), m2: Array.from(this.m2) };
  }

  static fromJSON(j: { n: number; mean: number[]; m2: number[] }): MomentAccumulator {
    const a = new MomentAccumulator(j.mean.length);
    a.n = j.n;
    a.mean.set(j.mean);
    a.m2.set(j.m2);
    return a;
  }
}

/**
 * Running mean and co-moment C_ij = Σ(x_i−x̄_i)(y_j−ȳ_j) of two vectors, mergeable.
 * Shapes: x has length dx, y has length dy, C is dx×dy row-major.
 */
export class CovarianceAccumulator {
  readonly dx: number;
  readonly dy: number;
  n = 0;
  readonly meanX: Float64Array;
  readonly meanY: Float64Array;
  readonly c: Float64Array;

  constructor(dx: number, dy: number) {
    this.dx = dx;
    this.dy = dy;
    this.meanX = new Float64Array(dx);
    this.meanY = new Float64Array(dy);
    this.c = new Float64Array(dx * dy);
  }

  /** One paired sample (x, y). */
  push(x: ArrayLike<number>, y: ArrayLike<number>): void {
    const n = ++this.n;
    const inv = 1 / n;
    // C += (x − x̄_old)(y − ȳ_new)ᵀ
    const mx = this.meanX;
    const my = this.meanY;
    for (let j = 0; j < this.dy; j++) my[j] += (y[j] - my[j]) * inv;
    for (let i = 0; i < this.dx; i++) {
      const dxi = x[i] - mx[i];
      mx[i] += dxi * inv;
      const row = i * this.dy;
      for (let j = 0; j < this.dy; j++) this.c[row + j] += dxi * (y[j] - my[j]);
    }
  }

  merge(o: CovarianceAccumulator): this {
    if (o.dx !== this.dx || o.dy !== this.dy) throw new Error("merge: shape mismatch");
    if (o.n === 0) return this;
    const na = this.n;
    const nb = o.n;
    const n = na + nb;
    const f = (na * nb) / n;
    for (let i = 0; i < this.dx; i++) {
      const dxi = o.meanX[i] - this.meanX[i];
      for (let j = 0; j < this.dy; j++) {
        const dyj = o.meanY[j] - this.meanY[j];
        this.c[i * this.dy + j] += o.c[i * this.dy + j] + dxi * dyj * f;
      }
    }
    for (let i = 0; i < this.dx; i++) this.meanX[i] += ((o.meanX[i] - this.meanX[i]) * nb) / n;
    for (let j = 0; j < this.dy; j++) this.meanY[j] += ((o.meanY[j] - this.meanY[j]) * nb) / n;
    this.n = n;
    return this;
  }

  /** Unbiased sample covariance matrix (dx×dy). */
  covariance(out = new Float64Array(this.dx * this.dy)): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = this.n > 1 ? this.c[k] / (this.n - 1) : Number.NaN;
    return out;
  }
}

/**
 * Exact weighted moments over an enumerated distribution (West 1979 weighted incremental
 * algorithm): E[x] and Var[x] = E[(x−E x)²] per coordinate, weights p summing to 1.
 */
export class WeightedMoments {
  readonly dim: number;
  w = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  /**
   * Add outcome x with probability weight p ≥ 0. West's update μ ← μ + (x − μ)·p/W while the
   * accumulated weight dominates (p/W ≤ ½); otherwise from the new outcome's side,
   * μ ← x − (x − μ)·W₀/W with W₀ = W − p, so that outcomes of tiny weight are not lost when a
   * heavy one follows them (p/W rounds to 1 there: at σ(a) = 1 − 8.5e-17 the first form would
   * return x itself, dropping the light outcomes' whole contribution). M2 gains p·W₀/W·(x − μ)²
   * either way.
   */
  push(x: Float64Array, p: number): void {
    if (p <= 0) return;
    const w0 = this.w;
    const w = (this.w = w0 + p);
    const r = p / w;
    const mean = this.mean;
    const m2 = this.m2;
    const n = this.dim;
    if (r <= 0.5) {
      for (let i = 0; i < n; i++) {
        const xi = x[i];
        const d = xi - mean[i];
        const mi = mean[i] + d * r;
        mean[i] = mi;
        m2[i] += p * d * (xi - mi);
      }
      return;
    }
    const r0 = w0 / w;
    const pr0 = p * r0;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const d = xi - mean[i];
      mean[i] = xi - d * r0;
      m2[i] += pr0 * d * d;
    }
  }

  /**
   * Chan's weighted merge, this ← this ∪ other: W = W₀ + W_b, δ = μ_b − μ, M2 += M2_b + δ²·W₀W_b/W,
   * and the mean from the heavier side (μ + δ·W_b/W, or μ_b − δ·W₀/W when W_b/W > ½), as `push`
   * does, so a light accumulated mean is not lost when the ratio rounds to 1. Merging into an
   * empty accumulator copies. Enumeration blocks merged in block order give the same bytes
   * however they were computed.
   */
  merge(other: WeightedMoments): this {
    if (other.dim !== this.dim) throw new Error(`merge: dimension ${other.dim} ≠ ${this.dim}`);
    if (other.w <= 0) return this;
    if (this.w <= 0) {
      this.w = other.w;
      this.mean.set(other.mean);
      this.m2.set(other.m2);
      return this;
    }
    const w0 = this.w;
    const wb = other.w;
    const w = w0 + wb;
    const f = wb / w;
    const f0 = w0 / w;
    const g = (w0 * wb) / w;
    const fromOther = f > 0.5;
    const mean = this.mean;
    const m2 = this.m2;
    for (let i = 0; i < this.dim; i++) {
      const mb = other.mean[i];
      const delta = mb - mean[i];
      mean[i] = fromOther ? mb - delta * f0 : mean[i] + delta * f;
      m2[i] += other.m2[i] + delta * delta * g;
    }
    this.w = w;
    return this;
  }

  /** Population variance Σp(x−μ)²/Σp per coordinate. */
  variance(out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = Math.max(0, this.m2[i] / this.w);
    return out;
  }

  /** Plain data (a block state of the exact engine carries it; `fromJSON` reads it back bit for bit). */
  toJSON(): { w: number; mean: number[]; m2: number[] } {
    return { w: this.w, mean: Array.from(this.mean), m2: Array.from(this.m2) };
  }

  static fromJSON(j: { w: number; mean: ArrayLike<number>; m2: ArrayLike<number> }): WeightedMoments {
    const a = new WeightedMoments(j.mean.length);
    a.w = j.w;
    a.mean.set(j.mean);
    a.m2.set(j.m2);
    return a;
  }
}

/**
 * Shifted sums of a vector statistic, the sufficient statistics a batched estimator adds to
 * (`EstimatorInstance.accumulate`): n, a shift K fixed before the first sample, and per
 * coordinate S = Σ(x − K) and Q = Σ(x − K)² (the shifted-data algorithm; Chan, Golub & LeVeque
 * 1983, "Algorithms for computing the sample variance", §3). Then mean = K + S/n and
 * M2 = Q − S²/n. With K the first sample, a coordinate that never changes has S = Q = 0 exactly,
 * so its mean is exactly K and its M2 exactly 0 (as Welford's update gives); the cancellation
 * in Q − S²/n is relative to the spread around K instead of around 0. Plain data: `toJSON` and
 * `fromJSON` carry the state (a shard writes it, a merge reads it). Shapes: every vector has
 * length `dim`.
 */
export class ShiftedSums {
  readonly dim: number;
  n = 0;
  /** K, set by the first sample added to an empty accumulator */
  readonly shift: Float64Array;
  /** Σ(x − K) */
  readonly sum: Float64Array;
  /** Σ(x − K)² */
  readonly sumSq: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.shift = new Float64Array(dim);
    this.sum = new Float64Array(dim);
    this.sumSq = new Float64Array(dim);
  }

  /** Add one sample x (length dim); the first sample of an empty accumulator becomes the shift. No allocation. */
  add(x: ArrayLike<number>): void {
    const K = this.shift;
    const S = this.sum;
    const Q = this.sumSq;
    if (this.n === 0) for (let i = 0; i < this.dim; i++) K[i] = x[i];
    for (let i = 0; i < this.dim; i++) {
      const d = x[i] - K[i];
      S[i] += d;
      Q[i] += d * d;
    }
    this.n++;
  }

  /** Back to empty (n = 0; the next sample sets the shift). */
  reset(): this {
    this.n = 0;
    this.shift.fill(0);
    this.sum.fill(0);
    this.sumSq.fill(0);
    return this;
  }

  /**
   * The same samples as a MomentAccumulator (written into `out`): mean = K + S/n,
   * M2 = max(0, Q − S·(S/n)). Chunks reduced this way merge in chunk order like any other.
   */
  toMoments(out = new MomentAccumulator(this.dim)): MomentAccumulator {
    if (out.dim !== this.dim) throw new Error(`toMoments: dimension ${out.dim} ≠ ${this.dim}`);
    const n = this.n;
    out.n = n;
    for (let i = 0; i < this.dim; i++) {
      if (n === 0) {
        out.mean[i] = 0;
        out.m2[i] = 0;
        continue;
      }
      const s = this.sum[i];
      const d = s / n;
      out.mean[i] = this.shift[i] + d;
      out.m2[i] = Math.max(0, this.sumSq[i] - s * d);
    }
    return out;
  }

  toJSON(): { n: number; shift: number[]; sum: number[]; sumSq: number[] } {
    return { n: this.n, shift: Array.from(this.shift), sum: Array.from(this.sum), sumSq: Array.from(this.sumSq) };
  }

  static fromJSON(j: { n: number; shift: number[]; sum: number[]; sumSq: number[] }): ShiftedSums {
    const a = new ShiftedSums(j.shift.length);
    a.n = j.n;
    a.shift.set(j.shift);
    a.sum.set(j.sum);
    a.sumSq.set(j.sumSq);
    return a;
  }
}
