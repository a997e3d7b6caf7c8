import { describe, expect, it } from "vitest";
import { COLUMN_CHUNKS_PER_WORKER, columnRange } from "../../src/boltzmann/gibbs.js";

/** Vectors of 16 bytes, tiles of 6 vectors (src/linalg/assembly/rows.ts), in columns. */
const lanes = (f32: number) => (f32 ? 4 : 2);

describe("columnRange (the column chunks of the RBM's pooled products and parameter step)", () => {
  const widths = [1, 3, 7, 10, 24, 25, 100, 128, 500, 784, 1000];
  for (const f32 of [0, 1]) {
    it(`covers [0, N) in order, cuts at whole vectors, balances the participants and cuts inside a participant at whole tiles (${f32 ? "float32" : "float64"})`, () => {
      const L = lanes(f32);
      for (const N of widths) {
        expect(columnRange(N, 1, 0, f32)).toEqual([0, N]);
        for (const R of [1, 2, 3, 8]) {
          const chunks = COLUMN_CHUNKS_PER_WORKER * R;
          let at = 0;
          const owned: number[] = [];
          for (let c = 0; c < chunks; c++) {
            const [j0, j1] = columnRange(N, chunks, c, f32);
            expect(j0).toBe(at);
            expect(j1).toBeGreaterThanOrEqual(j0);
            if (j1 < N) expect(j1 % L).toBe(0);
            const p = Math.floor(c / COLUMN_CHUNKS_PER_WORKER);
            const first = c % COLUMN_CHUNKS_PER_WORKER === 0;
            owned[p] = (owned[p] ?? 0) + (j1 - j0);
            // a chunk that is not its participant's last ends on a whole tile from the participant's start
            if (c % COLUMN_CHUNKS_PER_WORKER !== COLUMN_CHUNKS_PER_WORKER - 1) {
              const start = first ? j0 : columnRange(N, chunks, c - (c % COLUMN_CHUNKS_PER_WORKER), f32)[0];
              const end = columnRange(N, chunks, c - (c % COLUMN_CHUNKS_PER_WORKER) + COLUMN_CHUNKS_PER_WORKER - 1, f32)[1];
              if (j1 < end) expect((j1 - start) % (6 * L)).toBe(0);
            }
            at = j1;
          }
          expect(at).toBe(N);
          const vectors = owned.map((w) => Math.ceil(w / L));
          expect(Math.max(...vectors) - Math.min(...vectors)).toBeLessThanOrEqual(1);
        }
      }
    });
  }

  it("refuses a chunk count that is not a whole number of participants", () => {
    expect(() => columnRange(500, COLUMN_CHUNKS_PER_WORKER + 1, 0, 1)).toThrow(/not a multiple/);
  });
});
