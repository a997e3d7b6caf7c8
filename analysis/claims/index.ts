/**
 * Every claim the suite checks, in report order. Each issue adds its claim modules here.
 */
import { t1Claims } from "./t1.js";
import { bmClaims } from "./bm.js";
import type { Claim } from "./types.js";
import { spsaBiasC2 } from "./spsa-bias-c2.js";
import { spsaEfficiency } from "./spsa-efficiency.js";
import { spsaVsCorrelation } from "./spsa-vs-correlation.js";

export const claims: Claim[] = [...t1Claims, ...bmClaims, spsaBiasC2, spsaVsCorrelation, spsaEfficiency];

/** Select claims by comma-separated ids or prefixes ending in "*" (e.g. "T1-*,BM-B2"). */
export function selectClaims(only: string | undefined, all: Claim[] = claims): Claim[] {
  if (!only) return all;
  const wanted = only.split(",").map((s) => s.trim()).filter(Boolean);
  const out: Claim[] = [];
  for (const w of wanted) {
    const match = w.endsWith("*") ? all.filter((c) => c.id.startsWith(w.slice(0, -1))) : all.filter((c) => c.id === w);
    if (match.length === 0) throw new Error(`--only: unknown claim "${w}" (known: ${all.map((c) => c.id).join(", ")})`);
    for (const m of match) if (!out.includes(m)) out.push(m);
  }
  return out;
}
