/**
 * Enumeration blocks: the Gray-code range [0, 2^n) of the exact engine (moments.ts) cut into
 * fixed aligned blocks of 2^b configurations, b = max(BLOCK_BITS, leafUnits) capped at n. The cut
 * depends on the problem only (its size and leaf count), never on who computes the blocks, so:
 *   - each block is computed from its own start (`grayConfiguration(first)`, evaluated in full),
 *     on any thread, into a plain state (`EnumerationBlockState`: sums and weighted moments);
 *   - the states are merged as a left fold in block order (`mergeEnumerationBlocks`: gradient sums
 *     added, weighted moments merged with Chan's formula, WeightedMoments.merge);
 * and the analysis is the same bytes whether the blocks ran in one thread, on a pool of 1, 2 or 8
 * workers (a `BlockRunner`, src/estimators/enumeration-pool.ts), or in separate processes whose
 * block states were saved as JSON and merged later. (Merging pre-merged groups of blocks gives
 * the same numbers to rounding, not the same bytes: keep per-block states for a byte-exact merge.)
 * A problem of at most 2^b states is one block, computed exactly as a single pass.
 *
 * Per block, two paths (same numbers up to rounding, tested):
 *   - general: every configuration adds its p-weighted ĝ (nParams) to West accumulators;
 *   - leaf blocks (layered nets, instances with `coefficientsAt`): while the last m units run
 *     through their 2^m configurations (an aligned Gray-code sub-block), ∂aᵢ/∂θ is constant, so
 *     only the nUnits coefficients are accumulated per configuration and the sub-block's moments
 *     are expanded to all coordinates once (ĝₖ = coef_{unit(k)}·Dₖ, Chan's merge).
 */
import { addAllLogitGradients, type BinaryProblem, type Workspace } from "../problems/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import type { EstimatorEntry } from "../estimators/types.js";
import { InputError } from "../errors.js";
import { enumerateConfigurations } from "./enumerate.js";
import type { EnumerationBlockState, GrayRange } from "./types.js";

/** log2 of the smallest block (65536 configurations, some tens of milliseconds of work). */
export const BLOCK_BITS = 16;

/** The JSON form of a block state (numbers round-trip exactly through JSON). */
export interface EnumerationBlockJSON {
  first: number;
  end: number;
  centre: number;
  states: number;
  gradient: number[];
  loss: { w: number; mean: number[]; m2: number[] };
  estimators: Record<string, { w: number; mean: number[]; m2: number[] }>;
}

/**
 * log2 of the most blocks an enumeration is cut into (4096): beyond 28 units the blocks grow
 * instead, so a sharded enumeration of up to 40 units (`exact --max-units`) has parts of a few
 * thousand block states, not millions. No effect up to 28 units (2^(28−16) = 4096 blocks).
 */
export const MAX_BLOCK_COUNT_BITS = 12;

/** log2 of the block size of a problem: max(BLOCK_BITS, leafUnits, nUnits − MAX_BLOCK_COUNT_BITS), at most nUnits. */
export function blockBits(problem: BinaryProblem): number {
  return Math.min(problem.nUnits, Math.max(BLOCK_BITS, problem.leafUnits ?? 0, problem.nUnits - MAX_BLOCK_COUNT_BITS));
}

/** The blocks of a problem, in order: [j·2^b, (j+1)·2^b) for j < 2^(n−b). */
export function enumerationBlocks(problem: BinaryProblem): GrayRange[] {
  const b = blockBits(problem);
  const size = 2 ** b;
  return Array.from({ length: 2 ** (problem.nUnits - b) }, (_, j) => ({ first: j * size, end: (j + 1) * size }));
}

/** Whether the leaf-block path applies: a layered problem, and every enumerated instance has coefficientsAt. */
export function usesLeafBlocks(problem: BinaryProblem, entries: [string, EstimatorEntry][], general: boolean): boolean {
  return !general && (problem.leafUnits ?? 0) > 0 && typeof problem.paramUnit === "function" && entries.every(([, e]) => typeof e.instance.coefficientsAt === "function");
}

/**
 * p-weighted product-rule coefficients of the gradient: cᵢ = L·Π_{j<i}qⱼ·Π_{j>i}qⱼ·(2hᵢ−1)σ'(aᵢ),
 * qⱼ = σ(aⱼ) or σ(−aⱼ), σ'(aᵢ) = σ(aᵢ)σ(−aᵢ). L is the centred loss L − L(h*) (see modeLoss).
 */
function gradientCoefficients(ws: Workspace, n: number, L: number, pre: Float64Array, suf: Float64Array, coef: Float64Array): void {
  const h = ws.h;
  const s = ws.s;
  const c = ws.c;
  // qᵢ into coef first (overwritten below), so each factor is computed once
  for (let i = 0; i < n; i++) coef[i] = h[i] * s[i] + (1 - h[i]) * c[i];
  pre[0] = 1;
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i] * coef[i];
  suf[n] = 1;
  for (let i = n - 1; i >= 0; i--) suf[i] = suf[i + 1] * coef[i];
  for (let i = 0; i < n; i++) coef[i] = L * pre[i] * suf[i + 1] * (2 * h[i] - 1) * s[i] * c[i];
}

/**
 * The leaf path's gradient factors, once per sub-block (units i < nf fixed): qᵢ, Pfix = Π_{i<nf} qᵢ
 * (returned), and baseᵢ = Π_{j<nf, j≠i} qⱼ · (2hᵢ−1)σ'(aᵢ), so that a fixed unit's coefficient on
 * configuration h is baseᵢ · (L − L(h*))·Π_{leaves} qⱼ and its sub-block sum is baseᵢ times one scalar.
 */
function fixedFactors(ws: Workspace, nf: number, pre: Float64Array, suf: Float64Array, base: Float64Array): number {
  const h = ws.h;
  const s = ws.s;
  const c = ws.c;
  for (let i = 0; i < nf; i++) base[i] = h[i] * s[i] + (1 - h[i]) * c[i];
  pre[0] = 1;
  for (let i = 0; i < nf; i++) pre[i + 1] = pre[i] * base[i];
  suf[nf] = 1;
  for (let i = nf - 1; i >= 0; i--) suf[i] = suf[i + 1] * base[i];
  for (let i = 0; i < nf; i++) base[i] = pre[i] * suf[i + 1] * (2 * h[i] - 1) * s[i] * c[i];
  return pre[nf];
}

/**
 * The leaf units' gradient coefficients on one configuration, added to gsum[nf … n−1]:
 * scale·Π_{leaves j≠i} qⱼ·(2hᵢ−1)σ'(aᵢ) with scale = (L − L(h*))·Pfix; returns (L − L(h*))·Π_{leaves} qⱼ,
 * the configuration's share of the fixed units' sums (fixedFactors). Prefix/suffix products, no division.
 */
function leafCoefficients(ws: Workspace, nf: number, n: number, Lc: number, scale: number, pre: Float64Array, suf: Float64Array, q: Float64Array, gsum: Float64Array): number {
  const h = ws.h;
  const s = ws.s;
  const c = ws.c;
  const m = n - nf;
  for (let j = 0; j < m; j++) {
    const i = nf + j;
    q[j] = h[i] * s[i] + (1 - h[i]) * c[i];
  }
  pre[0] = 1;
  for (let j = 0; j < m; j++) pre[j + 1] = pre[j] * q[j];
  suf[m] = 1;
  for (let j = m - 1; j >= 0; j--) suf[j] = suf[j + 1] * q[j];
  for (let j = 0; j < m; j++) {
    const i = nf + j;
    gsum[i] += scale * pre[j] * suf[j + 1] * (2 * h[i] - 1) * s[i] * c[i];
  }
  return Lc * pre[m];
}

/** The state of one block (see the file comment), on this thread. */
export function enumerationBlock(problem: BinaryProblem, theta: Float64Array, entries: [string, EstimatorEntry][], range: GrayRange, centre: number, general: boolean): EnumerationBlockState {
  return usesLeafBlocks(problem, entries, general) ? leafBlockPath(problem, theta, entries, range, centre) : generalPath(problem, theta, entries, range, centre);
}

function stateOf(range: GrayRange, centre: number, states: number, gradient: Float64Array, loss: WeightedMoments, entries: [string, EstimatorEntry][], acc: WeightedMoments[]): EnumerationBlockState {
  const estimators: Record<string, WeightedMoments> = {};
  entries.forEach(([key], e) => (estimators[key] = acc[e]));
  return { first: range.first, end: range.end, centre, states, gradient, loss, estimators };
}

function generalPath(problem: BinaryProblem, theta: Float64Array, entries: [string, EstimatorEntry][], range: GrayRange, centre: number): EnumerationBlockState {
  const n = problem.nUnits;
  const P = problem.nParams;
  const grad = new Float64Array(P);
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  const coef = new Float64Array(n);
  const loss = new WeightedMoments(1);
  const lossBuf = new Float64Array(1);
  const acc = entries.map(() => new WeightedMoments(P));
  const g = new Float64Array(P);
  const res = enumerateConfigurations(
    problem,
    theta,
    (ws, u, p, L) => {
      const Lc = L - centre;
      if (Lc !== 0) {
        gradientCoefficients(ws, n, Lc, pre, suf, coef);
        addAllLogitGradients(problem, theta, ws, coef, grad);
      }
      lossBuf[0] = Lc;
      loss.push(lossBuf, p);
      for (let e = 0; e < entries.length; e++) {
        const inst = entries[e][1].instance;
        if (inst.estimateAt) inst.estimateAt(theta, ws, L, g);
        else inst.estimate(theta, u, g);
        acc[e].push(g, p);
      }
    },
    undefined,
    range,
  );
  return stateOf(range, centre, res.states, grad, loss, entries, acc);
}

function leafBlockPath(problem: BinaryProblem, theta: Float64Array, entries: [string, EstimatorEntry][], range: GrayRange, centre: number): EnumerationBlockState {
  const n = problem.nUnits;
  const P = problem.nParams;
  const m = problem.leafUnits!;
  const unitOf = problem.paramUnit!();
  const E = entries.length;
  const nf = n - m; // units 0 … nf−1 stay fixed within a sub-block
  const grad = new Float64Array(P);
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  const q = new Float64Array(m);
  const base = new Float64Array(nf);
  let pfix = 1;
  let fixedSum = 0; // Σ over the sub-block of (L − L(h*))·Π_{leaves} q
  const gsum = new Float64Array(n); // Σ over the sub-block of gradient coefficients
  const ones = new Float64Array(n).fill(1);
  const D = new Float64Array(P); // ∂a_{unit(k)}/∂θₖ for the current sub-block
  const loss = new WeightedMoments(1);
  const lossBuf = new Float64Array(1);
  // per estimator: sub-block West accumulators over coefficient vectors, and the block's per-coordinate moments
  const coef = entries.map(() => new Float64Array(n));
  const blk = entries.map(() => new WeightedMoments(n));
  const acc = entries.map(() => new WeightedMoments(P));
  let sub = -1;
  let open = false;
  const sub2m = 2 ** m;

  const flush = () => {
    for (let i = 0; i < nf; i++) gsum[i] = base[i] * fixedSum;
    for (let k = 0; k < P; k++) grad[k] += gsum[unitOf[k]] * D[k];
    gsum.fill(0);
    fixedSum = 0;
    for (let e = 0; e < E; e++) {
      const b = blk[e];
      const wb = b.w;
      if (wb > 0) {
        const a = acc[e];
        const w0 = a.w;
        const w1 = w0 + wb;
        const f = wb / w1;
        const f0 = w0 / w1;
        const g = (w0 * wb) / w1;
        const me = a.mean;
        const se = a.m2;
        // Chan's merge, from the heavier side (as WeightedMoments.push): a light accumulated mean
        // is not lost when f rounds to 1
        const fromBlock = f > 0.5;
        for (let k = 0; k < P; k++) {
          const i = unitOf[k];
          const d = D[k];
          const bm = d * b.mean[i];
          const delta = bm - me[k];
          me[k] = fromBlock ? bm - delta * f0 : me[k] + delta * f;
          se[k] += d * d * b.m2[i] + delta * delta * g;
        }
        a.w = w1;
      }
      b.w = 0;
      b.mean.fill(0);
      b.m2.fill(0);
    }
  };

  const res = enumerateConfigurations(
    problem,
    theta,
    (ws, _u, p, L, step) => {
      const j = Math.floor(step / sub2m); // the sub-block (a division: step may pass 2^32)
      if (j !== sub) {
        if (open) flush();
        sub = j;
        open = true;
        D.fill(0);
        addAllLogitGradients(problem, theta, ws, ones, D);
        pfix = fixedFactors(ws, nf, pre, suf, base);
      }
      const Lc = L - centre;
      if (Lc !== 0) fixedSum += leafCoefficients(ws, nf, n, Lc, Lc * pfix, pre, suf, q, gsum);
      lossBuf[0] = Lc;
      loss.push(lossBuf, p);
      for (let e = 0; e < E; e++) {
        entries[e][1].instance.coefficientsAt!(theta, ws, L, coef[e]);
        blk[e].push(coef[e], p);
      }
    },
    undefined,
    range,
    false,
  );
  if (open) flush();
  return stateOf(range, centre, res.states, grad, loss, entries, acc);
}

/**
 * The left fold of block states in the given order (which must be consecutive ranges with one
 * centre and the same estimator keys): gradients added, moments merged (WeightedMoments.merge).
 * A fresh state; the inputs are not changed.
 */
export function mergeEnumerationBlocks(states: readonly EnumerationBlockState[]): EnumerationBlockState {
  if (states.length === 0) throw new InputError("mergeEnumerationBlocks: expected at least one block state");
  const s0 = states[0];
  const keys = Object.keys(s0.estimators);
  const P = s0.gradient.length;
  const out: EnumerationBlockState = { first: s0.first, end: s0.first, centre: s0.centre, states: 0, gradient: new Float64Array(P), loss: new WeightedMoments(1), estimators: {} };
  for (const k of keys) out.estimators[k] = new WeightedMoments(P);
  for (const s of states) {
    if (s.first !== out.end) throw new InputError(`mergeEnumerationBlocks: block [${s.first}, ${s.end}) does not follow [${out.first}, ${out.end}) (merge the blocks of one analysis in block order)`);
    if (!Object.is(s.centre, out.centre)) throw new InputError(`mergeEnumerationBlocks: block [${s.first}, ${s.end}) is centred at L(h*) = ${s.centre}, not ${out.centre} (a different problem or θ)`);
    const sk = Object.keys(s.estimators);
    if (s.gradient.length !== P || sk.length !== keys.length || sk.some((k, i) => k !== keys[i])) throw new InputError(`mergeEnumerationBlocks: block [${s.first}, ${s.end}) has other parameters or estimators (${sk.join(", ")}) than the first (${keys.join(", ")})`);
    out.end = s.end;
    out.states += s.states;
    for (let k = 0; k < P; k++) out.gradient[k] += s.gradient[k];
    out.loss.merge(s.loss);
    for (const k of keys) out.estimators[k].merge(s.estimators[k]);
  }
  return out;
}

/** A block state as JSON (a shard writes it; `blockStateFromJSON` reads it back bit for bit). */
export function blockStateToJSON(s: EnumerationBlockState): EnumerationBlockJSON {
  const estimators: EnumerationBlockJSON["estimators"] = {};
  for (const [k, m] of Object.entries(s.estimators)) estimators[k] = m.toJSON();
  return { first: s.first, end: s.end, centre: s.centre, states: s.states, gradient: Array.from(s.gradient), loss: s.loss.toJSON(), estimators };
}

/** The block state of its JSON form. */
export function blockStateFromJSON(j: EnumerationBlockJSON): EnumerationBlockState {
  const estimators: Record<string, WeightedMoments> = {};
  for (const [k, m] of Object.entries(j.estimators)) estimators[k] = WeightedMoments.fromJSON(m);
  return { first: j.first, end: j.end, centre: j.centre, states: j.states, gradient: Float64Array.from(j.gradient), loss: WeightedMoments.fromJSON(j.loss), estimators };
}
