// Batched sufficient statistics of the correlation estimator on a layered sigmoid belief net
// (Bengio 2013, Theorem 1: ĝ = (hᵢ − σ(aᵢ))·L·∂aᵢ/∂θ), the Monte Carlo kernel behind
// `accumulate(θ, noise, B, stats)` (prototype for issue 11 phase B).
//
// Net (layers l = 1…L over a constant input; squared loss L = Σₖ (h_Lₖ − tₖ)²):
//   dims  i32 [L, n₁, …, n_L]; np_l = n_l rounded up to even (f64x2 lanes)
//   a1    f64 [np₁]           constant logits of layer 1 (W¹x + b¹, from the caller)
//   WT    f64 per layer l ≥ 2: n_{l−1} rows of np_l (row j = column j of Wˡ, padding 0)
//   bias  f64 per layer l ≥ 2: np_l (padding 0)
//   t     f64 [np_L]          target (padding 0)
// Per sample, n₁ + … + n_L uniforms in unit order (the estimator's noise layout): layer by layer,
//   a_l = b_l + Σ_{j : h_{l−1,j} = 1} WT_l[j, :]   (row additions: parents are 0/1)
//   s_l = σ(a_l), h_l = 1[u_l < s_l], c_l = (h_l − s_l)·L.
// Statistics (f64, added to, in sample order): per layer l, B1_l += c_l, B2_l += c_l² (np_l
// each); for l ≥ 2, S1_l[j, :] += c_l and S2_l[j, :] += c_l² for every active parent j (n_{l−1}
// rows of np_l): Σₛ cₛ ⊗ parentₛ = Cᵀ·P and, since parents are 0/1, Σₛ (cₛ ⊗ parentₛ)² =
// (C∘C)ᵀ·P. Layer 1's weight statistics are B1₁ ⊗ x and B2₁ ⊗ x² (the caller's, x constant).
// Layout of `stats`: for l = 1…L: B1_l, B2_l, then for l ≥ 2: S1_l, S2_l.
// Scratch: `work` holds sbnCorrelationWorkBytes(dims, block) bytes, `U` a block of uniforms.

import { vsigmoid } from "./vmath";
import { xor4096Fill } from "./xor4096";

/** Bytes one sample of a block needs in `work` (per layer: s, h, active list; then the loss). */
function sampleBytes(dims: usize): i32 {
  const L = load<i32>(dims);
  let bytes: i32 = 8;
  for (let l: i32 = 1; l <= L; l++) {
    const n = load<i32>(dims + (<usize>l << 2));
    bytes += 2 * ((n + 1) & ~1) * 8 + (((n + 2) * 4 + 15) & ~15);
  }
  return bytes;
}

/** Scratch bytes `work` needs for blocks of `block` samples. */
export function sbnCorrelationWorkBytes(dims: usize, block: i32): i32 {
  return sampleBytes(dims) * block;
}

/** σ in place on `count` doubles (count even): one tight loop, so the polynomial chains of neighbouring vectors overlap. */
function sigmoidInPlace(p: usize, count: i32): void {
  for (let i: i32 = 0; i < count; i += 2) v128.store(p + <usize>i * 8, vsigmoid<f64>(v128.load(p + <usize>i * 8)));
}

/**
 * Draw `n` samples with uniforms from the xor4096 state `st` (float64, as xor4096Fill) in
 * blocks of `block` samples into U (block·Σn_l doubles), and add their statistics to `stats`
 * (layout above). A block is processed layer by layer: the logits of all its samples, then σ on
 * all of them, then the draws; the statistics then follow sample by sample, in sample order.
 */
export function sbnCorrelationChunk(dims: usize, a1: usize, WT: usize, bias: usize, t: usize, st: usize, n: i32, block: i32, U: usize, work: usize, stats: usize): void {
  const L = load<i32>(dims);
  let nu: i32 = 0;
  for (let l: i32 = 1; l <= L; l++) nu += load<i32>(dims + (<usize>l << 2));
  const one = f64x2.splat(1.0);
  for (let s0: i32 = 0; s0 < n; s0 += block) {
    const m = min(block, n - s0);
    xor4096Fill(st, U, m * nu, 0);
    // forward pass, layer by layer over the block: region of layer l = S (m·np), H (m·np), lists (m·lb)
    let region = work;
    let wT = WT;
    let bl = bias;
    let prevLists: usize = 0;
    let prevLb: i32 = 0;
    let prevN: i32 = 0;
    let uoff: i32 = 0;
    for (let l: i32 = 1; l <= L; l++) {
      const nl = load<i32>(dims + (<usize>l << 2));
      const np = (nl + 1) & ~1;
      const lb = ((nl + 2) * 4 + 15) & ~15;
      const S = region;
      const H = S + <usize>(m * np) * 8;
      const lists = H + <usize>(m * np) * 8;
      for (let q: i32 = 0; q < m; q++) {
        const a = S + <usize>(q * np) * 8;
        if (l == 1) {
          for (let i: i32 = 0; i < np; i += 2) v128.store(a + <usize>i * 8, v128.load(a1 + <usize>i * 8));
        } else {
          for (let i: i32 = 0; i < np; i += 2) v128.store(a + <usize>i * 8, v128.load(bl + <usize>i * 8));
          const pl = prevLists + <usize>(q * prevLb);
          const cnt = load<i32>(pl);
          for (let k: i32 = 0; k < cnt; k++) {
            const row = wT + <usize>(load<i32>(pl + 4 + (<usize>k << 2)) * np) * 8;
            for (let i: i32 = 0; i < np; i += 2) {
              const o = <usize>i * 8;
              v128.store(a + o, f64x2.add(v128.load(a + o), v128.load(row + o)));
            }
          }
        }
      }
      if (l >= 2) {
        wT += <usize>(prevN * np) * 8;
        bl += <usize>np * 8;
      }
      sigmoidInPlace(S, m * np);
      // h = 1[u < s] (pad lanes: u = 1, h = 0) and the active lists
      for (let q: i32 = 0; q < m; q++) {
        const sv = S + <usize>(q * np) * 8;
        const hv = H + <usize>(q * np) * 8;
        const list = lists + <usize>(q * lb);
        const u = U + <usize>(q * nu + uoff) * 8;
        let cnt: i32 = 0;
        for (let i: i32 = 0; i < np; i += 2) {
          const o = <usize>i * 8;
          const ui = i + 1 < nl ? v128.load(u + o) : f64x2.replace_lane(f64x2.splat(load<f64>(u + o)), 1, 1.0);
          const lt = f64x2.lt(ui, v128.load(sv + o));
          v128.store(hv + o, v128.and(lt, one));
          const bits = i64x2.bitmask(lt);
          store<i32>(list + 4 + (<usize>cnt << 2), i);
          cnt += bits & 1;
          store<i32>(list + 4 + (<usize>cnt << 2), i + 1);
          cnt += (bits >>> 1) & 1;
        }
        store<i32>(list, cnt);
      }
      uoff += nl;
      prevLists = lists;
      prevLb = lb;
      prevN = nl;
      region = lists + <usize>(m * lb);
    }
    // loss of each sample on the last layer: L = Σ (h − t)² (pad lanes: h = t = 0)
    const loss = region;
    {
      const nl = prevN;
      const np = (nl + 1) & ~1;
      const H = prevLists - <usize>(m * np) * 8;
      for (let q: i32 = 0; q < m; q++) {
        let acc = f64x2.splat(0.0);
        for (let i: i32 = 0; i < np; i += 2) {
          const d = f64x2.sub(v128.load(H + <usize>(q * np + i) * 8), v128.load(t + <usize>i * 8));
          acc = f64x2.add(acc, f64x2.mul(d, d));
        }
        store<f64>(loss + <usize>q * 8, f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
      }
    }
    // statistics, sample by sample: c = (h − s)·L per layer
    for (let q: i32 = 0; q < m; q++) {
      const Lq = v128.load64_splat(loss + <usize>q * 8);
      let reg = work;
      let sp = stats;
      let parents: usize = 0;
      let pn: i32 = 0;
      for (let l: i32 = 1; l <= L; l++) {
        const nl = load<i32>(dims + (<usize>l << 2));
        const np = (nl + 1) & ~1;
        const lb = ((nl + 2) * 4 + 15) & ~15;
        const sv = reg + <usize>(q * np) * 8;
        const hv = reg + <usize>((m + q) * np) * 8;
        const B1 = sp;
        const B2 = sp + <usize>np * 8;
        for (let i: i32 = 0; i < np; i += 2) {
          const o = <usize>i * 8;
          const c = f64x2.mul(f64x2.sub(v128.load(hv + o), v128.load(sv + o)), Lq);
          v128.store(sv + o, c); // s is no longer needed: keep c for the parent rows
          v128.store(B1 + o, f64x2.add(v128.load(B1 + o), c));
          v128.store(B2 + o, f64x2.add(v128.load(B2 + o), f64x2.mul(c, c)));
        }
        sp += <usize>np * 16;
        if (l >= 2) {
          const S1 = sp;
          const S2 = sp + <usize>(pn * np) * 8;
          const cnt = load<i32>(parents);
          for (let k: i32 = 0; k < cnt; k++) {
            const row = <usize>(load<i32>(parents + 4 + (<usize>k << 2)) * np) * 8;
            for (let i: i32 = 0; i < np; i += 2) {
              const o = <usize>i * 8;
              const c = v128.load(sv + o);
              v128.store(S1 + row + o, f64x2.add(v128.load(S1 + row + o), c));
              v128.store(S2 + row + o, f64x2.add(v128.load(S2 + row + o), f64x2.mul(c, c)));
            }
          }
          sp += <usize>(2 * pn * np) * 8;
        }
        const lists = reg + <usize>(2 * m * np) * 8;
        parents = lists + <usize>(q * lb);
        pn = nl;
        reg = lists + <usize>(m * lb);
      }
    }
  }
}
