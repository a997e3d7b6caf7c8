/**
 * Persistent contrastive divergence PCD-k (Tieleman 2008, "Training restricted Boltzmann machines
 * using approximations to the likelihood gradient", ICML): `chains` Markov chains that persist
 * across updates (hidden states start at 0), k block-Gibbs sweeps per update; the negative phase
 * is the chains' (v, p(h | v)) — or (v, h) with meanFieldHidden off. The chains and their
 * generator positions are the sampler's state, saved with the model so training resumes bit for bit.
 * Noise: one generator state per row chunk of the chains (stream.fork("pcd/c")); chunk c consumes,
 * per sweep, its chains' v draws and h draws.
 */
import { ChunkStreams } from "../../parallel/chunk-streams.js";
import { drawStreams, listsToRows, rowsToLists } from "../gibbs.js";
import type { NegativePhaseSpec } from "./types.js";

export const pcd: NegativePhaseSpec = {
  id: "pcd",
  title: "PCD-k",
  source: "Tieleman 2008, ICML (persistent contrastive divergence)",
  applicable: () => null,
  create(core, options, stream) {
    const C = options.chains;
    const streams = ChunkStreams.fromStream(stream, "pcd", drawStreams(C), core.arena);
    const chains = core.lists(C, core.nH); // empty lists: every chain starts at h = 0
    const v = core.lists(C, core.nV);
    const H = core.matrix(C, core.nH);
    return {
      sample() {
        for (let s = 0; s < options.k; s++) {
          core.sampleVisible(chains, C, v, streams);
          core.hiddenProbabilities(v, C, H);
          core.drawHidden(H, C, chains, streams, options.meanFieldHidden ? null : H);
        }
        return { kind: "samples", v, H, n: C };
      },
      toJSON: () => ({ chainsH: listsToRows(chains, C, core.nH), streams: streams.toJSON() }),
      restore(state, where) {
        const s = state as { chainsH?: unknown; streams?: unknown } | null;
        rowsToLists(s?.chainsH, chains, C, core.nH, `${where}.chainsH`);
        streams.restore(s?.streams, `${where}.streams`);
      },
    };
  },
};
