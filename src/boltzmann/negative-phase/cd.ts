/**
 * Contrastive divergence CD-k (Hinton 2002, "Training products of experts by minimizing
 * contrastive divergence", Neural Computation 14(8)): one chain per batch row, started at the data,
 *   h⁰ ~ p(h | vPos),  then k block-Gibbs sweeps  v ~ p(v | h), h ~ p(h | v);
 * the negative phase is the last (v, h) — or (v, p(h | v)) with meanFieldHidden.
 * Noise order per update: [h⁰: n·nH uniforms, only with meanFieldHidden] then k × [n·nV, n·nH].
 */
import { bernoulli, gibbsBuffers, gibbsSweeps } from "../rbm.js";
import type { NegativePhaseSpec } from "./types.js";

export const cd: NegativePhaseSpec = {
  id: "cd",
  title: "CD-k",
  source: "Hinton 2002, Neural Computation 14(8) (contrastive divergence)",
  applicable: () => null,
  create(rbm, options) {
    const { nVisible: nV, nHidden: nH } = rbm;
    const B = options.batchSize;
    const buf = gibbsBuffers(nV, nH, B);
    const h = new Float64Array(B * nH);
    return {
      sample(_V, hPos, n, stream) {
        if (options.meanFieldHidden) {
          stream.uniforms(buf.uH, 0, n * nH);
          bernoulli(hPos, buf.uH, h, n * nH);
        } else h.set(hPos.subarray(0, n * nH));
        gibbsSweeps(rbm, h, n, options.k, stream, buf);
        return { kind: "samples", v: buf.v, h: options.meanFieldHidden ? buf.pH : h, n };
      },
    };
  },
};
