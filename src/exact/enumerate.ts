/**
 * Exact enumeration over the configurations h ∈ {0,1}ⁿ of a problem's binary units, in
 * Gray-code order (consecutive configurations differ in one unit, so problems that implement
 * `flipUnit` update in O(fan-out) per step).
 *
 *   p(h) = Πᵢ qᵢ,  qᵢ = σ(aᵢ) if hᵢ = 1 else σ(−aᵢ) = 1 − σ(aᵢ),  aᵢ a function of θ and earlier units.
 */
import type { BinaryProblem, Workspace } from "../problems/types.js";
import { grayFlipBit } from "../numerics.js";
import { InputError } from "../errors.js";
import type { GrayRange } from "./types.js";
import { MAX_SHARDED_ENUMERATION_UNITS } from "../limits.js";

/** Largest number of binary units the engine enumerates (2^24 ≈ 1.7e7 states). */
export const MAX_ENUMERABLE_UNITS = 24;

/** Problems may implement this to update ws after flipping unit i (O(fan-out)); returns L. */
export interface IncrementalProblem extends BinaryProblem {
  flipUnit(theta: Float64Array, ws: Workspace, i: number): number;
}

function isIncremental(p: BinaryProblem): p is IncrementalProblem {
  return typeof (p as Partial<IncrementalProblem>).flipUnit === "function";
}

/**
 * Visitor called once per configuration with probability p > 0. `ws` holds h, a, σ(a) for the
 * configuration; `u` holds uniforms that reproduce h under h = 1[u < σ(a)] (the midpoint of
 * each unit's interval), so any "units"-noise estimator can be evaluated on it. `step` is the
 * Gray-code index k: Gray bit b is unit n−1−b, so the last m units run through all 2^m
 * configurations within each aligned block k ∈ [j·2^m, (j+1)·2^m) while the others stay fixed.
 */
export type Visitor = (ws: Workspace, u: Float64Array, p: number, L: number, step: number) => void;

/**
 * Throws InputError unless the problem filled ws.c with σ(−a) beside ws.s = σ(a) (s + c = 1 to
 * rounding): a problem written before the workspace had `c` would otherwise give p(h = 0) = 0.
 */
function requireComplement(problem: BinaryProblem, ws: Workspace): void {
  for (let i = 0; i < problem.nUnits; i++) {
    if (!ws.c || !(Math.abs(ws.s[i] + ws.c[i] - 1) <= 1e-12)) {
      throw new InputError(`problem kind "${problem.kind}": evaluate() must fill the workspace's c with σ(−a) beside s = σ(a) (unit ${i}: s = ${ws.s[i]}, c = ${ws.c?.[i]}); see BinaryProblem in src/problems/types.ts`);
    }
  }
}

/** Throws unless the problem is small enough to enumerate. */
export function assertEnumerable(problem: BinaryProblem, max = MAX_ENUMERABLE_UNITS): void {
  if (problem.unitNoise === "injected") throw new InputError(`problem kind "${problem.kind}" has units with injected noise; enumeration of binary configurations does not apply (use exactAnalysis, which integrates its noise)`);
  if (problem.nUnits > max) throw new InputError(`problem has ${problem.nUnits} binary units; exact enumeration supports at most ${max} (2^${max} states)`);
}

/**
 * Set ws.h to the configuration of Gray-code index k: g = k ⊕ (k >> 1), Gray bit b is unit
 * n−1−b (the convention of the walk below). Shapes: h (n).
 */
export function grayConfiguration(k: number, n: number, h: Float64Array): void {
  // in two 32-bit words, so that k up to 2^53 (units beyond 31, `exact --max-units`) is exact
  const lo = k >>> 0;
  const hi = Math.floor(k / 4294967296);
  const glo = (lo ^ ((lo >>> 1) | ((hi & 1) << 31))) >>> 0;
  const ghi = hi ^ (hi >>> 1);
  for (let b = 0; b < n; b++) h[n - 1 - b] = b < 32 ? (glo >>> b) & 1 : (ghi >>> (b - 32)) & 1;
}

/**
 * Visit the 2^nUnits configurations in Gray-code order, nUnits ≤ MAX_ENUMERABLE_UNITS (or those of
 * `range`, nUnits ≤ MAX_SHARDED_ENUMERATION_UNITS: indices first … end−1,
 * starting from configuration `grayConfiguration(first)` evaluated in full, then walking with
 * single-unit flips; a flip recomputes the affected logits from scratch, so every configuration
 * sees the same workspace however the range was cut). Returns the number visited with p > 0 and
 * their total probability (1 up to rounding over the full range; a check on the problem's
 * logits). `onProgress` hears (k − first, end − first) every 65536 configurations. With
 * `midpoints` false the visitor's `u` is not filled (for visitors that read only ws).
 */
export function enumerateConfigurations(problem: BinaryProblem, theta: Float64Array, visit: Visitor, onProgress?: (done: number, total: number) => void, range?: GrayRange, midpoints = true): { states: number; totalProbability: number } {
  // a range is one block of an enumeration whose size its caller checked (`exact --max-units`)
  assertEnumerable(problem, range ? MAX_SHARDED_ENUMERATION_UNITS : MAX_ENUMERABLE_UNITS);
  const n = problem.nUnits;
  const first = range?.first ?? 0;
  const end = range?.end ?? 2 ** n;
  if (!(Number.isInteger(first) && Number.isInteger(end) && 0 <= first && first <= end && end <= 2 ** n)) throw new InputError(`enumeration range [${first}, ${end}) is not within [0, 2^${n})`);
  const ws = problem.createWorkspace();
  const u = new Float64Array(n);
  grayConfiguration(first, n, ws.h);
  let L = problem.evaluate(theta, ws);
  requireComplement(problem, ws);
  const incremental = isIncremental(problem);
  let states = 0;
  let mass = 0;
  const h = ws.h;
  const s = ws.s;
  const c = ws.c;
  for (let k = first; k < end; k++) {
    if (k > first) {
      // Gray bit b flips 2^(n−b−1) times: map it to unit n−1−b so the most frequent flips hit
      // the last units (fewest descendants to update).
      const unit = n - 1 - grayFlipBit(k);
      h[unit] = 1 - h[unit];
      L = incremental ? problem.flipUnit(theta, ws, unit) : problem.evaluate(theta, ws);
      if (onProgress && ((k - first) & 0xffff) === 0) onProgress(k - first, end - first);
    }
    let p = 1;
    // q_i = h ? σ(a) : σ(−a), branch-free; the midpoint uniform reproduces h
    if (midpoints) {
      for (let i = 0; i < n; i++) {
        const si = s[i];
        p *= h[i] * si + (1 - h[i]) * c[i];
        u[i] = h[i] * 0.5 * si + (1 - h[i]) * 0.5 * (1 + si);
      }
    } else for (let i = 0; i < n; i++) p *= h[i] * s[i] + (1 - h[i]) * c[i];
    if (p > 0) {
      states++;
      mass += p;
      visit(ws, u, p, L, k);
    }
  }
  return { states, totalProbability: mass };
}

/**
 * L(h*) at the most likely configuration found greedily (hᵢ* = 1[σ(aᵢ) > ½] in unit order, i.e.
 * forward with every uᵢ = ½). The exact engine sums L − L(h*) rather than L: the gradient and the
 * loss moments are unchanged in exact arithmetic, but where the net is saturated every conditional
 * expectation is L(h*) − O(e^{−|a|}), and their differences keep their digits only once L(h*) is
 * taken out.
 */
export function modeLoss(problem: BinaryProblem, theta: Float64Array): number {
  const ws = problem.createWorkspace();
  return problem.forward(theta, new Float64Array(problem.nUnits).fill(0.5), ws);
}
