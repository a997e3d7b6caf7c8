/**
 * The kernels every caller uses — the WebAssembly path (see contract.ts for the signatures, the
 * layouts and how determinism across paths is kept) — and the index constructor they read.
 */
import type { BinaryIndex, Kernels } from "./contract.js";
import type { WasmArena } from "./wasm.js";
import { wasmKernels } from "./wasm-kernels.js";

export * from "./contract.js";

/** The kernels every caller uses: the WebAssembly path (determinism across paths: contract.ts). */
export const kernels: Kernels = wasmKernels;

/**
 * An empty index with room for `lists` lists of up to `capacity` entries each (start[r] =
 * r·capacity; one spare entry at the end for the branch-free builders). With an arena, the
 * arrays live in the shared WebAssembly memory (no copies when kernels or workers read them).
 */
export function binaryIndex(lists: number, capacity: number, arena?: WasmArena): BinaryIndex {
  const i32 = (n: number) => (arena ? arena.i32(n) : new Int32Array(n));
  const start = i32(lists);
  for (let r = 0; r < lists; r++) start[r] = r * capacity;
  return { idx: i32(lists * capacity + 1), start, count: i32(lists) };
}
