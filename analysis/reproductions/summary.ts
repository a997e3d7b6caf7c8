/** Per-method summaries over seeds, shared by the reproductions' records. */

/** A value over seeds: mean, sample standard deviation (n − 1; null for one value) and the values. */
export interface SeedSummary {
  mean: number;
  sd: number | null;
  values: number[];
}

/** mean, sample standard deviation (n − 1; null for one value) and the values. */
export function summary(values: number[]): SeedSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, values };
}
