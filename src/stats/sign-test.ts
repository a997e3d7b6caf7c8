/**
 * The exact one-sided sign test for paired comparisons, and its power: with W = number of pairs
 * in which the first method wins among n untied pairs,
 *   p-value = P(Bin(n, ½) ≥ W),   reject "no edge" when p ≤ α;
 *   power(n, π) = P(Bin(n, π) ≥ b*(n)),  b*(n) = min{b : P(Bin(n, ½) ≥ b) ≤ α}.
 * Exact binomial tails (no normal approximation, which is unreliable at α = 1e-6 for small n).
 * Source: Dixon & Mood 1946, "The statistical sign test", JASA 41(236); any nonparametrics text.
 */
import { InputError } from "../errors.js";

function requireTrials(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`sign test: the number of pairs must be an integer ≥ 0, got ${n}`);
  return n;
}

/**
 * P(X ≥ b) for X ~ Bin(n, q), summed in log space from the recursion
 * log P(k+1) = log P(k) + log((n−k)/(k+1)) + log(q/(1−q)). Exact up to rounding (relative 1e-13 for n ≤ 10⁴).
 */
export function binomialUpperTail(n: number, b: number, q: number): number {
  requireTrials(n);
  if (!(q >= 0 && q <= 1)) throw new InputError(`binomial tail: the success probability must be in [0, 1], got ${q}`);
  if (b <= 0) return 1;
  if (b > n) return 0;
  if (q === 0) return 0;
  if (q === 1) return 1;
  const lr = Math.log(q) - Math.log1p(-q);
  // log P(k) for k = 0..n, then log-sum-exp over k ≥ b
  let lp = n * Math.log1p(-q);
  const logs: number[] = [];
  for (let k = 0; k <= n; k++) {
    if (k >= b) logs.push(lp);
    lp += Math.log((n - k) / (k + 1)) + lr;
  }
  let m = -Infinity;
  for (const v of logs) if (v > m) m = v;
  let s = 0;
  for (const v of logs) s += Math.exp(v - m);
  return Math.min(1, Math.exp(m) * s);
}

/** One-sided exact sign-test p-value P(Bin(n, ½) ≥ wins) for `wins` successes in n untied pairs. */
export function signTestPValue(wins: number, n: number): number {
  requireTrials(n);
  if (!Number.isInteger(wins) || wins < 0 || wins > n) throw new InputError(`sign test: wins must be an integer in [0, ${n}], got ${wins}`);
  return binomialUpperTail(n, wins, 0.5);
}

/** b*(n) = the fewest wins among n pairs that the one-sided test at α rejects (n + 1 if none). */
export function signTestCritical(n: number, alpha: number): number {
  requireTrials(n);
  // accumulate P(X = k) = C(n, k)/2ⁿ from k = n downwards (log space) while the tail stays ≤ α
  let logPk = -n * Math.LN2;
  let tail = 0;
  let b = n + 1;
  for (let k = n; k >= 0; k--) {
    const t = tail + Math.exp(logPk);
    if (t > alpha) break;
    tail = t;
    b = k;
    logPk += Math.log(k / (n - k + 1)); // C(n, k−1) = C(n, k)·k/(n−k+1)
  }
  return b;
}

/**
 * Fewest pairs n ≤ cap whose one-sided sign test at α has power ≥ `power` when a pair is won
 * with probability π > ½. Throws InputError when π ≤ ½ or no n ≤ cap suffices.
 */
export function signTestSampleSize(pi: number, alpha: number, power: number, cap = 5000): number {
  if (!(pi > 0.5 && pi <= 1)) throw new InputError(`sign test power: the win probability must be in (½, 1], got ${pi}`);
  for (let n = 1; n <= cap; n++) {
    const b = signTestCritical(n, alpha);
    if (b <= n && binomialUpperTail(n, b, pi) >= power) return n;
  }
  throw new InputError(`sign test power: no n ≤ ${cap} reaches power ${power} at α = ${alpha} for π = ${pi}`);
}
