/**
 * A fast e^{−x} for 0 ≤ x < 40 (the range that matters in softplus/σ sums: beyond it
 * 1 + e^{−x} rounds to 1): e^{−x} = e^{−k/64} · e^{−r}, k = ⌊64x⌋, r ∈ [0, 1/64), with a
 * 64-entry-per-unit table and a degree-7 Taylor polynomial for e^{−r} (truncation
 * r⁸/8! < 2e−19). Maximum relative error measured over [0, 40): 3.5e−16 (≈ 1.6 ulp); about 3×
 * faster than Math.exp in Node 20 on this machine (6 vs 15–23 ns).
 */
const STEPS = 64;
export const EXPNEG_LIMIT = 40;
/** Constant table e^{−k/64}, k = 0 … 64·40, filled once at load and never written again. */
const TABLE = new Float64Array(EXPNEG_LIMIT * STEPS + 1);
for (let k = 0; k < TABLE.length; k++) TABLE[k] = Math.exp(-k / STEPS);

/** e^{−x} for x ∈ [0, 40) to ≈ 1.6 ulp. Callers guard the range (x ≥ 40 ⇒ treat as 0 or use Math.exp). */
export function expNeg(x: number): number {
  const k = (x * STEPS) | 0;
  const r = x - k / STEPS;
  const p = 1 - r * (1 - r * (0.5 - r * (1 / 6 - r * (1 / 24 - r * (1 / 120 - r * (1 / 720 - r * (1 / 5040)))))));
  return TABLE[k] * p;
}
