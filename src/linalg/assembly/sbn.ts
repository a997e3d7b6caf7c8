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
// C = σ(−a), H ∈ {0, 1} (m × np_l f64 each, sample-major; layer 1's A, S, C, the same for every
// sample, stay in the descriptor) and the active lists (m lists of (count, indices…) in lb_l
// bytes each), then the losses (m f64). Padding lanes: h = 0, never listed.
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
 * A, S or C (which = 0, 1, 2) of layer l: its rows in the region, or for layer 1, whose logits are
 * the same for every sample, its one row in the descriptor (then the row step is 0, `step`).
 */
@inline function asc(desc: usize, base: usize, l: i32, which: i32, np: i32, m: i32): usize {
  if (l == 1) return which == 0 ? <usize>field(desc, 1, 5) : <usize>field(desc, 1, 7) + (which == 2 ? <usize>np * 8 : 0);
  return arr(base, which, np, m);
}
/** Doubles between the A, S or C rows of consecutive samples in layer l. */
@inline function step(l: i32, np: i32): i32 {
  return l == 1 ? 0 : np;
}

/**
 * σ and σ(−a) of `count` logits at A (count even) into S and C: e = e^{−|a|}, r = 1/(1 + e),
 * σ = (a < 0 ? e : 1)·r, σ(−a) = (a < 0 ? 1 : e)·r (one division for both; within BOUNDS.sigmoid + 1 ulp).
 */
function sigmoidPair(A: usize, S: usize, C: usize, count: i32): void {
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  for (let i: i32 = 0; i < count; i += 2) {
    const o = <usize>i * 8;
    const a = v128.load(A + o);
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const neg = f64x2.lt(a, zero);
    const r = f64x2.div(one, f64x2.add(one, e));
    v128.store(S + o, f64x2.mul(v128.bitselect(e, one, neg), r));
    v128.store(C + o, f64x2.mul(v128.bitselect(one, e, neg), r));
  }
}

/**
 * Draws h = 1[u < s] of layer l for m samples into H and the lists; u = U row q at column
 * uoff (or 1 − u when `flip`). Padding lanes read u = 1 (never drawn).
 */
function draw(desc: usize, l: i32, U: usize, ldu: i32, m: i32, S: usize, H: usize, L: usize, flip: bool): void {
  const n = field(desc, l, 0);
  const np = field(desc, l, 1);
  const ss = step(l, np);
  const uoff = field(desc, l, 3);
  const lb = listBytes(n);
  const one = f64x2.splat(1.0);
  for (let q: i32 = 0; q < m; q++) {
    const sv = S + <usize>(q * ss) * 8;
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
  const rowBytes = <usize>np * 8;
  for (let q: i32 = 0; q < m; q++) {
    const a = A + <usize>(q * np) * 8;
    const pl = parentLists + <usize>(q * plb);
    const cnt = load<i32>(pl);
    const idx = pl + 4;
    for (let i: i32 = 0; i < np; i += 2) {
      const o = <usize>i * 8;
      let acc = v128.load(bias + o);
      const col = WT + o;
      for (let k: i32 = 0; k < cnt; k++) acc = f64x2.add(acc, v128.load(col + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes));
      v128.store(a + o, acc);
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
    const H = arr(base, 3, np, m);
    const lst = lists(base, np, m);
    if (l > 1) {
      logits(desc, l, m, pl, arr(base, 0, np, m));
      sigmoidPair(arr(base, 0, np, m), arr(base, 1, np, m), arr(base, 2, np, m), m * np);
    }
    draw(desc, l, U, ldu, m, asc(desc, base, l, 1, np, m), H, lst, false);
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
  draw(desc, l, U, ldu, m, asc(desc, mb, l, 1, np, m), arr(bb, 3, np, m), lst, true);
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
  if (mode == ST_IDENTITY || mode == ST_SIGMOID) {
    for (let q: i32 = 0; q < m; q++) stCoefficients(desc, mode == ST_SIGMOID, m, q, main, dh, CO + <usize>(q * npTot) * 8);
    return;
  }
  if (mode == MOVING || mode == ONLINE) {
    // the baseline moves after every sample: one sample at a time through every layer
    for (let q: i32 = 0; q < m; q++) {
      for (let l: i32 = 1; l <= L; l++) layerCoefficients(desc, mode, U, ldu, m, main, branches, b, par, CO, loss, l, q, q + 1);
      observeBaseline(desc, mode, m, main, b, num, den, par, load<f64>(loss + (<usize>q << 3)), q);
    }
    return;
  }
  for (let l: i32 = 1; l <= L; l++) layerCoefficients(desc, mode, U, ldu, m, main, branches, b, par, CO, loss, l, 0, m);
}

/** Coefficients of layer l for samples q0 … q1 − 1 (see sbnCoefficients). */
function layerCoefficients(desc: usize, mode: i32, U: usize, ldu: i32, m: i32, main: usize, branches: usize, b: usize, par: usize, CO: usize, loss: usize, l: i32, q0: i32, q1: i32): void {
  const npTot = load<i32>(desc + 12);
  const n = field(desc, l, 0);
  const np = field(desc, l, 1);
  const off = field(desc, l, 2);
  const uoff = field(desc, l, 3);
  const base = layerBase(desc, main, l, m);
  const A0 = asc(desc, base, l, 0, np, m);
  const S0 = asc(desc, base, l, 1, np, m);
  const C0 = asc(desc, base, l, 2, np, m);
  const H0 = arr(base, 3, np, m);
  const ss = step(l, np);
  const bl = b + <usize>off * 8;
  const beta = f64x2.splat(load<f64>(par));
  const half = f64x2.splat(0.5);
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  const antithetic = mode == ARM || mode == DISARM;
  for (let q: i32 = q0; q < q1; q++) {
    const Lq = load<f64>(loss + (<usize>q << 3));
    const Lv = f64x2.splat(Lq);
    const o0 = <usize>(q * ss) * 8;
    const A = A0 + o0;
    const S = S0 + o0;
    const C = C0 + o0;
    const H = H0 + <usize>(q * np) * 8;
    const co = CO + <usize>(q * npTot + off) * 8;
    const u = U + <usize>(q * ldu + uoff) * 8;
    const Ll = antithetic ? load<f64>(branches + <usize>((l - 1) * m + q) * 8) : 0.0;
    const armScale = f64x2.splat(Ll - Lq);
    const dHalf = 0.5 * (Lq - Ll);
    const disScale = f64x2.splat(dHalf);
    for (let i: i32 = 0; i < np; i += 2) {
      const o = <usize>i * 8;
      const h = v128.load(H + o);
      const s = v128.load(S + o);
      let v: v128;
      if (antithetic) {
        const uv = i + 1 < n ? v128.load(u + o) : f64x2.replace_lane(half, 0, load<f64>(u + o));
        if (mode == ARM) v = f64x2.mul(armScale, f64x2.sub(uv, half));
        else if (dHalf == 0) v = zero;
        else {
          // h̃ = 1[1 − u < s]; σ(|a|) = the larger of σ(a), σ(−a)
          const ht = v128.and(f64x2.lt(f64x2.sub(one, uv), s), one);
          const sAbs = v128.bitselect(v128.load(C + o), s, f64x2.lt(v128.load(A + o), zero));
          v = v128.and(f64x2.mul(f64x2.mul(disScale, f64x2.sub(one, f64x2.add(ht, ht))), sAbs), f64x2.ne(h, ht));
        }
      } else {
        const r = residual(h, s, v128.load(C + o));
        const bv = mode == HDEP ? f64x2.mul(beta, h) : v128.load(bl + o);
        v = f64x2.mul(r, f64x2.sub(Lv, bv));
      }
      if (i + 1 >= n) v = f64x2.replace_lane(v, 1, 0.0);
      v128.store(co + o, v);
    }
  }
}

/** observe() of the online baselines after sample q with loss Lq (MOVING: L̃ ← βL̃ + (1 − β)L; ONLINE: num, den, b). */
function observeBaseline(desc: usize, mode: i32, m: i32, main: usize, b: usize, num: usize, den: usize, par: usize, Lq: f64, q: i32): void {
  const L = descL(desc);
  const npTot = load<i32>(desc + 12);
  const beta = load<f64>(par);
  if (mode == MOVING) {
    const ma = beta * load<f64>(par + 8) + (1 - beta) * Lq;
    store<f64>(par + 8, ma);
    const mv = f64x2.splat(ma);
    for (let i: i32 = 0; i < npTot; i += 2) v128.store(b + <usize>i * 8, mv);
    return;
  }
  const w = 1 - beta;
  for (let l: i32 = 1; l <= L; l++) {
    const n = field(desc, l, 0);
    const np = field(desc, l, 1);
    const off = field(desc, l, 2);
    const base = layerBase(desc, main, l, m);
    const H = arr(base, 3, np, m) + <usize>(q * np) * 8;
    const oc = <usize>(q * step(l, np)) * 8;
    const S = asc(desc, base, l, 1, np, m) + oc;
    const C = asc(desc, base, l, 2, np, m) + oc;
    for (let i: i32 = 0; i < n; i++) {
      const o = <usize>i << 3;
      const h = load<f64>(H + o);
      const d = h * load<f64>(C + o) - (1 - h) * load<f64>(S + o);
      const k = <usize>(off + i) << 3;
      const nm = beta * load<f64>(num + k) + w * d * d * Lq;
      const dn = beta * load<f64>(den + k) + w * d * d;
      store<f64>(num + k, nm);
      store<f64>(den + k, dn);
      store<f64>(b + k, dn > 0 ? nm / dn : 0);
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
    const o0 = <usize>(q * step(l, np)) * 8;
    const S = asc(desc, base, l, 1, np, m) + o0;
    const C = asc(desc, base, l, 2, np, m) + o0;
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
 * IX: scratch for the parents' column lists, (m + 1)·max n_l int32.
 * Each sum runs over the samples in ascending order with its accumulator in a register: per
 * parent j its column list (the samples with hⱼ = 1), per coefficient lane pair the rows of
 * those samples.
 */
export function sbnStats(desc: usize, m: i32, main: usize, CO: usize, K: usize, F: usize, first: i32, IX: usize, R: usize): void {
  const L = descL(desc);
  const npTot = load<i32>(desc + 12);
  const rowBytes = <usize>npTot * 8;
  if (first != 0) {
    memory.copy(K, CO, rowBytes);
    for (let l: i32 = 1; l <= L; l++) {
      const np = field(desc, l, 1);
      memory.copy(F + <usize>field(desc, l, 2) * 8, arr(layerBase(desc, main, l, m), 3, np, m), <usize>np * 8);
    }
  }
  let r = R;
  for (let l: i32 = 1; l <= L; l++) {
    const np = field(desc, l, 1);
    const off = <usize>field(desc, l, 2) * 8;
    const B1 = r;
    const B2 = r + <usize>np * 8;
    r += <usize>(2 * np) * 8;
    for (let i: i32 = 0; i < np; i += 2) {
      const o = <usize>i * 8;
      const kv = v128.load(K + off + o);
      let a1 = v128.load(B1 + o);
      let a2 = v128.load(B2 + o);
      let p = CO + off + o;
      for (let q: i32 = 0; q < m; q++) {
        const x = f64x2.sub(v128.load(p), kv);
        a1 = f64x2.add(a1, x);
        a2 = f64x2.add(a2, f64x2.mul(x, x));
        p += rowBytes;
      }
      v128.store(B1 + o, a1);
      v128.store(B2 + o, a2);
    }
    if (l < 2) continue;
    const nP = field(desc, l - 1, 0);
    const npP = field(desc, l - 1, 1);
    const fP = F + <usize>field(desc, l - 1, 2) * 8;
    const S1 = r;
    const S2 = r + <usize>(nP * np) * 8;
    const N = r + <usize>(2 * nP * np) * 8;
    r += <usize>(2 * nP * np + ((nP + 1) & ~1)) * 8;
    // column lists of the parents (ascending samples), from the row lists
    const plb = listBytes(nP);
    const pl0 = lists(layerBase(desc, main, l - 1, m), npP, m);
    const cnt = IX;
    const col = IX + (<usize>nP << 2);
    memory.fill(cnt, 0, <usize>nP << 2);
    for (let q: i32 = 0; q < m; q++) {
      const pl = pl0 + <usize>(q * plb);
      const c = load<i32>(pl);
      for (let t: i32 = 0; t < c; t++) {
        const j = load<i32>(pl + 4 + (<usize>t << 2));
        const cj = cnt + (<usize>j << 2);
        const k = load<i32>(cj);
        store<i32>(col + (<usize>(j * m + k) << 2), q);
        store<i32>(cj, k + 1);
      }
    }
    for (let j: i32 = 0; j < nP; j++) {
      const cj = load<i32>(cnt + (<usize>j << 2));
      store<f64>(N + (<usize>j << 3), load<f64>(N + (<usize>j << 3)) + <f64>cj);
      if (cj == 0) continue;
      const flagged = load<f64>(fP + (<usize>j << 3)) != 0;
      const list = col + (<usize>(j * m) << 2);
      const o1 = S1 + <usize>(j * np) * 8;
      const o2 = S2 + <usize>(j * np) * 8;
      for (let i: i32 = 0; i < np; i += 2) {
        const o = <usize>i * 8;
        const kv = flagged ? v128.load(K + off + o) : f64x2.splat(0.0);
        let a1 = v128.load(o1 + o);
        let a2 = v128.load(o2 + o);
        const base = CO + off + o;
        for (let t: i32 = 0; t < cj; t++) {
          const q = load<i32>(list + (<usize>t << 2));
          const x = f64x2.sub(v128.load(base + <usize>q * rowBytes), kv);
          a1 = f64x2.add(a1, x);
          a2 = f64x2.add(a2, f64x2.mul(x, x));
        }
        v128.store(o1 + o, a1);
        v128.store(o2 + o, a2);
      }
    }
  }
}

// ---- RLOO (Kool, van Hoof & Welling 2019): K samples per estimate, dense per-estimate sums ----
//
// ĝ = Σₖ cₖ·scoreₖ, cₖ = (fₖ − (Σf − fₖ)/(K − 1))/K, scoreₖ = Σᵢ (hᵢ − σᵢ)·∂aᵢ/∂θ on sample k: a sum
// of K outer products, so its square is no product of squares; each estimate is built densely
// (over the active lists) and added to shifted sums per coordinate. Dense layout (the caller's
// G, shift, T1, T2), per layer l: bias (np_l), then weights as n_{l−1} rows of np_l (row j =
// parent or input j); `x` (n₀ f64): the input.

/** Doubles of one dense estimate (and of shift, T1, T2). */
export function sbnDenseDoubles(desc: usize): i32 {
  const L = descL(desc);
  let d: i32 = 0;
  for (let l: i32 = 1; l <= L; l++) d += field(desc, l, 1) * (1 + (l == 1 ? load<i32>(desc + 16) : field(desc, l - 1, 0)));
  return d;
}

/**
 * Add the e estimates whose K samples each are rows q·K … q·K + K − 1 of the main chain
 * (sbnForward over e·K rows) to T1 = Σ(ĝ − shift), T2 = Σ(ĝ − shift)²; with `first` ≠ 0 the shift
 * is set to estimate 0 first. G: scratch for one estimate (dense doubles); x: the input.
 */
export function sbnRloo(desc: usize, K: i32, e: i32, main: usize, x: usize, G: usize, shift: usize, first: i32, T1: usize, T2: usize): void {
  const L = descL(desc);
  const m = e * K;
  const nd = sbnDenseDoubles(desc);
  const loss = lossBase(desc, main, m);
  const n0 = load<i32>(desc + 16);
  for (let q: i32 = 0; q < e; q++) {
    memory.fill(G, 0, <usize>nd * 8);
    let sum: f64 = 0;
    for (let k: i32 = 0; k < K; k++) sum += load<f64>(loss + (<usize>(q * K + k) << 3));
    for (let k: i32 = 0; k < K; k++) {
      const row = q * K + k;
      const f = load<f64>(loss + (<usize>row << 3));
      const c = (f - (sum - f) / <f64>(K - 1)) / <f64>K;
      if (c == 0) continue;
      const cv = f64x2.splat(c);
      let g = G;
      for (let l: i32 = 1; l <= L; l++) {
        const n = field(desc, l, 0);
        const np = field(desc, l, 1);
        const base = layerBase(desc, main, l, m);
        const oc = <usize>(row * step(l, np)) * 8;
        const S = asc(desc, base, l, 1, np, m) + oc;
        const C = asc(desc, base, l, 2, np, m) + oc;
        const H = arr(base, 3, np, m) + <usize>(row * np) * 8;
        // bias: c·r; the residual r is 0 in padding lanes (h = 0 there is no unit: masked below)
        for (let i: i32 = 0; i < np; i += 2) {
          const o = <usize>i * 8;
          let r = residual(v128.load(H + o), v128.load(S + o), v128.load(C + o));
          if (i + 1 >= n) r = f64x2.replace_lane(r, 1, 0.0);
          v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(cv, r)));
        }
        const w = g + <usize>np * 8;
        if (l == 1) {
          for (let j: i32 = 0; j < n0; j++) {
            const xj = f64x2.splat(load<f64>(x + (<usize>j << 3)));
            const wr = w + <usize>(j * np) * 8;
            for (let i: i32 = 0; i < np; i += 2) {
              const o = <usize>i * 8;
              let r = residual(v128.load(H + o), v128.load(S + o), v128.load(C + o));
              if (i + 1 >= n) r = f64x2.replace_lane(r, 1, 0.0);
              v128.store(wr + o, f64x2.add(v128.load(wr + o), f64x2.mul(cv, f64x2.mul(r, xj))));
            }
          }
          g = w + <usize>(n0 * np) * 8;
        } else {
          const nP = field(desc, l - 1, 0);
          const npP = field(desc, l - 1, 1);
          const pl = lists(layerBase(desc, main, l - 1, m), npP, m) + <usize>(row * listBytes(nP));
          const cnt = load<i32>(pl);
          for (let t: i32 = 0; t < cnt; t++) {
            const wr = w + <usize>(load<i32>(pl + 4 + (<usize>t << 2)) * np) * 8;
            for (let i: i32 = 0; i < np; i += 2) {
              const o = <usize>i * 8;
              let r = residual(v128.load(H + o), v128.load(S + o), v128.load(C + o));
              if (i + 1 >= n) r = f64x2.replace_lane(r, 1, 0.0);
              v128.store(wr + o, f64x2.add(v128.load(wr + o), f64x2.mul(cv, r)));
            }
          }
          g = w + <usize>(nP * np) * 8;
        }
      }
    }
    if (first != 0 && q == 0) memory.copy(shift, G, <usize>nd * 8);
    for (let i: i32 = 0; i < nd; i += 2) {
      const o = <usize>i * 8;
      const d = f64x2.sub(v128.load(G + o), v128.load(shift + o));
      v128.store(T1 + o, f64x2.add(v128.load(T1 + o), d));
      v128.store(T2 + o, f64x2.add(v128.load(T2 + o), f64x2.mul(d, d)));
    }
  }
}
