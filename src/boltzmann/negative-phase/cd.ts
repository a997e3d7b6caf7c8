/**
 * Contrastive divergence CD-k (Hinton 2002, "Training products of experts by minimizing
 * contrastive divergence", Neural Computation 14(8)): one chain per batch row, started at the data,
 *   h⁰ ~ p(h | vPos) (or the sampled h⁺ when meanFieldHidden is off),  then k block-Gibbs sweeps
 *   v ~ p(v | h), h ~ p(h | v);
 * the negative phase is the last (v, p(h | v)) — or (v, h) with sampled h when meanFieldHidden is off
 * (with meanFieldHidden the last sweep draws no h).
 * Noise: one generator state per row chunk of the batch (stream.fork("cd/c")); chunk c consumes,
 * per update, its rows' h⁰ draws, then for each sweep its v draws and h draws.
 */
import { ChunkStreams } from "../../parallel/chunk-streams.js";
import { drawStreams } from "../gibbs.js";
import type { NegativePhaseSpec } from "./types.js";

export const cd: NegativePhaseSpec = {
  id: "cd",
  title: "CD-k",
  source: "Hinton 2002, Neural Computation 14(8) (contrastive divergence)",
  applicable: () => null,
  create(core, options, stream) {
    const B = options.batchSize;
    const streams = ChunkStreams.fromStream(stream, "cd", drawStreams(B), core.arena);
    const h = core.lists(B, core.nH);
    const v = core.lists(B, core.nV);
    const H = core.matrix(B, core.nH);
    return {
      sample(pos) {
        const n = pos.n;
        let from = pos.h;
        if (!from) {
          core.drawHidden(pos.H, n, h, streams);
          from = h;
        }
        for (let s = 1; s <= options.k; s++) {
          core.sampleVisible(from, n, v, streams);
          core.hiddenProbabilities(v, n, H);
          const last = s === options.k;
          if (!last || !options.meanFieldHidden) {
            core.drawHidden(H, n, h, streams, last ? H : null);
            from = h;
          }
        }
        return { kind: "samples", v, H, n };
      },
      toJSON: () => ({ streams: streams.toJSON() }),
      restore(state, where) {
        streams.restore((state as { streams?: unknown } | null)?.streams, `${where}.streams`);
      },
    };
  },
};
