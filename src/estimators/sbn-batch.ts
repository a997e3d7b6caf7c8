/**
 * The batched path (`accumulate`) of the estimators whose estimate on a layered sigmoid belief
 * net is ĝ = Σᵢ coᵢ·∂aᵢ/∂θ with coefficients from one chain of samples (and, for ARM and DisARM,
 * its antithetic branches): the correlation family with every baseline, straight-through in both
 * forms, ARM and DisARM. It runs the WebAssembly kernels of src/linalg/assembly/sbn.ts on blocks
 * of samples:
 *   forward (layer by layer over the block: logits by row additions over the parents' active
 *   lists, σ and σ(−a) from one exponential, draws h = 1[u < σ(a)] straight into the lists),
 *   branches, coefficients, then the sufficient statistics by products over the 0/1 parents:
 *     Σₛ (ĝₛ − K)[i, j] = Σ_{s: hⱼ = 1} rowₛ[i] − fⱼKᵢ(B − Nⱼ),  Σₛ (ĝₛ − K)²[i, j] = Σ_{s: hⱼ = 1} rowₛ[i]² + fⱼKᵢ²(B − Nⱼ)
 *   (Cᵀ·P and the same with squares: squares of parents are parents), with the shift K the first
 *   estimate (per unit Kᵢ = its coefficient, per parent fⱼ = its hⱼ) and rowₛ = coₛ − K where fⱼ = 1,
 *   else coₛ, so that a coordinate that never changes gets mean K and variance 0 exactly;
 *   constant inputs x scale the first layer's sums (x and x²).
 * Layer 1's logits, σ and σ(−a) are computed here as the per-sample forward pass computes them
 * (bit for bit); deeper layers use the kernels' σ (within BOUNDS.sigmoid). Every logit is the same
 * sum in the same order as the per-sample pass, so a draw can differ from the per-sample one only
 * if u falls between the two σ values (u has 32-bit resolution, the gap is ≤ 8 ulp: about one
 * draw in 10¹⁵). The equality with the per-sample path summed, and its bound, is tested in
 * test/unit/batched-estimators.test.ts.
 */
import { wasmCore, type WasmArena } from "../linalg/wasm.js";
import { sigmoidComplement } from "../numerics.js";
import { SquaredLoss, TableLoss } from "../problems/loss.js";
import { SigmoidBeliefNet } from "../problems/sbn.js";
import type { BinaryProblem } from "../problems/types.js";
import type { ShiftedSums } from "../stats/accumulator.js";

/** The estimator a batched call computes (the kernel's mode numbers). */
export const SBN_MODES = {
  correlation: 0,
  "h-dependent": 1,
  "moving-average": 2,
  "optimal-online": 3,
  arm: 4,
  disarm: 5,
  "st-identity": 6,
  "st-sigmoid": 7,
} as const;
export type SbnMode = keyof typeof SBN_MODES;

/** Samples per kernel block (a block's chains stay in the L2 cache). */
const BLOCK = 128;

/** Whether the batched kernels apply: a layered sigmoid belief net with a squared or table loss. */
export function sbnBatchable(problem: BinaryProblem): problem is SigmoidBeliefNet {
  return problem instanceof SigmoidBeliefNet && (problem.loss instanceof SquaredLoss || problem.loss instanceof TableLoss);
}

/**
 * The state a batched call reads and, for the online baselines, advances as observe() would:
 * per-unit baseline b (nUnits; correlation modes), β (`decay` of the online baselines, β of the
 * h-dependent control), the moving average L̃, and the online-optimal running sums num, den.
 */
export interface SbnBatchState {
  baseline?: Float64Array;
  beta?: number;
  movingAverage?: number;
  num?: Float64Array;
  den?: Float64Array;
}

/** Arrays of the net in the kernels' layout (see sbn.ts), at θ. */
function netLayout(net: SigmoidBeliefNet, theta: Float64Array, arena: WasmArena) {
  const w = net.widths;
  const L = w.length - 1;
  const np = w.map((n) => (n + 1) & ~1);
  const off: number[] = [0];
  for (let l = 1; l <= L; l++) off.push(off[l - 1] + np[l]);
  const npTot = off[L];
  const desc = arena.i32(8 + 8 * L);
  desc[0] = L;
  desc[3] = npTot;
  desc[4] = w[0];
  let uoff = 0;
  for (let l = 1; l <= L; l++) {
    const f = 8 + 8 * (l - 1);
    desc[f] = w[l];
    desc[f + 1] = np[l];
    desc[f + 2] = off[l - 1];
    desc[f + 3] = uoff;
    uoff += w[l];
    const wo = net.weightOffset[l - 1];
    const bo = net.biasOffset[l - 1];
    const bias = arena.f64(np[l]);
    if (l === 1) {
      // layer 1 exactly as SigmoidBeliefNet.layerLogits computes it
      const sc = arena.f64(2 * np[1]);
      for (let i = 0; i < w[1]; i++) {
        let z = theta[bo + i];
        for (let j = 0; j < w[0]; j++) z += theta[wo + i * w[0] + j] * net.input[j];
        const e = Math.exp(-z);
        const s = 1 / (1 + e);
        bias[i] = z;
        sc[i] = s;
        sc[np[1] + i] = sigmoidComplement(e, s);
      }
      desc[f + 7] = sc.byteOffset;
    } else {
      const nIn = w[l - 1];
      const WT = arena.f64(nIn * np[l]);
      const W = arena.f64(w[l] * np[l - 1]);
      for (let i = 0; i < w[l]; i++) {
        bias[i] = theta[bo + i];
        for (let j = 0; j < nIn; j++) {
          const v = theta[wo + i * nIn + j];
          WT[j * np[l] + i] = v;
          W[i * np[l - 1] + j] = v;
        }
      }
      desc[f + 4] = WT.byteOffset;
      desc[f + 6] = W.byteOffset;
    }
    desc[f + 5] = bias.byteOffset;
  }
  const loss = net.loss;
  if (loss instanceof SquaredLoss) {
    const t = arena.f64(np[L]);
    t.set(loss.target);
    desc[1] = 0;
    desc[2] = t.byteOffset;
  } else {
    const t = arena.f64((loss as TableLoss).table.length);
    t.set((loss as TableLoss).table);
    desc[1] = 1;
    desc[2] = t.byteOffset;
  }
  return { desc, L, np, off, npTot, nu: uoff };
}

/**
 * Per-unit shifts K and parent flags F from stats.shift, for a call that continues sums a first
 * batched call started (where shift = the first estimate, i.e. Kᵢ·fⱼ on weights from hidden
 * parents, Kᵢ·xⱼ on the first layer's). Throws if the shift has another structure.
 */
function unitShifts(net: SigmoidBeliefNet, lay: ReturnType<typeof netLayout>, shift: Float64Array, K: Float64Array, F: Float64Array): void {
  const w = net.widths;
  for (let l = 1; l <= lay.L; l++) {
    const bo = net.biasOffset[l - 1];
    for (let i = 0; i < w[l]; i++) K[lay.off[l - 1] + i] = shift[bo + i];
  }
  const bad = (where: string) => new Error(`accumulate: stats.shift (${where}) is not the first estimate of this estimator's batched path; start from empty ShiftedSums`);
  for (let l = 1; l <= lay.L; l++) {
    const nIn = w[l - 1];
    const wo = net.weightOffset[l - 1];
    for (let j = 0; j < nIn; j++) {
      if (l === 1) {
        for (let i = 0; i < w[1]; i++) if (shift[wo + i * nIn + j] !== K[i] * net.input[j]) throw bad(`layer 1, weight ${i},${j}`);
        continue;
      }
      let f = 0;
      for (let i = 0; i < w[l]; i++) if (shift[wo + i * nIn + j] !== 0) f = 1;
      for (let i = 0; i < w[l]; i++) if (shift[wo + i * nIn + j] !== (f ? K[lay.off[l - 1] + i] : 0)) throw bad(`layer ${l}, weight ${i},${j}`);
      F[lay.off[l - 2] + j] = f;
    }
  }
}

/**
 * Add B estimates of `mode` on `net` at θ, estimate q from noise row q (noiseSize = nUnits), to
 * `stats` (see the file comment); `state` is read, and advanced for the online baselines.
 */
export function sbnAccumulate(net: SigmoidBeliefNet, theta: Float64Array, noise: Float64Array, B: number, stats: ShiftedSums, mode: SbnMode, state: SbnBatchState = {}): void {
  if (B === 0) return;
  const core = wasmCore();
  const k = core.k;
  const arena = core.arena();
  try {
    const lay = netLayout(net, theta, arena);
    const { desc, L, np, off, npTot, nu } = lay;
    const w = net.widths;
    const m0 = Math.min(BLOCK, B);
    const regionBytes = k.sbnWorkBytes(desc.byteOffset, m0);
    const main = arena.f64Scratch(Math.ceil(regionBytes / 8));
    const branching = mode === "arm" || mode === "disarm";
    const branch = branching ? arena.f64Scratch(Math.ceil(regionBytes / 8)) : null;
    const branches = arena.f64Scratch(branching ? L * m0 : 1);
    const CO = arena.f64Scratch(m0 * npTot);
    const b = arena.f64(npTot);
    const num = arena.f64(npTot);
    const den = arena.f64(npTot);
    const par = arena.f64(2);
    const dh = arena.f64(npTot);
    const K = arena.f64(npTot);
    const F = arena.f64(npTot);
    const IX = arena.i32((m0 + 1) * Math.max(...w));
    const R = arena.f64(k.sbnStatsDoubles(desc.byteOffset));
    const toPadded = (src: Float64Array | undefined, dst: Float64Array) => {
      if (!src) return;
      for (let l = 1; l <= L; l++) for (let i = 0; i < w[l]; i++) dst[off[l - 1] + i] = src[net.unitOffset[l - 1] + i];
    };
    const fromPadded = (src: Float64Array, dst: Float64Array | undefined) => {
      if (!dst) return;
      for (let l = 1; l <= L; l++) for (let i = 0; i < w[l]; i++) dst[net.unitOffset[l - 1] + i] = src[off[l - 1] + i];
    };
    toPadded(state.baseline, b);
    toPadded(state.num, num);
    toPadded(state.den, den);
    par[0] = state.beta ?? 0;
    par[1] = state.movingAverage ?? 0;
    if (mode === "moving-average") b.fill(par[1]);
    const first = stats.n === 0;
    if (!first) unitShifts(net, lay, stats.shift, K, F);
    // noise rows in the shared memory (no copy when the caller's block already lives there)
    const inWasm = core.isWasmArray(noise);
    const U = inWasm ? null : arena.f64Scratch(m0 * nu);
    const modeId = SBN_MODES[mode];
    for (let q0 = 0; q0 < B; q0 += m0) {
      const m = Math.min(m0, B - q0);
      let u: number;
      if (U) {
        U.set(noise.subarray(q0 * nu, (q0 + m) * nu));
        u = U.byteOffset;
      } else u = noise.byteOffset + q0 * nu * 8;
      k.sbnForward(desc.byteOffset, u, nu, m, main.byteOffset);
      if (branch) for (let l = 1; l <= L; l++) k.sbnBranch(desc.byteOffset, u, nu, m, main.byteOffset, branch.byteOffset, l, branches.byteOffset + (l - 1) * m * 8);
      k.sbnCoefficients(desc.byteOffset, modeId, u, nu, m, main.byteOffset, branches.byteOffset, b.byteOffset, num.byteOffset, den.byteOffset, par.byteOffset, dh.byteOffset, CO.byteOffset);
      k.sbnStats(desc.byteOffset, m, main.byteOffset, CO.byteOffset, K.byteOffset, F.byteOffset, first && q0 === 0 ? 1 : 0, IX.byteOffset, R.byteOffset);
    }
    // fold the per-call products into the per-coordinate shifted sums
    const S = stats.sum;
    const Q = stats.sumSq;
    const shift = stats.shift;
    let r = 0;
    for (let l = 1; l <= L; l++) {
      const n = w[l];
      const nIn = w[l - 1];
      const bo = net.biasOffset[l - 1];
      const wo = net.weightOffset[l - 1];
      const o = off[l - 1];
      const B1 = r;
      const B2 = r + np[l];
      for (let i = 0; i < n; i++) {
        S[bo + i] += R[B1 + i];
        Q[bo + i] += R[B2 + i];
        if (first) shift[bo + i] = K[o + i];
      }
      r += 2 * np[l];
      if (l === 1) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < nIn; j++) {
            const x = net.input[j];
            const c = wo + i * nIn + j;
            S[c] += x * R[B1 + i];
            Q[c] += x * x * R[B2 + i];
            if (first) shift[c] = K[o + i] * x;
          }
        }
        continue;
      }
      const S1 = r;
      const S2 = r + nIn * np[l];
      const N = r + 2 * nIn * np[l];
      const oP = off[l - 2];
      for (let j = 0; j < nIn; j++) {
        const f = F[oP + j] !== 0;
        const off1 = B - R[N + j];
        for (let i = 0; i < n; i++) {
          const c = wo + i * nIn + j;
          const Ki = K[o + i];
          if (f) {
            S[c] += R[S1 + j * np[l] + i] - Ki * off1;
            Q[c] += R[S2 + j * np[l] + i] + Ki * Ki * off1;
          } else {
            S[c] += R[S1 + j * np[l] + i];
            Q[c] += R[S2 + j * np[l] + i];
          }
          if (first) shift[c] = f ? Ki : 0;
        }
      }
      r += 2 * nIn * np[l] + ((nIn + 1) & ~1);
    }
    stats.n += B;
    // the online baselines' state, as B observe() calls leave it
    if (mode === "moving-average") state.movingAverage = par[1];
    if (mode === "optimal-online") {
      fromPadded(num, state.num);
      fromPadded(den, state.den);
      fromPadded(b, state.baseline);
    }
  } finally {
    arena.release();
  }
}

/**
 * RLOO's batched path on `net`: B estimates of K samples each (noise row q: K·nUnits uniforms,
 * sample k reading u[k·n … (k+1)·n)), each built densely in the kernel (sbnRloo) and added to
 * `stats` with the first estimate as the shift.
 */
export function sbnRlooAccumulate(net: SigmoidBeliefNet, theta: Float64Array, noise: Float64Array, B: number, stats: ShiftedSums, K: number): void {
  if (B === 0) return;
  const core = wasmCore();
  const k = core.k;
  const arena = core.arena();
  try {
    const lay = netLayout(net, theta, arena);
    const { desc, L, np, nu } = lay;
    const w = net.widths;
    const e0 = Math.max(1, Math.min(B, Math.floor(BLOCK / K)));
    const rows = e0 * K;
    const main = arena.f64Scratch(Math.ceil(k.sbnWorkBytes(desc.byteOffset, rows) / 8));
    const nd = k.sbnDenseDoubles(desc.byteOffset);
    const G = arena.f64Scratch(nd);
    const shiftD = arena.f64(nd);
    const T1 = arena.f64(nd);
    const T2 = arena.f64(nd);
    const x = arena.f64(Math.max(1, w[0]));
    x.set(net.input);
    // θ coordinate → dense slot (per layer: bias np_l, then n_{l−1} rows of np_l)
    const slot = new Int32Array(net.nParams);
    let base = 0;
    for (let l = 1; l <= L; l++) {
      const nIn = w[l - 1];
      for (let i = 0; i < w[l]; i++) {
        slot[net.biasOffset[l - 1] + i] = base + i;
        for (let j = 0; j < nIn; j++) slot[net.weightOffset[l - 1] + i * nIn + j] = base + np[l] + j * np[l] + i;
      }
      base += np[l] * (1 + nIn);
    }
    const first = stats.n === 0;
    if (!first) for (let c = 0; c < net.nParams; c++) shiftD[slot[c]] = stats.shift[c];
    const inWasm = core.isWasmArray(noise);
    const U = inWasm ? null : arena.f64Scratch(rows * nu);
    for (let q0 = 0; q0 < B; q0 += e0) {
      const e = Math.min(e0, B - q0);
      let u: number;
      if (U) {
        U.set(noise.subarray(q0 * K * nu, (q0 + e) * K * nu));
        u = U.byteOffset;
      } else u = noise.byteOffset + q0 * K * nu * 8;
      k.sbnForward(desc.byteOffset, u, nu, e * K, main.byteOffset);
      k.sbnRloo(desc.byteOffset, K, e, main.byteOffset, x.byteOffset, G.byteOffset, shiftD.byteOffset, first && q0 === 0 ? 1 : 0, T1.byteOffset, T2.byteOffset);
    }
    for (let c = 0; c < net.nParams; c++) {
      stats.sum[c] += T1[slot[c]];
      stats.sumSq[c] += T2[slot[c]];
      if (first) stats.shift[c] = shiftD[slot[c]];
    }
    stats.n += B;
  } finally {
    arena.release();
  }
}
