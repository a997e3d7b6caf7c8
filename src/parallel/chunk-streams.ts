/**
 * Per-chunk random streams for pool tasks: `count` xor4096 generator states in the shared
 * WebAssembly memory, state c seeded from `stream.fork(`${key}/${c}`)` (a keyed child of the
 * caller's Stream). Chunk c of a job draws its uniforms from state c with the `xor4096Fill` kernel
 * (Stream.uniform()'s values bit for bit in float64; (v >>> 8)·2⁻²⁴ in float32), so the noise of
 * a chunk is the same whoever runs it and whatever the number of workers. A state advances in
 * place; `toJSON`/`restore` carry the positions for bit-exact resume.
 *
 * Layout of state c: 130 int32 at `address(c)` — X[0..128), then i, then w (src/linalg/assembly/xor4096.ts).
 */
import { InputError } from "../errors.js";
import type { WasmArena } from "../linalg/wasm.js";
import type { Stream } from "../random/stream.js";

/** int32 words per xor4096 state: X[128], i, w. */
export const STATE_WORDS = 130;

export class ChunkStreams {
  /** count × STATE_WORDS int32 in the shared memory */
  readonly states: Int32Array;

  private constructor(readonly count: number, arena: WasmArena) {
    this.states = arena.i32(count * STATE_WORDS);
  }

  /**
   * States 0 … count−1 from `stream.fork(`${key}/${c}`)` (independent of the stream's position);
   * with `ids`, state c from `stream.fork(`${key}/${ids[c]}`)` (count = ids.length: some of the
   * chunks of a larger job, e.g. a shard's runs, drawing what they draw in the whole job).
   */
  static fromStream(stream: Stream, key: string, count: number, arena: WasmArena, ids?: readonly number[]): ChunkStreams {
    if (ids && ids.length !== count) throw new InputError(`ChunkStreams: ${ids.length} ids for ${count} states`);
    const s = new ChunkStreams(count, arena);
    for (let c = 0; c < count; c++) {
      const st = stream.fork(`${key}/${ids ? ids[c] : c}`).toJSON().state;
      const o = c * STATE_WORDS;
      s.states.set(st.X, o);
      s.states[o + 128] = st.i;
      s.states[o + 129] = st.w;
    }
    return s;
  }

  /** Byte address of state c (what a task passes to `xor4096Fill`). */
  address(c: number): number {
    return this.states.byteOffset + c * STATE_WORDS * 4;
  }

  /** The positions of every state: count arrays of 130 int32 (X[128], i, w). */
  toJSON(): number[][] {
    return Array.from({ length: this.count }, (_, c) => Array.from(this.states.subarray(c * STATE_WORDS, (c + 1) * STATE_WORDS)));
  }

  /** Restore positions written by `toJSON`; errors name `where`. */
  restore(json: unknown, where: string): void {
    if (!Array.isArray(json) || json.length !== this.count) throw new InputError(`${where}: expected ${this.count} generator states, got ${Array.isArray(json) ? json.length : typeof json}`);
    json.forEach((st: unknown, c: number) => {
      if (!Array.isArray(st) || st.length !== STATE_WORDS || !st.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32)) throw new InputError(`${where}[${c}]: expected ${STATE_WORDS} 32-bit integers (xor4096 X[128], i, w)`);
    });
    json.forEach((st: number[], c: number) => this.states.set(st, c * STATE_WORDS));
  }
}
