/**
 * The centered RBM (Melchior, Fischer & Wiskott 2016, "How to center deep Boltzmann machines",
 * JMLR 17; Montavon & Müller 2012): offsets μ (nV) and λ (nH) enter the energy as
 *   E(v, h) = −(v − μ)ᵀW(h − λ) − (v − μ)ᵀb̃ − (h − λ)ᵀc̃,
 * which is the plain energy −vᵀWh − vᵀb − hᵀc plus a constant for
 *   b = b̃ − Wλ,   c = c̃ − Wᵀμ   (so p(v, h) is the same).
 * The centered gradient, from the plain estimates ∇W, ∇b, ∇c (⟨·⟩⁺ − ⟨·⟩⁻):
 *   ∇̃W = ⟨(v − μ)(h − λ)ᵀ⟩⁺ − ⟨…⟩⁻ = ∇W − μ(∇c)ᵀ − (∇b)λᵀ,   ∇̃b = ∇b,   ∇̃c = ∇c;
 * a step Δ̃ on (W, b̃, c̃) is the plain step ΔW = Δ̃W, Δb = Δ̃b − ΔW λ, Δc = Δ̃c − ΔWᵀμ. The
 * offsets follow moving averages (the paper's "dd" variant: data means),
 *   μ ← (1 − ν)μ + ν⟨v⟩_data,   λ ← (1 − ν)λ + ν⟨p(h | v)⟩_data,
 * and moving them leaves W, b, c — the model — unchanged (the paper re-expresses b̃, c̃). The
 * trainer stores the plain parameters; this file converts between the two forms.
 */
import type { Rbm } from "./rbm.js";

/** Centered parameters: W shared with the plain form, the centered biases b̃, c̃ and the offsets μ, λ. */
export interface CenteredParams {
  readonly W: Float64Array;
  readonly bt: Float64Array;
  readonly ct: Float64Array;
  readonly mu: Float64Array;
  readonly lambda: Float64Array;
}

/** b̃ = b + Wλ, c̃ = c + Wᵀμ for the offsets μ (nV), λ (nH). W is copied. */
export function toCentered(rbm: Rbm, mu: ArrayLike<number>, lambda: ArrayLike<number>): CenteredParams {
  const { nVisible: nV, nHidden: nH } = rbm;
  const bt = Float64Array.from(rbm.b);
  const ct = Float64Array.from(rbm.c);
  for (let i = 0; i < nV; i++)
    for (let j = 0; j < nH; j++) {
      bt[i] += rbm.W[i * nH + j] * lambda[j];
      ct[j] += rbm.W[i * nH + j] * mu[i];
    }
  return { W: Float64Array.from(rbm.W), bt, ct, mu: Float64Array.from(mu), lambda: Float64Array.from(lambda) };
}

/** Write the plain parameters of `p` into `rbm`: W, b = b̃ − Wλ, c = c̃ − Wᵀμ. */
export function fromCentered(p: CenteredParams, rbm: Rbm): Rbm {
  const { nVisible: nV, nHidden: nH } = rbm;
  rbm.W.set(p.W);
  rbm.b.set(p.bt);
  rbm.c.set(p.ct);
  for (let i = 0; i < nV; i++)
    for (let j = 0; j < nH; j++) {
      rbm.b[i] -= p.W[i * nH + j] * p.lambda[j];
      rbm.c[j] -= p.W[i * nH + j] * p.mu[i];
    }
  return rbm;
}

/**
 * The centered free energy F̃(v) = −log Σ_h e^{−E(v,h)} = −(v − μ)ᵀb̃ + λᵀa − Σⱼ softplus(aⱼ),
 * a = Wᵀ(v − μ) + c̃. It equals the plain F(v) plus a constant (the same for every v). v: nV.
 */
export function centeredFreeEnergy(p: CenteredParams, v: ArrayLike<number>): number {
  const nV = p.mu.length;
  const nH = p.lambda.length;
  let f = 0;
  for (let i = 0; i < nV; i++) f -= (v[i] - p.mu[i]) * p.bt[i];
  for (let j = 0; j < nH; j++) {
    let a = p.ct[j];
    for (let i = 0; i < nV; i++) a += p.W[i * nH + j] * (v[i] - p.mu[i]);
    f += p.lambda[j] * a - (Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))));
  }
  return f;
}
