/**
 * Back-propagation through injected-noise units with the noise held fixed (the propagating
 * family): ∂J/∂a ≈ δh·∂h(a, e)/∂a.
 *   pathwise  noisy rectifier, ∂h/∂a = 1[a + z > 0]: unbiased, since h is continuous and piecewise
 *             linear in a (Bengio 2013, arXiv 1305.2982, §4)
 *   sts       stochastic times smooth, ∂h/∂a = b·√σ(a)(1 − σ(a))/2 with b held fixed: biased, it
 *             ignores how a moves b's distribution (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3)
 * With one row per minibatch these are the single-sample estimators `pathwise` and `sts` of
 * src/estimators/noisy.ts on noisy nets whose layers use them.
 */
import type { UnitKind } from "../units.js";
import { resolveOptions } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

function make(id: string, unit: UnitKind, title: string, formula: string, source: string, unbiased: boolean): LayerEstimatorSpec {
  return {
    id,
    title,
    formula,
    source,
    unbiased,
    units: [unit],
    needsBackprop: true,
    propagates: true,
    defaults: {},
    reruns: () => 0,
    extraNoise: () => 0,
    singleSample: { id, on: `noisy nets whose ${unit} layers use it, one row per minibatch` },
    options: (o) => resolveOptions(id, {}, {}, o),
    create: () => ({
      logitGradient(s, out) {
        const len = s.n * s.width;
        s.unit.noiseSlope(s.logits, s.e, len, out);
        const d = s.gradOutput!;
        for (let k = 0; k < len; k++) out[k] = d[k] * out[k];
      },
    }),
  };
}

export const pathwise = make("pathwise", "noisy-rectifier", "Pathwise (noisy rectifier)", "δh·1[a + z > 0]", "Bengio 2013, arXiv 1305.2982, §4 (noise injected into a non-flat non-linearity)", true);
export const sts = make("sts", "sts", "Stochastic times smooth", "δh·b·√σ(a)(1 − σ(a))/2, b held fixed", "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3", false);
