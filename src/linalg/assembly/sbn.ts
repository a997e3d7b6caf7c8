// Sample-batched estimators on a layered sigmoid belief net (float64): the kernels behind the
// `accumulate` paths of the correlation family (Bengio 2013, Theorem 1), straight-through
// (Bengio, Léonard & Courville 2013), ARM (Yin & Zhou 2019) and DisARM (Dong, Mnih & Tucker 2020).
// src/estimators/sbn-batch.ts drives them; the per-sample `estimate` of each estimator is the
// definition they are tested against.
//
// Net descriptor `desc` (i32 words), written by the caller:
//   [0] L (layers)   [1] loss kind (0: squared, L = Σₖ (hₖ − tₖ)²; 1: table, L = table[Σₖ hₖ2ᵏ])
//   [2] loss data (target, np_L f64, or the table, 2^{n_L} f64)   [3] npTot = Σ np_l
//   per layer l = 1…L at word 8 + 8(l − 1):
//     +0 n_l   +1 np_l = n_l rounded up to even (f64x2 lanes)   +2 off_l = Σ_{k<l} np_k (padded unit offset)
//     +3 uoff_l = Σ_{k<l} n_k (the layer's first uniform in a noise row)
//     +4 WT_l: n_{l−1} rows of np_l (row j = column j of Wˡ, padding 0); layer 1: 0
//     +5 bias_l (np_l); layer 1: its constant logits a¹ = W¹x + b¹
//     +6 W_l: n_l rows of np_{l−1} (row-major Wˡ, padding 0; straight-through's backward pass); layer 1: 0
//     +7 layer 1 only: σ(a¹) then σ(−a¹) (2·np₁ f64, from the caller, so layer 1 matches the per-sample path bit for bit)
//
// A chain region (`sbnWorkBytes(desc, m)` bytes) holds for m samples, per layer: A, S = σ(a),
// C = σ(−a), H ∈ {0, 1} (m × np_l f64 each, sample-major) and the active lists (m lists of
// (count, indices…) in lb_l bytes each), then the losses (m f64). Padding lanes: h = 0, never listed.
// σ and σ(−a) share one e^{−|a|} (vmath.ts; within BOUNDS.sigmoid of the reference); logits are
// sums in ascending parent order, exactly as the per-sample forward pass adds them.

import { exp2v } from "./vmath";

@inline function descL(desc: usize): i32 {
  return load<i32>(desc);
}
@inline function field(desc: usize, l: i32, k: i32): i32 {
  return load<i32>(desc + (<usize>(8 + 8 * (l - 1) + k) << 2));
}
@inline function listBytes(n: i32): i32 {
  return (((n + 2) << 2) + 15) & ~15;
}
/** Bytes of layer l's part of a chain region for m samples. */
@inline function layerBytes(np: i32, n: i32, m: i32): i32 {
  return m * (4 * np * 8 + listBytes(n));
}

/** Bytes of one chain region for m samples (per layer A, S, C, H, lists; then the losses). */
export function sbnWorkBytes(desc: usize, m: i32): i32 {
  const L = descL(desc);
  let b: i32 = 0;
  for (let l: i32 = 1; l <= L; l++) b += layerBytes(field(desc, l, 1), field(desc, l, 0), m);
  return b + m * 8;
}

// ---- region addressing ----
@inline function layerBase(desc: usize, region: usize, l: i32, m: i32): usize {
  let p = region;
  for (let k: i32 = 1; k < l; k++) p += <usize>layerBytes(field(desc, k, 1), field(desc, k, 0), m);
  return p;
}
@inline function lossBase(desc: usize, region: usize, m: i32): usize {
  return layerBase(desc, region, descL(desc) + 1, m);
}
// within a layer: A, S, C, H at 0, 1, 2, 3 × m·np·8; lists after them
@inline function arr(base: usize, which: i32, np: i32, m: i32): usize {
  return base + <usize>(which * m * np) * 8;
}
@inline function lists(base: usize, np: i32, m: i32): usize {
  return base + <usize>(4 * m * np) * 8;
}

/**
 * σ and σ(−a) of `count` logits at A (count even) into S and C: e = e^{−|a|},
 * σ = (a < 0 ? e : 1)/(1 + e), σ(−a) = (a < 0 ? 1 : e)/(1 + e).
 */
function sigmoidPair(A: usize, S: usize, C: usize, count: i32): void {
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  for (let i: i32 = 0; i < count; i += 2) {
    const o = <usize>i * 8;
    const a = v128.load(A + o);
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const neg = f64x2.lt(a, zero);
    const d = f64x2.add(one, e);
    v128.store(S + o, f64x2.div(v128.bitselect(e, one, neg), d));
    v128.store(C + o, f64x2.div(v128.bitselect(one, e, neg), d));
  }
}

/**
 * Draws h = 1[u < s] of layer l for m samples into H and the lists; u = U row q at column
 * uoff (or 1 − u when `flip`). Padding lanes read u = 1 (never drawn).
 */
function draw(desc: usize, l: i32, U: usize, ldu: i32, m: i32, S: usize, H: usize, L: usize, flip: bool): void {
  const n = field(desc, l, 0);
  const np = field(desc, l, 1);
  const uoff = field(desc, l, 3);
  const lb = listBytes(n);
  const one = f64x2.splat(1.0);
  for (let q: i32 = 0; q < m; q++) {
    const sv = S + <usize>(q * np) * 8;
    const hv = H + <usize>(q * np) * 8;
    const list = L + <usize>(q * lb);
    const u = U + <usize>(q * ldu + uoff) * 8;
    let cnt: i32 = 0;
    for (let i: i32 = 0; i < np; i += 2) {
      const o = <usize>i * 8;
      let uv = i + 1 < n ? v128.load(u + o) : f64x2.replace_lane(one, 0, load<f64>(u + o));
      if (flip) uv = f64x2.sub(one, uv);
      if (i + 1 >= n) uv = f64x2.replace_lane(uv, 1, 1.0);
      const lt = f64x2.lt(uv, v128.load(sv + o));
      v128.store(hv + o, v128.and(lt, one));
      const bits = i64x2.bitmask(lt);
      store<i32>(list + 4 + (<usize>cnt << 2), i);
      cnt += bits & 1;
      store<i32>(list + 4 + (<usize>cnt << 2), i + 1);
      cnt += (bits >>> 1) & 1;
    }
    store<i32>(list, cnt);
  }
}

/** Logits of layer l ≥ 2 for m samples: a = bias + Σ_{j active in the parents' lists} WT[j, :] (ascending j). */
function logits(desc: usize, l: i32, m: i32, parentLists: usize, A: usize): void {
  const np = field(desc, l, 1);
  const WT = <usize>field(desc, l, 4);
  const bias = <usize>field(desc, l, 5);
  const plb = listBytes(field(desc, l - 1, 0));
  for (let q: i32 = 0; q < m; q++) {
    const a = A + <usize>(q * np) * 8;
    for (let i: i32 = 0; i < np; i += 2) v128.store(a + <usize>i * 8, v128.load(bias + <usize>i * 8));
    const pl = parentLists + <usize>(q * plb);
    const cnt = load<i32>(pl);
    for (let k: i32 = 0; k < cnt; k++) {
      const row = WT + <usize>(load<i32>(pl + 4 + (<usize>k << 2)) * np) * 8;
      for (let i: i32 = 0; i < np; i += 2) {
        const o = <usize>i * 8;
        v128.store(a + o, f64x2.add(v128.load(a + o), v128.load(row + o)));
      }
    }
  }
}

/** Losses of m samples from the last layer's H (summed over k in ascending order, as the per-sample loss). */
function losses(desc: usize, H: usize, m: i32, out: usize): void {
  const L = descL(desc);
  const n = field(desc, L, 0);
  const np = field(desc, L, 1);
  const kind = load<i32>(desc + 4);
  const data = <usize>load<i32>(desc + 8);
  for (let q: i32 = 0; q < m; q++) {
    const h = H + <usize>(q * np) * 8;
    let v: f64 = 0;
    if (kind == 0) {
      for (let k: i32 = 0; k < n; k++) {
        const d = load<f64>(h + (<usize>k << 3)) - load<f64>(data + (<usize>k << 3));
        v += d * d;
      }
    } else {
      let idx: i32 = 0;
      for (let k: i32 = 0; k < n; k++) idx |= <i32>(load<f64>(h + (<usize>k << 3)) > 0.5) << k;
      v = load<f64>(data + (<usize>idx << 3));
    }
    store<f64>(out + (<usize>q << 3), v);
  }
}

/** Layers from..L of a chain for m samples (layers < from already in the region, or, for from = l of a branch, given). */
function forwardFrom(desc: usize, U: usize, ldu: i32, m: i32, region: usize, from: i32, parentLists: usize): void {
  const L = descL(desc);
  let pl = parentLists;
  for (let l: i32 = from; l <= L; l++) {
    const np = field(desc, l, 1);
    const base = layerBase(desc, region, l, m);
    const A = arr(base, 0, np, m);
    const S = arr(base, 1, np, m);
    const C = arr(base, 2, np, m);
    const H = arr(base, 3, np, m);
    const lst = lists(base, np, m);
    if (l == 1) {
      const a1 = <usize>field(desc, 1, 5);
      const sc = <usize>field(desc, 1, 7);
      for (let q: i32 = 0; q < m; q++) {
        const o = <usize>(q * np) * 8;
        memory.copy(A + o, a1, <usize>np * 8);
        memory.copy(S + o, sc, <usize>np * 8);
        memory.copy(C + o, sc + <usize>np * 8, <usize>np * 8);
      }
    } else {
      logits(desc, l, m, pl, A);
      sigmoidPair(A, S, C, m * np);
    }
    draw(desc, l, U, ldu, m, S, H, lst, false);
    pl = lst;
  }
  const Ll = layerBase(desc, region, L, m);
  const npL = field(desc, L, 1);
  losses(desc, arr(Ll, 3, npL, m), m, lossBase(desc, region, m));
}

/** The main chain of m samples (noise row q = U + q·ldu·8): every layer, then the losses. */
export function sbnForward(desc: usize, U: usize, ldu: i32, m: i32, region: usize): void {
  forwardFrom(desc, U, ldu, m, region, 1, 0);
}

/**
 * Branch l of the antithetic chains (src/estimators/antithetic.ts): layers < l as the main chain,
 * layer l drawn from 1 − u against the main chain's σ (its parents are the main chain's), layers
 * > l re-sampled from the same u; writes its losses to out (m f64). `branch` is a chain region.
 */
export function sbnBranch(desc: usize, U: usize, ldu: i32, m: i32, main: usize, branch: usize, l: i32, out: usize): void {
  const L = descL(desc);
  const np = field(desc, l, 1);
  const mb = layerBase(desc, main, l, m);
  const bb = layerBase(desc, branch, l, m);
  const lst = lists(bb, np, m);
  draw(desc, l, U, ldu, m, arr(mb, 1, np, m), arr(bb, 3, np, m), lst, true);
  if (l < L) forwardFrom(desc, U, ldu, m, branch, l + 1, lst);
  else losses(desc, arr(bb, 3, np, m), m, lossBase(desc, branch, m));
  memory.copy(out, lossBase(desc, branch, m), <usize>m * 8);
}

// ---- estimator coefficients: ĝ = Σᵢ coᵢ ∂aᵢ/∂θ, rows of npTot per sample ----

/** Estimator modes of sbnCoefficients. */
// 0: CORRELATION, co = (h − s)·(L − bᵢ), bᵢ from `b`
const HDEP: i32 = 1; // co = (h − s)·(L − β·hᵢ), β = par[0]  (the negative control)
const MOVING: i32 = 2; // co = (h − s)·(L − L̃), then L̃ ← β·L̃ + (1 − β)·L (par[0] = β, par[1] = L̃; b holds L̃)
const ONLINE: i32 = 3; // co = (h − s)·(L − bᵢ), then numᵢ, denᵢ ← β·(…) + (1 − β)·(…), bᵢ = num/den
const ARM: i32 = 4; // co = (L⁽ˡ⁾ − L)·(uᵢ − ½)
const DISARM: i32 = 5; // co = ½(L − L⁽ˡ⁾)·(1 − 2h̃ᵢ)·1[hᵢ ≠ h̃ᵢ]·σ(|aᵢ|)
const ST_IDENTITY: i32 = 6; // co = δaᵢ of back-propagation with ∂h/∂a := 1
const ST_SIGMOID: i32 = 7; // … with ∂h/∂a := σ(a)σ(−a)

/** (h − s) with σ(−a) for h = 1: h·c − (1 − h)·s per lane. */
@inline function residual(h: v128, s: v128, c: v128): v128 {
  return f64x2.sub(f64x2.mul(h, c), f64x2.mul(f64x2.sub(f64x2.splat(1.0), h), s));
}

/**
 * Coefficient rows CO (m × npTot) of estimator `mode` for the m samples of the main chain.
 * `b` (npTot): the baseline (correlation; MOVING and ONLINE update it sample by sample, as
 * observe() would); num, den (npTot): ONLINE's running sums; par: [β, L̃]; branches: L losses
 * of m samples each (ARM, DisARM: branch l's at branches + (l − 1)·m·8); U, ldu: the noise;
 * dh (npTot f64): scratch for straight-through's backward pass. Padding lanes get 0.
 */
export function sbnCoefficients(desc: usize, mode: i32, U: usize, ldu: i32, m: i32, main: usize, branches: usize, b: usize, num: usize, den: usize, par: usize, dh: usize, CO: usize): void {
  const L = descL(desc);
  const npTot = load<i32>(desc + 12);
  const loss = lossBase(desc, main, m);
  const half = f64x2.splat(0.5);
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  for (let q: i32 = 0; q < m; q++) {
    const Lq = load<f64>(loss + (<usize>q << 3));
    const Lv = f64x2.splat(Lq);
    const row = CO + <usize>(q * npTot) * 8;
    if (mode == ST_IDENTITY || mode == ST_SIGMOID) {
      stCoefficients(desc, mode == ST_SIGMOID, m, q, main, dh, row);
      continue;
    }
    for (let l: i32 = 1; l <= L; l++) {
      const n = field(desc, l, 0);
      const np = field(desc, l, 1);
      const off = field(desc, l, 2);
      const base = layerBase(desc, main, l, m);
      const o0 = <usize>(q * np) * 8;
      const A = arr(base, 0, np, m) + o0;
      const S = arr(base, 1, np, m) + o0;
      const C = arr(base, 2, np, m) + o0;
      const H = arr(base, 3, np, m) + o0;
      const co = row + <usize>off * 8;
      const bl = b + <usize>off * 8;
      const u = U + <usize>(q * ldu + field(desc, l, 3)) * 8;
      const Ll = mode == ARM || mode == DISARM ? load<f64>(branches + <usize>((l - 1) * m + q) * 8) : 0.0;
      const armScale = f64x2.splat(Ll - Lq);
      const dHalf = 0.5 * (Lq - Ll);
      const disScale = f64x2.splat(dHalf);
      for (let i: i32 = 0; i < np; i += 2) {
        const o = <usize>i * 8;
        const h = v128.load(H + o);
        const s = v128.load(S + o);
        const c = v128.load(C + o);
        let v: v128;
        if (mode == ARM || mode == DISARM) {
          const uv = i + 1 < n ? v128.load(u + o) : f64x2.replace_lane(half, 0, load<f64>(u + o));
          if (mode == ARM) v = f64x2.mul(armScale, f64x2.sub(uv, half));
          else {
            // h̃ = 1[1 − u < s]; σ(|a|) = the larger of σ(a), σ(−a)
            const ht = v128.and(f64x2.lt(f64x2.sub(one, uv), s), one);
            const sAbs = v128.bitselect(c, s, f64x2.lt(v128.load(A + o), zero));
            const differ = f64x2.ne(h, ht);
            v = v128.and(f64x2.mul(f64x2.mul(disScale, f64x2.sub(one, f64x2.add(ht, ht))), sAbs), differ);
            if (dHalf == 0) v = zero;
          }
        } else {
          const r = residual(h, s, c);
          const base2 = mode == HDEP ? f64x2.mul(f64x2.splat(load<f64>(par)), h) : v128.load(bl + o);
          v = f64x2.mul(r, f64x2.sub(Lv, base2));
        }
        if (i + 1 >= n) v = f64x2.replace_lane(v, 1, 0.0);
        v128.store(co + o, v);
      }
    }
    if (mode == MOVING) {
      const beta = load<f64>(par);
      const ma = beta * load<f64>(par + 8) + (1 - beta) * Lq;
      store<f64>(par + 8, ma);
      const mv = f64x2.splat(ma);
      for (let i: i32 = 0; i < npTot; i += 2) v128.store(b + <usize>i * 8, mv);
    } else if (mode == ONLINE) {
      const beta = load<f64>(par);
      const w = 1 - beta;
      for (let l: i32 = 1; l <= L; l++) {
        const n = field(desc, l, 0);
        const np = field(desc, l, 1);
        const off = field(desc, l, 2);
        const base = layerBase(desc, main, l, m);
        const o0 = <usize>(q * np) * 8;
        for (let i: i32 = 0; i < n; i++) {
          const o = o0 + (<usize>i << 3);
          const h = load<f64>(arr(base, 3, np, m) + o);
          const d = h * load<f64>(arr(base, 2, np, m) + o) - (1 - h) * load<f64>(arr(base, 1, np, m) + o);
          const k = <usize>(off + i) << 3;
          const nm = beta * load<f64>(num + k) + w * d * d * Lq;
          const dn = beta * load<f64>(den + k) + w * d * d;
          store<f64>(num + k, nm);
          store<f64>(den + k, dn);
          store<f64>(b + k, dn > 0 ? nm / dn : 0);
        }
      }
    }
  }
}

/**
 * Straight-through coefficients of sample q: δhᴸ = ∂L/∂hᴸ (squared: 2(h − t); table: the
 * multilinear slope table[idx | 2ᵏ] − table[idx & ~2ᵏ]), δaᵢ = δhᵢ·(1 or σ(aᵢ)σ(−aᵢ)),
 * δh_{l−1} += Σᵢ δaᵢ Wˡ[i, :] over i ascending (as SigmoidBeliefNet.surrogateCoefficients).
 */
function stCoefficients(desc: usize, sigmoidSlope: bool, m: i32, q: i32, main: usize, dh: usize, row: usize): void {
  const L = descL(desc);
  const npTot = load<i32>(desc + 12);
  memory.fill(dh, 0, <usize>npTot * 8);
  const nL = field(desc, L, 0);
  const npL = field(desc, L, 1);
  const offL = field(desc, L, 2);
  const baseL = layerBase(desc, main, L, m);
  const hL = arr(baseL, 3, npL, m) + <usize>(q * npL) * 8;
  const kind = load<i32>(desc + 4);
  const data = <usize>load<i32>(desc + 8);
  if (kind == 0) {
    for (let k: i32 = 0; k < nL; k++) store<f64>(dh + (<usize>(offL + k) << 3), 2 * (load<f64>(hL + (<usize>k << 3)) - load<f64>(data + (<usize>k << 3))));
  } else {
    let idx: i32 = 0;
    for (let k: i32 = 0; k < nL; k++) idx |= <i32>(load<f64>(hL + (<usize>k << 3)) > 0.5) << k;
    for (let k: i32 = 0; k < nL; k++) store<f64>(dh + (<usize>(offL + k) << 3), load<f64>(data + (<usize>(idx | (1 << k)) << 3)) - load<f64>(data + (<usize>(idx & ~(1 << k)) << 3)));
  }
  for (let l: i32 = L; l >= 1; l--) {
    const n = field(desc, l, 0);
    const np = field(desc, l, 1);
    const off = field(desc, l, 2);
    const base = layerBase(desc, main, l, m);
    const o0 = <usize>(q * np) * 8;
    const S = arr(base, 1, np, m) + o0;
    const C = arr(base, 2, np, m) + o0;
    const W = <usize>field(desc, l, 6);
    const npP = l > 1 ? field(desc, l - 1, 1) : 0;
    const offP = l > 1 ? field(desc, l - 1, 2) : 0;
    for (let i: i32 = 0; i < np; i++) {
      const k = <usize>(off + i) << 3;
      if (i >= n) {
        store<f64>(row + k, 0);
        continue;
      }
      const slope = sigmoidSlope ? load<f64>(S + (<usize>i << 3)) * load<f64>(C + (<usize>i << 3)) : 1.0;
      const da = load<f64>(dh + k) * slope;
      store<f64>(row + k, da);
      if (da == 0 || l == 1) continue;
      const wr = W + <usize>(i * npP) * 8;
      const dv = f64x2.splat(da);
      const dp = dh + <usize>offP * 8;
      for (let j: i32 = 0; j < npP; j += 2) {
        const o = <usize>j * 8;
        v128.store(dp + o, f64x2.add(v128.load(dp + o), f64x2.mul(dv, v128.load(wr + o))));
      }
    }
  }
}

// ---- sufficient statistics (per call, folded into ShiftedSums by the caller) ----
//
// With the per-unit shift Kᵢ (the first sample's coefficient) and, per parent j, the flag
// fⱼ = the first sample's hⱼ, the shift of coordinate ∂aᵢ/∂Wᵢⱼ is Kᵢ·fⱼ (the first estimate), and
// since parents are 0/1, Σₛ (ĝₛ − K)[i, j] = Σ_{s: hⱼ = 1} rowₛ[i] − fⱼ·Kᵢ·(m − Nⱼ) and
// Σₛ (ĝₛ − K)²[i, j] = Σ_{s: hⱼ = 1} rowₛ[i]² + fⱼ·Kᵢ²·(m − Nⱼ), rowₛ = coₛ − K if fⱼ else coₛ:
// the products Cᵀ·P (and the same with squares) over the active lists, plus Nⱼ = Σₛ hⱼ.
// Layout of R, per layer l: B1 (np_l) = Σ(co − K), B2 (np_l) = Σ(co − K)², then for l ≥ 2:
// S1 (n_{l−1} × np_l), S2 (n_{l−1} × np_l), N (n_{l−1}, rounded up to even).

/** Doubles of the statistics block R. */
export function sbnStatsDoubles(desc: usize): i32 {
  const L = descL(desc);
  let d: i32 = 0;
  for (let l: i32 = 1; l <= L; l++) {
    const np = field(desc, l, 1);
    d += 2 * np;
    if (l >= 2) {
      const nP = field(desc, l - 1, 0);
      d += 2 * nP * np + ((nP + 1) & ~1);
    }
  }
  return d;
}

/**
 * Add the m samples of the main chain with coefficient rows CO to R (layout above), in sample
 * order. K (npTot): per-unit shifts; F (npTot): per-unit parent flags (0/1); when `first` ≠ 0
 * they are set from sample 0 (K = its coefficients, F = its h) before anything is added.
 * D (npTot f64): scratch.
 */
export function sbnStats(desc: usize, m: i32, main: usize, CO: usize, K: usize, F: usize, first: i32, D: usize, R: usize): void {
  const L = descL(desc);
  const npTot = load<i32>(desc + 12);
  if (first != 0) {
    memory.copy(K, CO, <usize>npTot * 8);
    for (let l: i32 = 1; l <= L; l++) {
      const np = field(desc, l, 1);
      memory.copy(F + <usize>field(desc, l, 2) * 8, arr(layerBase(desc, main, l, m), 3, np, m), <usize>np * 8);
    }
  }
  for (let q: i32 = 0; q < m; q++) {
    const row = CO + <usize>(q * npTot) * 8;
    let r = R;
    for (let l: i32 = 1; l <= L; l++) {
      const np = field(desc, l, 1);
      const off = <usize>field(desc, l, 2) * 8;
      const co = row + off;
      const d = D + off;
      const k = K + off;
      const B1 = r;
      const B2 = r + <usize>np * 8;
      for (let i: i32 = 0; i < np; i += 2) {
        const o = <usize>i * 8;
        const x = f64x2.sub(v128.load(co + o), v128.load(k + o));
        v128.store(d + o, x);
        v128.store(B1 + o, f64x2.add(v128.load(B1 + o), x));
        v128.store(B2 + o, f64x2.add(v128.load(B2 + o), f64x2.mul(x, x)));
      }
      r += <usize>(2 * np) * 8;
      if (l >= 2) {
        const nP = field(desc, l - 1, 0);
        const npP = field(desc, l - 1, 1);
        const offP = <usize>field(desc, l - 1, 2) * 8;
        const S1 = r;
        const S2 = r + <usize>(nP * np) * 8;
        const N = r + <usize>(2 * nP * np) * 8;
        const pl = lists(layerBase(desc, main, l - 1, m), npP, m) + <usize>(q * listBytes(nP));
        const cnt = load<i32>(pl);
        for (let t: i32 = 0; t < cnt; t++) {
          const j = load<i32>(pl + 4 + (<usize>t << 2));
          const nj = N + (<usize>j << 3);
          store<f64>(nj, load<f64>(nj) + 1);
          const src = load<f64>(F + offP + (<usize>j << 3)) != 0 ? d : co;
          const o1 = S1 + <usize>(j * np) * 8;
          const o2 = S2 + <usize>(j * np) * 8;
          for (let i: i32 = 0; i < np; i += 2) {
            const o = <usize>i * 8;
            const x = v128.load(src + o);
            v128.store(o1 + o, f64x2.add(v128.load(o1 + o), x));
            v128.store(o2 + o, f64x2.add(v128.load(o2 + o), f64x2.mul(x, x)));
          }
        }
        r += <usize>(2 * nP * np + ((nP + 1) & ~1)) * 8;
      }
    }
  }
}
