import { InputError } from "../errors.js";
/**
 * The bars-and-stripes data set (MacKay 2003, §43; used for exact-likelihood RBM studies,
 * e.g. Fischer & Igel 2010): n×n binary images in which every row is constant (stripes) or every
 * column is constant (bars). There are 2^(n+1) − 2 distinct patterns (all-off and all-on are
 * both a bar and a stripe pattern and are listed once).
 */

/** All distinct n×n bars-and-stripes patterns, row-major, one per row. Shapes: (2^(n+1)−2)×n². */
export function barsAndStripes(n: number): { data: Float64Array; count: number; dim: number } {
  if (!Number.isInteger(n) || n < 2 || n > 8) throw new InputError(`bars-and-stripes size: expected an integer in [2, 8], got ${n}`);
  const dim = n * n;
  const seen = new Set<string>();
  const rows: number[][] = [];
  for (const kind of ["stripes", "bars"] as const) {
    for (let mask = 0; mask < 1 << n; mask++) {
      const img: number[] = [];
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) img.push((mask >> (kind === "stripes" ? r : c)) & 1);
      const key = img.join("");
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(img);
    }
  }
  const data = new Float64Array(rows.length * dim);
  rows.forEach((img, k) => data.set(img, k * dim));
  return { data, count: rows.length, dim };
}
