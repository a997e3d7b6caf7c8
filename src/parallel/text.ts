/**
 * Text through the shared memory, for tasks whose input is more than numbers (a problem's JSON,
 * an estimator's recipe, a stream's seed): the caller writes UTF-8 bytes into an arena block and
 * passes (address, length) as task arguments; a chunk reads them back with `readText`.
 */
import type { WasmArena, WasmCore } from "../linalg/wasm.js";

/** `text` as UTF-8 bytes in `arena`: its byte address and length (task arguments). */
export function putText(arena: WasmArena, text: string): { ptr: number; len: number } {
  const bytes = new TextEncoder().encode(text);
  const block = arena.i32(Math.max(1, Math.ceil(bytes.length / 4)));
  new Uint8Array(block.buffer, block.byteOffset, bytes.length).set(bytes);
  return { ptr: block.byteOffset, len: bytes.length };
}

/** The text at (ptr, len) in this thread's view of the memory (copied out: a decoder takes no shared view). */
export function readText(core: WasmCore, ptr: number, len: number): string {
  return new TextDecoder().decode(new Uint8Array(core.buffer, ptr, len).slice());
}
