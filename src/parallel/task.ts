/**
 * Chunk tasks: the unit of work of the worker pool (pool.ts). A task is a typed, exported
 * constant; it says which module defines it, so a worker thread can import that module and find
 * it by its export name. That pair (module, export) is the registry: no string switch anywhere.
 *
 *   export const myTask = defineTask(import.meta.url, "myTask", ["ptrA", "n"], (a, chunk, ctx) => { … });
 *   pool.run(myTask, { ptrA, n }, chunks);
 *
 * Arguments are numbers only (byte addresses into the shared WebAssembly memory, sizes,
 * scalars); arrays travel as addresses. `run(args, c, ctx)` computes chunk c and must write only
 * what chunk c owns (its own output columns or its own partial-result slot). Chunk boundaries
 * are the caller's, fixed by the problem size and never by the number of workers, and the caller
 * reduces per-chunk partials in chunk order, so results are byte-identical for any worker count.
 */
import type { KernelExports, WasmCore } from "../linalg/wasm.js";

/** What a chunk sees: the kernels over the shared memory, and this participant's scratch. */
export interface TaskContext {
  /** the WebAssembly kernels of this thread (src/linalg/assembly) */
  readonly k: KernelExports;
  /** this thread's core (views: `new Float64Array(ctx.core.buffer, ptr, n)`) */
  readonly core: WasmCore;
  /** participant index: 0 is the calling thread, 1… the worker threads */
  readonly worker: number;
  /** byte address and size of this participant's private scratch in the shared memory */
  readonly scratch: number;
  readonly scratchBytes: number;
}

export interface Task<F extends string = string> {
  /** URL of the module that exports this task (its `import.meta.url`) */
  readonly module: string;
  /** the export name under which that module exports it */
  readonly name: string;
  /** argument names, in the order they travel */
  readonly fields: readonly F[];
  /** compute chunk `chunk` */
  run(args: Readonly<Record<F, number>>, chunk: number, ctx: TaskContext): void;
}

/** Define a chunk task (see the module comment). `module` is the defining module's import.meta.url. */
export function defineTask<const F extends string>(module: string, name: string, fields: readonly F[], run: (args: Readonly<Record<F, number>>, chunk: number, ctx: TaskContext) => void): Task<F> {
  if (new Set(fields).size !== fields.length) throw new Error(`task ${name}: duplicate argument names`);
  return { module, name, fields, run };
}

/** Whether a module export is a task (the worker checks what it imported). */
export function isTask(x: unknown): x is Task {
  return typeof x === "object" && x !== null && typeof (x as Task).run === "function" && Array.isArray((x as Task).fields) && typeof (x as Task).module === "string";
}
