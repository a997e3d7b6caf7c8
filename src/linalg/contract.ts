/**
 * The compute-core contract: every kernel of src/linalg has one TypeScript signature (`Kernels`),
 * served by two implementations with the same behaviour:
 *   - `wasmKernels` (wasm-kernels.ts): WebAssembly SIMD, the path every caller gets (`kernels`);
 *   - `referenceKernels` (reference.ts): plain TypeScript, the tested reference.
 * The caller chooses neither: library code calls `kernels` (kernels.ts), tests hold the two
 * against each other.
 *
 * **Determinism across paths.** The WebAssembly path is THE path of a run: it uses only
 * IEEE-exact SIMD operations (no FMA, no relaxed SIMD), so it gives the same bits on every
 * machine. Against the reference:
 *   - row sums, row updates, index lists, transposes, column sums and the uniform generator are
 *     bit-identical (same operations in the same order);
 *   - σ, softplus, exp, log use a vectorised exp/log whose error is bounded (BOUNDS); the
 *     reference uses Math.exp. A Bernoulli draw 1[u < σ(a)] can therefore
 *     differ from the reference's only when |u − σ(a)| is within that bound;
 *   - GEMM and sums of many terms agree within the standard rounding bound of their order.
 *
 * **Layout.** Matrices are row-major with an element stride (ld ≥ row length) per row; a batch
 * is sample-major (row r = sample r, its units contiguous). Float arrays are Float64Array or
 * Float32Array; the arrays of one call share one type, which sets the working precision.
 */

/** The working precisions. */
export type FloatArray = Float64Array | Float32Array;

/**
 * Lists of the non-zero positions of a 0/1 matrix: list r is idx[start[r] … start[r] + count[r]),
 * ascending. For a row index, list r holds the columns k with A[r,k] = 1; for a column index,
 * list k holds the rows r with A[r,k] = 1.
 */
export interface BinaryIndex {
  idx: Int32Array;
  start: Int32Array;
  count: Int32Array;
}

/**
 * Error bounds of the vectorised functions, in units of the unit roundoff u (2⁻⁵³ in float64,
 * 2⁻²⁴ in float32), against the reference (Math.exp, Math.log, Math.log1p in float64, themselves
 * within about 1 ulp of the exact value). Measured maxima over 4·10⁶ random arguments
 * (test/unit/linalg-kernels.test.ts checks the stated bounds, which leave a margin of about 2):
 *   e^x on [−708, 0] (float64), [−86.5, 0] (float32): measured 1.9u / 1.2u, stated 4u (relative);
 *   log x on x ≥ 1: measured 1.0u / 1.0u, stated 4u relative to max(1, |log x|);
 *   σ(a): measured 2.7u / 2.4u, stated 8u relative, plus an absolute floor (2⁻¹⁰²⁰ / 2⁻¹²⁴)
 *     where e^{−|a|} is flushed to 0 (|a| > 708 / 86.5);
 *   softplus(a): measured 2.0–4.0u / 2.0–4.0u (depending on the sample), stated 8u relative, plus
 *     the same floor.
 */
export const BOUNDS = {
  float64: { unit: 2 ** -53, exp: 4, log: 4, sigmoid: 8, softplus: 8, floor: 2 ** -1020 },
  float32: { unit: 2 ** -24, exp: 4, log: 4, sigmoid: 8, softplus: 8, floor: 2 ** -124 },
} as const;

/** |σ̂(a) − σ(a)| may reach this for the working precision of `a` (the window in which a draw 1[u < σ] can differ). */
export function sigmoidTolerance(p: number, precision: "float64" | "float32"): number {
  const b = BOUNDS[precision];
  return b.sigmoid * b.unit * p + b.floor;
}

export interface Kernels {
  /**
   * Row index of a 0/1 matrix A (n×K, stride lda): index list r = {k : A[r,k] ≠ 0}, ascending.
   * `compact` false: index.start[r] is given (room for K entries + 1 each, e.g. r·K); true: lists
   * are packed from index.start[0] on and start[r] is written (room for the ones + 1).
   * Returns the number of entries that are neither 0 nor 1 (callers reject a non-zero count).
   */
  rowIndex(A: FloatArray, lda: number, n: number, K: number, index: BinaryIndex, compact: boolean): number;
  /**
   * Column index of a 0/1 matrix A (n×K, stride lda) for the columns k ∈ [k0, k1): list k =
   * {r : A[r,k] ≠ 0}, ascending, at index.start[k] (given; room for n entries each). Disjoint
   * column ranges are independent (workers may build them in parallel). Returns the number of
   * entries that are neither 0 nor 1.
   */
  columnIndex(A: FloatArray, lda: number, n: number, k0: number, k1: number, index: BinaryIndex): number;
  /**
   * Column lists from row lists: for columns k ∈ [k0, k1), list k of `cols` = the rows r < n
   * whose list in `rows` holds k, ascending (cols.start given, room for n each). Row lists must
   * be ascending (as every builder here makes them). Disjoint column ranges are independent.
   */
  transposeIndex(rows: BinaryIndex, n: number, k0: number, k1: number, cols: BinaryIndex): void;
  /**
   * Products with a 0/1 operand as row additions: C[r, :] = init + Σ_{q} B[idx_r[q], :] for r < n
   * (acc = init, or 0 when init is null, then rows added in list order). With a row index of A
   * this is A·B (A n×K 0/1, B K×N); with a column index of A it is Aᵀ·B (B n×N). Shapes: B rows
   * of stride ldb, C n×N with stride ldc, init N.
   */
  rowSums(index: BinaryIndex, n: number, B: FloatArray, ldb: number, N: number, init: FloatArray | null, C: FloatArray, ldc: number): void;
  /**
   * Two-phase parameter step with momentum and weight decay, for r < n:
   *   acc = ρ·Σ_{q} BP[pos_r[q], :] − Σ_{q} BN[neg_r[q], :]   (from 0: positive rows in list order,
   *         then ×ρ, then negative rows in list order),
   *   g = α·acc − δ·C[r, :],
   *   V non-null: V[r, :] = μ·V[r, :] + g, C[r, :] += V[r, :];   V null: C[r, :] += g.
   * With column indexes of v⁺ and v⁻ this is the RBM weight step Δ ← μΔ + η(v⁺ᵀh⁺/n⁺ − v⁻ᵀh⁻/n⁻ − λW),
   * W += Δ (Hinton 2002; Hinton 2010 §9–10 for momentum and weight decay), with α = η/n⁻,
   * ρ = n⁻/n⁺, δ = ηλ. Shapes: BP, BN rows of stride ldb; C n×N with stride ldc; V n×N with stride ldv.
   */
  rowUpdate(pos: BinaryIndex, BP: FloatArray, neg: BinaryIndex, BN: FloatArray, ldb: number, n: number, N: number, rho: number, alpha: number, decay: number, C: FloatArray, ldc: number, V: FloatArray | null, ldv: number, mu: number): void;
  /**
   * Fused σ and Bernoulli draws: p = σ(A[r,j]); P[r,j] = p (P non-null; may be A itself) and
   * S[r,j] = 1[U[r,j] < p] ∈ {0, 1} (S non-null). Shapes n×N, strides lda, ldu, ldp, lds. The
   * noise U is the caller's (explicit noise). The vectorised σ is within
   * `sigmoidTolerance(σ(a))` (BOUNDS.sigmoid) of the reference, so a draw differs from the
   * reference's 1[u < σ(a)] only when u lies within that distance of σ(a).
   */
  sigmoidBernoulli(A: FloatArray, lda: number, n: number, N: number, U: FloatArray | null, ldu: number, P: FloatArray | null, ldp: number, S: FloatArray | null, lds: number): void;
  /**
   * The draws of sigmoidBernoulli as row index lists (what the next product reads) instead of a
   * 0/1 matrix, at inverse temperature β with an optional offset row O (N): x = β·A[r,j] + O[j]
   * (each operation rounded in the working precision), list r of `draws` = {j : U[r,j] < σ̂(x)},
   * ascending (draws.start given, room for N + 1 each); P[r,j] = σ̂(x) when P is non-null. With
   * β = 1 and no offset (the defaults) x = A: the same σ̂ and comparison as sigmoidBernoulli, so the
   * lists are the row index of its S. AIS draws v ~ σ(β(b + Wh) + (1 − β)b_A) this way.
   */
  sigmoidBernoulliIndex(A: FloatArray, lda: number, n: number, N: number, U: FloatArray, ldu: number, P: FloatArray | null, ldp: number, draws: BinaryIndex, beta?: number, offset?: FloatArray | null): void;
  /**
   * Bernoulli draws from probabilities as row index lists: list r of `draws` = {j : U[r,j] < P[r,j]},
   * ascending (draws.start given, room for N + 1 each). Shapes n×N, strides ldp, ldu.
   */
  bernoulliIndex(P: FloatArray, ldp: number, n: number, N: number, U: FloatArray, ldu: number, draws: BinaryIndex): void;
  /**
   * out[r] = Σ_{j<N} softplus(β·A[r,j]), softplus(a) = log(1 + e^a), for r < n (an RBM's free
   * energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vW)ⱼ), or its annealed form at β; β defaults to 1,
   * which sums softplus(A) exactly). Shapes: A n×N (stride lda), out n. Each term within
   * BOUNDS.softplus of softplus(fl(β·a)); the sum within the rounding bound of N terms.
   */
  softplusRowSums(A: FloatArray, lda: number, n: number, N: number, out: FloatArray, beta?: number): void;
  /**
   * out[r] = log Σ_{j<N} e^{A[r,j]} for r < n, shifted by the row maximum (stable; −∞ rows give
   * −∞, +∞ gives +∞, NaN propagates). Shapes: A n×N (stride lda), out n.
   */
  logSumExpRows(A: FloatArray, lda: number, n: number, N: number, out: FloatArray): void;
  /**
   * C ← α·op(A)·op(B) + β·C (op(X) = X or Xᵀ). Shapes: op(A) M×K, op(B) K×N, C M×N, row-major;
   * transA: A stored K×M (lda ≥ M), else M×K (lda ≥ K); likewise transB. β = 0 overwrites C.
   * Goto & van de Geijn (2008) blocking; within |ΔC| ≤ γ_K·|α|·|op(A)|·|op(B)| of the exact
   * product (γ_K = K·u/(1 − K·u), u the unit roundoff) plus the rounding of β·C.
   */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number, beta: number, C: FloatArray, ldc: number): void;
  /** B[j, i] = A[i, j] for i < rows, j < cols. Shapes: A rows×cols (stride lda), B cols×rows (stride ldb). */
  transpose(A: FloatArray, lda: number, rows: number, cols: number, B: FloatArray, ldb: number): void;
  /** out[j] += α·Σ_{r<n} A[r, j] (each column summed in ascending r, then scaled). Shapes: A n×N (stride lda), out N. */
  columnSums(A: FloatArray, lda: number, n: number, N: number, alpha: number, out: FloatArray): void;
  /**
   * n uniforms from Brent's xor4096 (seedrandom's, the generator of every Stream), advancing
   * `state` in place: state = X[0..128) then i then w (Int32Array of 130). Float64Array out gets
   * Stream.uniform()'s values bit for bit, (v >>> 0)·2⁻³²; Float32Array out gets (v >>> 8)·2⁻²⁴.
   */
  uniforms(state: Int32Array, out: FloatArray, n: number): void;
  /** Elementwise e^x (x ≤ 0), for tests of BOUNDS.exp. */
  exp(X: FloatArray, n: number, out: FloatArray): void;
  /** Elementwise log x (x ≥ 1), for tests of BOUNDS.log. */
  log(X: FloatArray, n: number, out: FloatArray): void;
}
