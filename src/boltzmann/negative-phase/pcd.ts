/**
 * Persistent contrastive divergence PCD-k (Tieleman 2008, "Training restricted Boltzmann machines
 * using approximations to the likelihood gradient", ICML): `chains` Markov chains that persist
 * across updates (hidden states start at 0), k block-Gibbs sweeps per update; the negative phase
 * is the chains' (v, h) — or (v, p(h | v)) with meanFieldHidden. The chains are the sampler's
 * persistent state, saved with the model so training resumes bit for bit.
 * Noise order per update: k × [chains·nV, chains·nH] uniforms.
 */
import { gibbsBuffers, gibbsSweeps } from "../rbm.js";
import type { NegativePhaseSpec } from "./types.js";

export const pcd: NegativePhaseSpec = {
  id: "pcd",
  title: "PCD-k",
  source: "Tieleman 2008, ICML (persistent contrastive divergence)",
  applicable: () => null,
  create(rbm, options) {
    const { nVisible: nV, nHidden: nH } = rbm;
    const C = options.chains;
    const buf = gibbsBuffers(nV, nH, C);
    const chains = new Float64Array(C * nH);
    return {
      persistent: chains,
      sample(_V, _hPos, _n, stream) {
        gibbsSweeps(rbm, chains, C, options.k, stream, buf);
        return { kind: "samples", v: buf.v, h: options.meanFieldHidden ? buf.pH : chains, n: C };
      },
    };
  },
};
