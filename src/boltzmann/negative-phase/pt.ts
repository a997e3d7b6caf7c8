/**
 * Parallel tempering PT-k (Desjardins, Courville, Bengio, Vincent & Delalleau 2010, "Tempered
 * Markov chain Monte Carlo for training of restricted Boltzmann machines", AISTATS; Cho, Raiko &
 * Ilin 2010, IJCNN): `chains` persistent ladders of K tempered chains on the inverse-temperature
 * ladder 1 = β₀ > β₁ > … > β_{K−1} = βmin (geometric: β_t = βmin^{t/(K−1)}), chain t sampling
 *   p_β(v, h) ∝ exp(β(vᵀWh + bᵀv + cᵀh)),   marginal  log p*_β(v) = β bᵀv + Σⱼ softplus(β(c + Wᵀv)ⱼ).
 * One update: k block-Gibbs sweeps of every chain at its own β (h ~ σ(β(c + Wᵀv)), v ~ σ(β(b + Wh))),
 * then one round of neighbour swaps: in round r the pairs (t, t+1) with t ≡ r (mod 2) (even–odd
 * alternation), each ladder independently, swapping v_t and v_{t+1} with probability
 *   min(1, p*_{β_t}(v_{t+1}) p*_{β_{t+1}}(v_t) / (p*_{β_t}(v_t) p*_{β_{t+1}}(v_{t+1}))).
 * The negative phase is the β = 1 chains' (v, p(h | v)) — or (v, h) with meanFieldHidden off — so
 * one update costs K·k sweeps per ladder; the swap acceptance rate of every pair is counted.
 *
 * Layout: row t·C + l is chain t of ladder l (C = chains). A sweep is one pool job whose chunk
 * (t, g) holds up to DRAW_ROWS rows of temperature t and draws from its own generator state, so
 * the bytes do not depend on the number of workers; the swaps run on the calling thread from the
 * sampler's own Stream and exchange row lists in place (their start/count entries).
 */
import { FieldError, InputError } from "../../errors.js";
import type { BinaryIndex, FloatArray } from "../../linalg/kernels.js";
import { ChunkStreams } from "../../parallel/chunk-streams.js";
import { defineTask } from "../../parallel/task.js";
import { Stream } from "../../random/stream.js";
import { WorkerPool } from "../../parallel/pool.js";
import { DRAW_ROWS, drawStreams, listsToRows, ptr, RbmCore, rowsToLists } from "../gibbs.js";
import type { Rbm } from "../rbm.js";
import type { NegativePhaseOptions, NegativePhaseSpec, NegativeStatistics } from "./types.js";

/** Default lowest inverse temperature of the ladder. */
export const DEFAULT_BETA_MIN = 0.5;

/** Default number of temperatures per ladder. */
export const DEFAULT_TEMPERATURES = 5;

/** The geometric ladder β_t = βmin^{t/(K−1)}, t = 0 … K−1 (β₀ = 1). Validates K ≥ 2 and βmin ∈ (0, 1]. */
export function temperingLadder(K: number, betaMin: number): Float64Array {
  if (!Number.isInteger(K) || K < 2) throw new FieldError("temperatures", `parallel tempering needs an integer number of temperatures ≥ 2, got ${K}`);
  if (!(betaMin > 0 && betaMin <= 1)) throw new FieldError("betaMin", `the lowest inverse temperature β must lie in (0, 1], got ${betaMin}`);
  const out = new Float64Array(K);
  for (let t = 0; t < K; t++) out[t] = t === 0 ? 1 : Math.pow(betaMin, t / (K - 1));
  return out;
}

/**
 * One tempered sweep of chunk c = (temperature t, group g): act = c + vW, h ~ σ(β_t act),
 * L = b + hWᵀ, v ~ σ(β_t L) for the group's rows; with `lp` also, for the new v,
 * lpSelf = log p*_{β_t}(v) and lpPart = log p*_{β'}(v) at the partner's β' = partner[t].
 */
export const temperedSweepTask = defineTask(
  import.meta.url,
  "temperedSweepTask",
  ["C", "G", "nV", "nH", "W", "Wt", "b", "c", "betas", "partner", "vIdx", "vStart", "vCnt", "hIdx", "hStart", "hCnt", "act", "L", "U", "ldu", "states", "d", "lpSelf", "lpPart", "lp", "f32"],
  (a, ch, ctx) => {
    const k = ctx.k;
    const t = Math.floor(ch / a.G);
    const g = ch - t * a.G;
    const m = Math.min(DRAW_ROWS, a.C - g * DRAW_ROWS);
    const r0 = t * a.C + g * DRAW_ROWS;
    const e = a.f32 ? 4 : 8;
    const buf = ctx.core.buffer;
    const beta = new Float64Array(buf, a.betas, t + 1)[t];
    const { nV, nH, ldu } = a;
    const vs = a.vStart + 4 * r0;
    const vc = a.vCnt + 4 * r0;
    const hs = a.hStart + 4 * r0;
    const hc = a.hCnt + 4 * r0;
    const act = a.act + r0 * nH * e;
    const L = a.L + r0 * nV * e;
    const u = a.U + r0 * ldu * e;
    const st = a.states + ch * 520;
    const rowSums = a.f32 ? k.rowSumsF32 : k.rowSumsF64;
    const draw = a.f32 ? k.sigmoidBernoulliIndexF32 : k.sigmoidBernoulliIndexF64;
    rowSums(a.vIdx, vs, vc, m, a.W, nH, nH, a.c, act, nH);
    for (let r = 0; r < m; r++) k.xor4096Fill(st, u + r * ldu * e, nH, a.f32);
    draw(act, nH, m, nH, u, ldu, 0, 0, a.hIdx, hs, hc, beta, 0);
    rowSums(a.hIdx, hs, hc, m, a.Wt, nV, nV, a.b, L, nV);
    for (let r = 0; r < m; r++) k.xor4096Fill(st, u + r * ldu * e, nV, a.f32);
    draw(L, nV, m, nV, u, ldu, 0, 0, a.vIdx, vs, vc, beta, 0);
    if (!a.lp) return;
    rowSums(a.vIdx, vs, vc, m, a.W, nH, nH, a.c, act, nH);
    rowSums(a.vIdx, vs, vc, m, a.b, 1, 1, 0, a.d + r0 * e, 1);
    const sp = a.f32 ? k.softplusRowSumsF32 : k.softplusRowSumsF64;
    const bp = new Float64Array(buf, a.partner, t + 1)[t];
    sp(act, nH, m, nH, a.lpSelf + r0 * e, beta);
    sp(act, nH, m, nH, a.lpPart + r0 * e, bp);
    const view = (p: number): FloatArray => (a.f32 ? new Float32Array(buf, p + r0 * e, m) : new Float64Array(buf, p + r0 * e, m));
    const d = view(a.d);
    const ls = view(a.lpSelf);
    const lq = view(a.lpPart);
    for (let r = 0; r < m; r++) {
      ls[r] += beta * d[r];
      lq[r] += bp * d[r];
    }
  },
);

/** What a PT sampler reports: its ladder and the swap counts of the pairs (t, t+1), t = 0 … K−2, since it started. */
export type PtDiagnostics = { ladders: number; betas: number[]; accepted: number[]; attempted: number[] };

export const pt: NegativePhaseSpec = {
  id: "pt",
  title: "PT-k",
  source: "Desjardins et al. 2010, AISTATS; Cho, Raiko & Ilin 2010, IJCNN (parallel tempering)",
  applicable: () => null, // the ladder is validated with the options (validateTrainOptions)
  create(core, options: NegativePhaseOptions, stream) {
    const C = options.chains;
    const K = options.temperatures ?? DEFAULT_TEMPERATURES;
    const betas = core.arena.f64(K);
    betas.set(temperingLadder(K, options.betaMin ?? DEFAULT_BETA_MIN));
    const n = K * C;
    const G = drawStreams(C);
    const streams = ChunkStreams.fromStream(stream, "pt", K * G, core.arena);
    const hStreams = options.meanFieldHidden ? null : ChunkStreams.fromStream(stream, "pt/h", G, core.arena);
    let swaps = stream.fork("pt/swaps");
    const partner = core.arena.f64(K);
    const v = core.lists(n, core.nV); // every chain starts at v = 0
    const h = core.lists(n, core.nH);
    const hNeg = core.lists(C, core.nH);
    const act = core.matrix(n, core.nH);
    const L = core.matrix(n, core.nV);
    const ldu = Math.max(core.nV, core.nH);
    const U = core.matrix(n, ldu);
    const d = core.matrix(n, 1);
    const lpSelf = core.matrix(n, 1);
    const lpPart = core.matrix(n, 1);
    const H = core.matrix(C, core.nH);
    const accepted = new Array<number>(K - 1).fill(0);
    const attempted = new Array<number>(K - 1).fill(0);
    let round = 0;
    const args = {
      C, G, nV: core.nV, nH: core.nH, W: ptr(core.W), Wt: ptr(core.Wt), b: ptr(core.b), c: ptr(core.c), betas: ptr(betas), partner: ptr(partner),
      vIdx: ptr(v.idx), vStart: ptr(v.start), vCnt: ptr(v.count), hIdx: ptr(h.idx), hStart: ptr(h.start), hCnt: ptr(h.count),
      act: ptr(act), L: ptr(L), U: ptr(U), ldu, states: ptr(streams.states), d: ptr(d), lpSelf: ptr(lpSelf), lpPart: ptr(lpPart), lp: 0, f32: core.f32,
    };
    const swapRow = (x: BinaryIndex, p: number, q: number) => {
      const s = x.start[p];
      x.start[p] = x.start[q];
      x.start[q] = s;
      const c = x.count[p];
      x.count[p] = x.count[q];
      x.count[q] = c;
    };
    return {
      sample() {
        const parity = round & 1;
        for (let t = 0; t < K; t++) {
          const q = (t - parity) % 2 === 0 ? t + 1 : t - 1; // the partner in this round
          partner[t] = q >= 0 && q < K ? betas[q] : betas[t];
        }
        for (let s = 1; s <= options.k; s++) {
          args.lp = s === options.k ? 1 : 0;
          core.pool.run(temperedSweepTask, args, K * G);
        }
        for (let t = parity; t + 1 < K; t += 2) {
          for (let l = 0; l < C; l++) {
            const p = t * C + l;
            const q = p + C;
            const logA = lpPart[p] + lpPart[q] - lpSelf[p] - lpSelf[q];
            attempted[t]++;
            if (Math.log(swaps.uniform()) < logA) {
              swapRow(v, p, q);
              accepted[t]++;
            }
          }
        }
        round++;
        core.hiddenProbabilities(v, C, H);
        if (hStreams) core.drawHidden(H, C, hNeg, hStreams, H);
        return { kind: "samples", v, H, n: C };
      },
      diagnostics: (): PtDiagnostics => ({ ladders: C, betas: Array.from(betas), accepted: accepted.slice(), attempted: attempted.slice() }),
      toJSON: () => ({
        chainsV: listsToRows(v, n, core.nV),
        streams: streams.toJSON(),
        ...(hStreams ? { hStreams: hStreams.toJSON() } : {}),
        swaps: swaps.toJSON(),
        round,
        accepted: accepted.slice(),
        attempted: attempted.slice(),
      }),
      restore(state, where) {
        const s = state as { chainsV?: unknown; streams?: unknown; hStreams?: unknown; swaps?: unknown; round?: unknown; accepted?: unknown; attempted?: unknown } | null;
        for (let r = 0; r < n; r++) v.start[r] = r * (core.nV + 1); // the canonical layout before the rows are written
        rowsToLists(s?.chainsV, v, n, core.nV, `${where}.chainsV`);
        streams.restore(s?.streams, `${where}.streams`);
        if (hStreams) hStreams.restore(s?.hStreams, `${where}.hStreams`);
        else if (s?.hStreams !== undefined) throw new InputError(`${where}.hStreams: unexpected (meanFieldHidden draws no negative hidden samples)`);
        try {
          swaps = Stream.fromJSON(s?.swaps as never);
        } catch (e) {
          throw new InputError(`${where}.swaps: ${(e as Error).message}`);
        }
        if (!Number.isInteger(s?.round) || (s!.round as number) < 0) throw new InputError(`${where}.round: expected an integer ≥ 0, got ${JSON.stringify(s?.round)}`);
        round = s!.round as number;
        for (const [key, arr] of [["accepted", accepted], ["attempted", attempted]] as const) {
          const x = s?.[key];
          if (!Array.isArray(x) || x.length !== K - 1 || !x.every((y) => Number.isInteger(y) && y >= 0)) throw new InputError(`${where}.${key}: expected ${K - 1} counts (integers ≥ 0)`);
          for (let t = 0; t < K - 1; t++) arr[t] = x[t] as number;
        }
      },
    };
  },
};

/**
 * Samples of the model by parallel tempering alone (no training): `chains` ladders of
 * `temperatures` chains on the geometric ladder down to `betaMin`, `sweeps` updates of one
 * sweep and one swap round each, from v = 0. Returns the β = 1 chains' final states (chains×nV
 * rows of 0/1) and the swap counts. Randomness from `stream` only; the same bytes for any pool.
 */
export function ptSample(rbm: Rbm, options: { chains: number; temperatures: number; betaMin: number; sweeps: number }, stream: Stream, pool?: WorkerPool): { samples: Float64Array; diagnostics: PtDiagnostics } {
  if (!Number.isInteger(options.sweeps) || options.sweeps < 1) throw new FieldError("sweeps", `expected an integer ≥ 1, got ${options.sweeps}`);
  if (!Number.isInteger(options.chains) || options.chains < 1) throw new FieldError("chains", `expected an integer ≥ 1, got ${options.chains}`);
  temperingLadder(options.temperatures, options.betaMin);
  const p = pool ?? new WorkerPool({ workers: 1, scratchBytes: 0 });
  const core = new RbmCore(rbm.nVisible, rbm.nHidden, "float64", p);
  try {
    core.load(rbm);
    const C = options.chains;
    const sampler = pt.create(core, { k: 1, chains: C, batchSize: C, meanFieldHidden: true, temperatures: options.temperatures, betaMin: options.betaMin }, stream);
    const none = { v: core.lists(1, core.nV), H: core.matrix(1, core.nH), h: null, n: 0 };
    let last: NegativeStatistics | null = null;
    for (let s = 0; s < options.sweeps; s++) last = sampler.sample(none);
    const v = (last as Extract<NegativeStatistics, { kind: "samples" }>).v;
    return { samples: Float64Array.from(listsToRows(v, C, core.nV)), diagnostics: sampler.diagnostics!() as PtDiagnostics };
  } finally {
    core.release();
    if (!pool) p.close();
  }
}
