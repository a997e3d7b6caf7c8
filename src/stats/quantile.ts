/**
 * Sample quantiles by linear interpolation between order statistics (Hyndman & Fan 1996, type 7,
 * the default of R and numpy): Q(q) = s₍ⱼ₎ + (h − j)(s₍ⱼ₊₁₎ − s₍ⱼ₎), h = q·(n − 1), j = ⌊h⌋.
 */

/** Q(q) of values already sorted ascending, q ∈ [0, 1]. Shapes: sorted (n ≥ 1). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
}

/** Q(q) of unsorted values (sorts a copy), q ∈ [0, 1]. Shapes: x (n ≥ 1). */
export function quantile(x: ArrayLike<number>, q: number): number {
  return quantileSorted(Array.from(x).sort((u, v) => u - v), q);
}
