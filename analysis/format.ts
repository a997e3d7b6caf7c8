/**
 * Number formats shared by the claims, the tables and the reports, so one quantity is printed one
 * way everywhere (α was printed both as `5e-7` and `0.000001` before).
 */

/** Short number format for tables: 3 significant digits, exponent when tiny/huge. */
export function fmt(x: number): string {
  if (x === 0) return "0";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return Number(x.toPrecision(3)).toString();
  return Number(x.toPrecision(3)).toExponential().replace("e+", "e");
}

/**
 * A false-alarm rate α, always in shortest exponent form with up to 3 significant digits:
 * 1e-6 → "1e-6", 5e-7 → "5e-7", 0.05 → "5e-2", 2.5e-7 → "2.5e-7".
 */
export function formatAlpha(alpha: number): string {
  if (!(alpha > 0 && Number.isFinite(alpha))) return String(alpha);
  return Number(alpha.toPrecision(3)).toExponential().replace("e+", "e");
}
