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

  /** Population variance Σp(x−μ)²/Σp per coordinate. */
  variance(out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = Math.max(0, this.m2[i] / this.w);
    return out;
  }
}
