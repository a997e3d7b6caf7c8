// Dense GEMM, C ← α·op(A)·op(B) + β·C, float64 and float32, row-major with element strides.
//
// Goto & van de Geijn (2008), "Anatomy of high-performance matrix multiplication": op(B) is
// packed in KC×NR column panels, op(A) in MR×KC row panels (packing absorbs the transposes, so
// V·W, H·Wᵀ and Vᵀ·H all run the same micro-kernel), and a 4×(2 vectors) micro-kernel keeps its
// eight accumulators in registers (float64: 4×4, float32: 4×8). No FMA: each product is a
// rounded multiply then a rounded add, so results are the same on every machine.
//
// Summation order of C[i,j]: for each KC block of k (ascending), acc = Σ_k a·b in ascending k
// from 0, then C[i,j] += α·acc. It depends on KC alone, so splitting the columns (or rows) of C
// across workers does not change a bit. Scratch (per caller): KC·NC + MC·KC + MR·NR elements.

import { lanes, vadd, vmul, vsplat } from "./simd";

const KC: i32 = 256;
const NC: i32 = 256;
const MC: i32 = 96;
const MR: i32 = 4;

function splatLoad<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(p);
  return v128.load32_splat(p);
}

/** Scratch elements one gemm call needs (the same for both precisions). */
export function gemmScratchElements(): i32 {
  return KC * NC + MC * KC + MR * 8;
}

/** Pack op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: dst[(jp·kc + p)·NR + jj], zero-padded. */
function packB<T>(trans: i32, B: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  const es = <usize>sizeof<T>();
  const NR = 2 * lanes<T>();
  for (let jp: i32 = 0; jp * NR < nc; jp++) {
    const j0 = jc + jp * NR;
    const nr = min(NR, jc + nc - j0);
    let d = dst + <usize>(jp * kc * NR) * es;
    if (trans == 0) {
      for (let p: i32 = 0; p < kc; p++) {
        const s = B + (<usize>(pc + p) * <usize>ldb + <usize>j0) * es;
        if (nr == NR) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        } else {
          for (let jj: i32 = 0; jj < NR; jj++) store<T>(d + <usize>jj * es, jj < nr ? load<T>(s + <usize>jj * es) : <T>0);
        }
        d += <usize>NR * es;
      }
    } else {
      for (let jj: i32 = 0; jj < NR; jj++) {
        const s = B + (<usize>(j0 + jj) * <usize>ldb + <usize>pc) * es;
        for (let p: i32 = 0; p < kc; p++) store<T>(d + <usize>(p * NR + jj) * es, jj < nr ? load<T>(s + <usize>p * es) : <T>0);
      }
    }
  }
}

/** Pack op(A)[ic:ic+mc, pc:pc+kc] into panels of MR rows: dst[(ip·kc + p)·MR + ii], zero-padded. */
function packA<T>(trans: i32, A: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  const es = <usize>sizeof<T>();
  for (let ip: i32 = 0; ip * MR < mc; ip++) {
    const i0 = ic + ip * MR;
    const mr = min(MR, ic + mc - i0);
    const d = dst + <usize>(ip * kc * MR) * es;
    if (trans == 0) {
      for (let ii: i32 = 0; ii < MR; ii++) {
        const s = A + (<usize>(i0 + ii) * <usize>lda + <usize>pc) * es;
        for (let p: i32 = 0; p < kc; p++) store<T>(d + <usize>(p * MR + ii) * es, ii < mr ? load<T>(s + <usize>p * es) : <T>0);
      }
    } else {
      for (let p: i32 = 0; p < kc; p++) {
        const s = A + (<usize>(pc + p) * <usize>lda + <usize>i0) * es;
        for (let ii: i32 = 0; ii < MR; ii++) store<T>(d + <usize>(p * MR + ii) * es, ii < mr ? load<T>(s + <usize>ii * es) : <T>0);
      }
    }
  }
}

/** C[0:mr, 0:nr] += α·(Σ_p a[p,:]ᵀ b[p,:]) with the 4 × 2-vector accumulators in registers. */
function micro<T>(kc: i32, a: usize, b: usize, C: usize, ldc: i32, mr: i32, nr: i32, alpha: f64, tile: usize): void {
  const es = <usize>sizeof<T>();
  const NR = 2 * lanes<T>();
  let c00 = v128.splat<i64>(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p: i32 = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = splatLoad<T>(a);
    c00 = vadd<T>(c00, vmul<T>(x, b0));
    c01 = vadd<T>(c01, vmul<T>(x, b1));
    x = splatLoad<T>(a + es);
    c10 = vadd<T>(c10, vmul<T>(x, b0));
    c11 = vadd<T>(c11, vmul<T>(x, b1));
    x = splatLoad<T>(a + 2 * es);
    c20 = vadd<T>(c20, vmul<T>(x, b0));
    c21 = vadd<T>(c21, vmul<T>(x, b1));
    x = splatLoad<T>(a + 3 * es);
    c30 = vadd<T>(c30, vmul<T>(x, b0));
    c31 = vadd<T>(c31, vmul<T>(x, b1));
    a += <usize>MR * es;
    b += 32;
  }
  const va = vsplat<T>(alpha);
  const row = <usize>ldc * es;
  if (mr == MR && nr == NR) {
    let o = C;
    v128.store(o, vadd<T>(v128.load(o), vmul<T>(va, c00)));
    v128.store(o, vadd<T>(v128.load(o, 16), vmul<T>(va, c01)), 16);
    o += row;
    v128.store(o, vadd<T>(v128.load(o), vmul<T>(va, c10)));
    v128.store(o, vadd<T>(v128.load(o, 16), vmul<T>(va, c11)), 16);
    o += row;
    v128.store(o, vadd<T>(v128.load(o), vmul<T>(va, c20)));
    v128.store(o, vadd<T>(v128.load(o, 16), vmul<T>(va, c21)), 16);
    o += row;
    v128.store(o, vadd<T>(v128.load(o), vmul<T>(va, c30)));
    v128.store(o, vadd<T>(v128.load(o, 16), vmul<T>(va, c31)), 16);
    return;
  }
  // ragged tile: the same products, element by element (same bits as the vector lanes)
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  const aT = <T>alpha;
  for (let i: i32 = 0; i < mr; i++) {
    for (let j: i32 = 0; j < nr; j++) {
      const o = C + <usize>i * row + <usize>j * es;
      store<T>(o, load<T>(o) + aT * load<T>(tile + <usize>(i * NR + j) * es));
    }
  }
}

/**
 * C ← α·op(A)·op(B) + β·C. Shapes: op(A) M×K, op(B) K×N, C M×N, row-major; transA ≠ 0: A is
 * stored K×M (lda ≥ M), else M×K (lda ≥ K); likewise transB. β = 0 overwrites C (NaN in C does
 * not propagate). `scratch`: gemmScratchElements() elements of this precision.
 */
function gemm<T>(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  const es = <usize>sizeof<T>();
  const NR = 2 * lanes<T>();
  if (beta != 1) {
    const bT = <T>beta;
    for (let i: i32 = 0; i < M; i++) {
      const r = C + <usize>i * <usize>ldc * es;
      for (let j: i32 = 0; j < N; j++) store<T>(r + <usize>j * es, beta == 0 ? <T>0 : bT * load<T>(r + <usize>j * es));
    }
  }
  if (K <= 0 || alpha == 0) return;
  const Bp = scratch;
  const Ap = Bp + <usize>(KC * NC) * es;
  const tile = Ap + <usize>(MC * KC) * es;
  for (let jc: i32 = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc: i32 = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB<T>(transB, B, ldb, pc, jc, kc, nc, Bp);
      for (let ic: i32 = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA<T>(transA, A, lda, ic, pc, mc, kc, Ap);
        for (let jr: i32 = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = Bp + <usize>((jr / NR) * kc * NR) * es;
          for (let ir: i32 = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            micro<T>(kc, Ap + <usize>((ir / MR) * kc * MR) * es, bp, C + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) * es, ldc, mr, nr, alpha, tile);
          }
        }
      }
    }
  }
}

export function gemmF64(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32, scratch: usize): void {
  gemm<f64>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, scratch);
}

export function gemmF32(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32, scratch: usize): void {
  gemm<f32>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, scratch);
}
