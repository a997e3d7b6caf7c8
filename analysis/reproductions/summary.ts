/** Per-method summaries over seeds, shared by the reproductions' records. */

/** A value over seeds: mean, sample standard deviation (n − 1; absent for one value: records hold no null) and the values. */
export interface SeedSummary {
  mean: number;
  sd?: number;
  values: number[];
}

/** mean, sample standard deviation (n − 1; absent for one value) and the values. */
export function summary(values: number[]): SeedSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, values };
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)), values };
}
