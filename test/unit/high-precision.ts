/**
 * High-precision references for the exact engine's tests: fixed-point arithmetic on BigInt with
 * 4096 fractional bits (every double, including subnormals, is represented exactly), an exp(x)
 * accurate far beyond float64 for x ∈ [−1500, 1500], and a brute-force enumeration of a small
 * sigmoid belief net in that arithmetic (E[L], Var[L], ∇E[L] by the product rule, and the exact
 * mean and variance of the correlation estimator with a constant baseline). Converting back to a
 * double loses < 1 ulp, so a float64 result's relative error against these is its own error.
 */
import type { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { SquaredLoss, TableLoss } from "../../src/problems/loss.js";

const F = 4096n;
const ONE = 1n << F;

/** A real number x as the BigInt round(x·2^4096). */
export type Fixed = bigint;

/** The exact fixed-point value of a double. */
export function fx(x: number): Fixed {
  if (!Number.isFinite(x)) throw new Error(`fx: ${x} is not finite`);
  if (x === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e = BigInt(biased === 0 ? -1074 : biased - 1075); // x = mant · 2^e
  const shift = e + F;
  return sign * (shift >= 0n ? mant << shift : mant >> -shift);
}

/** The double nearest to a fixed-point value (error < 1 ulp). */
export function toNumber(v: Fixed): number {
  if (v === 0n) return 0;
  const neg = v < 0n;
  let a = neg ? -v : v;
  const bits = a.toString(2).length;
  let k = -Number(F);
  if (bits > 64) {
    const drop = BigInt(bits - 64);
    a >>= drop;
    k += Number(drop);
  }
  // a·2^k in two halves so that neither factor under- or overflows on its own
  const h = Math.trunc(k / 2);
  const r = Number(a) * 2 ** h * 2 ** (k - h);
  return neg ? -r : r;
}

export const mul = (a: Fixed, b: Fixed): Fixed => (a * b) >> F;
export const div = (a: Fixed, b: Fixed): Fixed => (a << F) / b;

let eCache: Fixed | null = null;
/** e = Σ 1/k! */
function eulerE(): Fixed {
  if (eCache !== null) return eCache;
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; term > 0n; k++) {
    term /= k;
    sum += term;
  }
  return (eCache = sum);
}

function pow(b: Fixed, n: number): Fixed {
  let r = ONE;
  let x = b;
  for (let m = n; m > 0; m >>= 1) {
    if (m & 1) r = mul(r, x);
    x = mul(x, x);
  }
  return r;
}

/** e^x for a double x (|x| ≤ 1500): e^⌊x⌋ by powers of e, e^{x−⌊x⌋} by its Taylor series. */
export function expFx(x: number): Fixed {
  const n = Math.floor(x);
  const f = fx(x - n); // exact: x − ⌊x⌋ has no rounding for |x| < 2^52
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; term !== 0n; k++) {
    term = mul(term, f) / k;
    sum += term;
  }
  const en = n >= 0 ? pow(eulerE(), n) : div(ONE, pow(eulerE(), -n));
  return mul(sum, en);
}

/** σ(a) = 1/(1 + e^{−a}) for a fixed-point logit a (given as the double it came from). */
export function sigmoidFx(a: number): Fixed {
  return a >= 0 ? div(ONE, ONE + expFx(-a)) : div(expFx(a), ONE + expFx(a));
}

export interface HighPrecisionMoments {
  expectedLoss: number;
  lossVariance: number;
  gradient: Float64Array;
  /** exact mean and variance of ĝ = Σᵢ (hᵢ − σᵢ)(L − b)∂aᵢ/∂θ */
  correlationMean: Float64Array;
  correlationVariance: Float64Array;
}

/**
 * Brute-force exact moments of a small belief net (squared or table loss) in 4096-bit fixed point.
 * Logits are summed exactly from θ, so choose θ whose float64 logit sums are exact (dyadic values)
 * when comparing against a float64 engine. Shapes: θ (nParams).
 */
export function highPrecisionSbn(net: SigmoidBeliefNet, theta: Float64Array, baseline = 0): HighPrecisionMoments {
  const n = net.nUnits;
  const P = net.nParams;
  const lossValue = (h: number[]): Fixed => {
    const off = net.unitOffset[net.nLayers - 1];
    if (net.loss instanceof SquaredLoss) {
      let s = 0n;
      net.loss.target.forEach((t, k) => {
        const d = fx(h[off + k]) - fx(t);
        s += mul(d, d);
      });
      return s;
    }
    if (net.loss instanceof TableLoss) {
      let idx = 0;
      for (let k = 0; k < net.loss.arity; k++) idx |= h[off + k] << k;
      return fx(net.loss.table[idx]);
    }
    throw new Error("highPrecisionSbn: squared or table loss only");
  };
  let EL = 0n;
  let EL2 = 0n;
  const grad: Fixed[] = new Array(P).fill(0n);
  const m1: Fixed[] = new Array(P).fill(0n);
  const m2: Fixed[] = new Array(P).fill(0n);
  const b = fx(baseline);
  for (let code = 0; code < 1 << n; code++) {
    const h = Array.from({ length: n }, (_, i) => (code >> i) & 1);
    const sig: Fixed[] = [];
    const sigNeg: Fixed[] = [];
    const dadt: Fixed[][] = []; // ∂aᵢ/∂θ per unit (exact: entries are 0, 1 or an input)
    for (let l = 0; l < net.nLayers; l++) {
      const nIn = net.widths[l];
      for (let i = 0; i < net.widths[l + 1]; i++) {
        const unit = net.unitOffset[l] + i;
        const row = net.weightOffset[l] + i * nIn;
        const d: Fixed[] = new Array(P).fill(0n);
        let a = theta[net.biasOffset[l] + i];
        d[net.biasOffset[l] + i] = ONE;
        for (let j = 0; j < nIn; j++) {
          const prev = l === 0 ? net.input[j] : h[net.unitOffset[l - 1] + j];
          a += theta[row + j] * prev;
          d[row + j] = fx(prev);
        }
        if (!Number.isFinite(a)) throw new Error("highPrecisionSbn: logit overflow");
        sig[unit] = sigmoidFx(a);
        sigNeg[unit] = sigmoidFx(-a);
        dadt[unit] = d;
      }
    }
    const q = h.map((hi, i) => (hi ? sig[i] : sigNeg[i]));
    let p = ONE;
    for (const qi of q) p = mul(p, qi);
    const L = lossValue(h);
    EL += mul(p, L);
    EL2 += mul(p, mul(L, L));
    const g: Fixed[] = new Array(P).fill(0n);
    for (let i = 0; i < n; i++) {
      // ∂p/∂aᵢ = (2hᵢ − 1)σ(aᵢ)σ(−aᵢ)Π_{j≠i} qⱼ ;  ĝ coefficient (hᵢ − σᵢ)(L − b)
      let rest = ONE;
      for (let j = 0; j < n; j++) if (j !== i) rest = mul(rest, q[j]);
      const dp = mul(mul(sig[i], sigNeg[i]), rest) * (h[i] ? 1n : -1n);
      const coef = mul(h[i] ? sigNeg[i] : -sig[i], L - b);
      for (let k = 0; k < P; k++) {
        if (dadt[i][k] === 0n) continue;
        grad[k] += mul(mul(L, dp), dadt[i][k]);
        g[k] += mul(coef, dadt[i][k]);
      }
    }
    for (let k = 0; k < P; k++) {
      m1[k] += mul(p, g[k]);
      m2[k] += mul(p, mul(g[k], g[k]));
    }
  }
  return {
    expectedLoss: toNumber(EL),
    lossVariance: toNumber(EL2 - mul(EL, EL)),
    gradient: Float64Array.from(grad, toNumber),
    correlationMean: Float64Array.from(m1, toNumber),
    correlationVariance: Float64Array.from(m2, (v, k) => toNumber(v - mul(m1[k], m1[k]))),
  };
}
