/**
 * Every claim the suite checks, in report order: the seed's estimating family (Theorem 1), its
 * Boltzmann-machine reading, the SPSA contrast, the propagating family (noisy units, learned
 * predictor, ST/STS), then the estimators that followed the seed.
 */
import { quote } from "../../src/errors.js";
import { arUnbiased, armUnbiased, disarmUnbiased } from "./antithetic-unbiased.js";
import { bmClaims } from "./bm.js";
import { rebarUnbiased, relaxUnbiased } from "./concrete-unbiased.js";
import { disarmVariance } from "./disarm-variance.js";
import { lpVarianceReduction } from "./lp-variance-reduction.js";
import { mupropUnbiased } from "./muprop-unbiased.js";
import { nvilUnbiased } from "./nvil-unbiased.js";
import { vimcoUnbiased } from "./vimco-unbiased.js";
import { nrSparse } from "./nr-sparse.js";
import { nrUnbiased } from "./nr-unbiased.js";
import { gsBias, stgBias } from "./relaxation-bias.js";
import { rlooUnbiased } from "./rloo-unbiased.js";
import { spsaBiasC2 } from "./spsa-bias-c2.js";
import { spsaEfficiency } from "./spsa-efficiency.js";
import { spsa2Conditioning } from "./spsa2-conditioning.js";
import { spsaVsCorrelation } from "./spsa-vs-correlation.js";
import { stBias } from "./st-bias.js";
import { stsBias } from "./sts-bias.js";
import { t1Claims } from "./t1.js";
import type { Claim } from "./types.js";

export const claims: Claim[] = [
  ...t1Claims,
  ...bmClaims,
  spsaBiasC2,
  spsaVsCorrelation,
  spsaEfficiency,
  spsa2Conditioning,
  nrUnbiased,
  nrSparse,
  lpVarianceReduction,
  stBias,
  stsBias,
  rlooUnbiased,
  arUnbiased,
  armUnbiased,
  disarmUnbiased,
  disarmVariance,
  rebarUnbiased,
  relaxUnbiased,
  gsBias,
  stgBias,
  mupropUnbiased,
  nvilUnbiased,
  vimcoUnbiased,
];

/** Select claims by comma-separated ids or prefixes ending in "*" (e.g. "T1-*,BM-B2"). */
export function selectClaims(only: string | undefined, all: Claim[] = claims): Claim[] {
  if (!only) return all;
  const wanted = only.split(",").map((s) => s.trim()).filter(Boolean);
  const out: Claim[] = [];
  for (const w of wanted) {
    const match = w.endsWith("*") ? all.filter((c) => c.id.startsWith(w.slice(0, -1))) : all.filter((c) => c.id === w);
    if (match.length === 0) throw new Error(`--only: unknown claim ${quote(w)} (known: ${all.map((c) => c.id).join(", ")})`);
    for (const m of match) if (!out.includes(m)) out.push(m);
  }
  return out;
}
