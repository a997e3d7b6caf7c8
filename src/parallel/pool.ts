/**
 * A pool of worker threads over shared memory (worker_threads + the SharedArrayBuffer of the
 * WebAssembly memory of src/linalg), for chunked work whose result does not depend on who
 * computes which chunk:
 *   - the caller fixes the chunks (their boundaries come from the problem size, never from the
 *     number of workers) and the task writes only what its chunk owns;
 *   - the caller reduces per-chunk partials in chunk order after `run` returns;
 * so every output is byte-identical for 1, 2 or 8 workers (test/unit/parallel-pool.test.ts).
 *
 * `run` is synchronous: the calling thread takes chunks itself and then blocks (Atomics.wait)
 * until the workers' chunks are done, so library code stays synchronous and deterministic.
 * Chunks are claimed from one atomic counter that also carries the job's generation, so a worker
 * that wakes late can never take a chunk of a later job with stale arguments.
 * A job may instead run `"static"`: the chunks split into contiguous blocks, one per participant
 * that runs chunks, each with its own claim counter (generation-checked like the job's); a
 * participant claims its own block first, in order, then the rest of the others' blocks. When the
 * cores keep pace, successive jobs whose chunks cover the same columns keep those columns on the
 * same core (the RBM step: a core reads and writes the same block of W in every phase, and its
 * cache keeps it); when one falls behind (a busy or preempted core), the others finish its block.
 * Who runs a chunk never changes a result, so the schedule changes only the speed.
 * A job is published like a seqlock: SEQ is 0 while the caller writes the task, arguments and
 * mode, then the job's sequence number; a worker copies them between two reads of SEQ, runs the
 * job only if both reads agree, and runs each sequence number at most once — so it never mixes
 * two jobs' fields.
 * `workers = 1` runs every chunk in-process, in order, with no thread at all. Workers run the
 * compiled JavaScript (dist/); from the TypeScript sources (vitest) the pool maps each module to
 * its compiled twin, so `npm run build` must have run (npm test does).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { wasmCore, type WasmArena } from "../linalg/wasm.js";
import type { Task, TaskContext } from "./task.js";

/** Layout of the control block (Int32Array over a SharedArrayBuffer). */
export const CTRL = { GEN: 0, CMD: 1, TASK: 2, NCHUNK: 3, JOB: 4, DONE: 5, ERR: 6, READY: 7, STRLEN: 8, LOADID: 9, MODE: 10, RUNNERS: 11, FIRST: 12, SEQ: 13, ACK: 16, COUNT: 16 + 64, CLAIM: 16 + 64 + 64 } as const;
/** How the chunks of a job are handed out (CTRL.MODE). */
export const MODE = { DYNAMIC: 0, STATIC: 1 } as const;
/** `"dynamic"`: participants claim chunks from one shared counter; `"static"`: participant i of R owns the block of chunks [⌊i·n/R⌋, ⌊(i+1)·n/R⌋), runs it first and then helps with the others' unclaimed chunks (the same columns stay on the same core from job to job unless a core falls behind). */
export type Schedule = "dynamic" | "static";
export const CMD = { RUN: 1, LOAD: 2, EXIT: 3 } as const;
/** JOB = generation << CHUNK_BITS | next chunk. */
export const CHUNK_BITS = 21;
export const MAX_CHUNKS = (1 << CHUNK_BITS) - 1;
export const GEN_MASK = 1023;
export const MAX_ARGS = 64;
export const MAX_WORKERS = 64;
const STRING_BYTES = 16384;
const START_TIMEOUT_MS = 60_000;

/** What a worker thread receives at start-up (workerData). */
export interface WorkerInit {
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  strings: SharedArrayBuffer;
  index: number;
  scratch: number;
  scratchBytes: number;
  /** this worker's heap region (its arenas allocate there; see linalg/wasm.ts) */
  heap: number;
  heapBytes: number;
  /** how long the worker spins for the next command before it sleeps, ms (`spinMillis`) */
  spinMs: number;
}

export interface PoolOptions {
  /** participants including the calling thread; default: the number of cores. 1 = in-process. */
  workers?: number;
  /** private scratch per participant in the shared memory, bytes (default 2 MiB). */
  scratchBytes?: number;
  /** heap per worker thread, bytes (default 16 MiB): where tasks on that thread allocate arenas (`wasmCore().arena()`). */
  heapBytes?: number;
  /** whether the calling thread takes chunks too (default true; false leaves them all to the worker threads, as tests do). */
  callerRuns?: boolean;
}

/** Cores of this machine: the default number of workers. */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith(".ts");
/** The repository root (from src/parallel/pool.ts or dist/src/parallel/pool.js). */
const root = path.resolve(path.dirname(here), fromSource ? "../.." : "../../..");

/** The URL a worker thread can import for a module URL: compiled dist/ twin of a .ts source. */
export function runnableUrl(moduleUrl: string): string {
  if (!moduleUrl.endsWith(".ts")) return moduleUrl;
  const rel = path.relative(root, fileURLToPath(moduleUrl));
  const js = path.join(root, "dist", rel.replace(/\.ts$/, ".js"));
  if (!fs.existsSync(js)) throw new Error(`parallel: ${path.relative(root, js)} is missing; run \`npm run build\` (worker threads run the compiled JavaScript)`);
  return pathToFileURL(js).href;
}

/**
 * The parent's Node options minus those that make it run inline code (-e/-p and their script,
 * --input-type): a worker inherits execArgv, and would otherwise run the parent's script.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-e" || a === "--eval" || a === "-p" || a === "--print") i++;
    else if (!/^(--eval=|--print=|--input-type)/.test(a)) out.push(a);
  }
  return out;
}

/**
 * Spin while ctrl[slot] === value, for at most `ms` milliseconds (the clock read every 256 loads);
 * true once the value has changed. Waking a thread from Atomics.wait costs 0.02–0.3 ms on a
 * virtual machine, so waits that are usually short spin first.
 */
export function spinWhile(ctrl: Int32Array, slot: number, value: number, ms: number): boolean {
  const end = performance.now() + ms;
  for (;;) {
    for (let s = 0; s < 256; s++) if (Atomics.load(ctrl, slot) !== value) return true;
    if (performance.now() > end) return false;
  }
}

/**
 * How long a waiting thread spins before it sleeps, ms: the calling thread for the workers' last
 * chunks, a worker for the next command. Long enough to cover the gaps between the jobs of one RBM
 * update; but when there are more participants than cores a spinning thread takes the core of one
 * that has work, so an oversubscribed pool barely spins.
 */
export function spinMillis(workers: number): number {
  return workers <= defaultWorkers() ? 2 : 0.02;
}

/** "task chunk c (worker w): message" — the same report from either path. */
function chunkFailure(name: string, chunk: number, worker: number, e: unknown): string {
  return `${name} chunk ${chunk} (worker ${worker}): ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Run the chunks of job `gen` that fall to this participant; shared by the calling thread and
 * the workers. Dynamic jobs: claim chunks until none is left. Static jobs: claim this
 * participant's block, then the others' unclaimed chunks. A failing chunk records its message (first one wins) and later chunks are skipped, but
 * still counted, so the job always completes.
 */
export function runChunks(ctrl: Int32Array, strings: Uint8Array, gen: number, mode: number, n: number, task: Task, args: Record<string, number>, ctx: TaskContext): void {
  if (mode === MODE.STATIC) {
    const runners = Atomics.load(ctrl, CTRL.RUNNERS);
    const i = ctx.worker - Atomics.load(ctrl, CTRL.FIRST);
    if (i < 0) return;
    for (let k = 0; k < runners; k++) {
      const p = (i + k) % runners; // own block first, then the next ones
      const end = Math.floor(((p + 1) * n) / runners);
      for (;;) {
        const w = Atomics.load(ctrl, CTRL.CLAIM + p);
        if (w >>> CHUNK_BITS !== gen) return;
        const c = w & MAX_CHUNKS;
        if (c >= end) break;
        if (Atomics.compareExchange(ctrl, CTRL.CLAIM + p, w, w + 1) !== w) continue;
        runChunk(ctrl, strings, n, task, args, c, ctx);
      }
    }
    return;
  }
  for (;;) {
    const w = Atomics.load(ctrl, CTRL.JOB);
    if (w >>> CHUNK_BITS !== gen) return;
    const c = w & MAX_CHUNKS;
    if (c >= n) return;
    if (Atomics.compareExchange(ctrl, CTRL.JOB, w, w + 1) !== w) continue;
    runChunk(ctrl, strings, n, task, args, c, ctx);
  }
}

/** Run chunk c (unless a chunk has failed), record a failure, count it done. */
function runChunk(ctrl: Int32Array, strings: Uint8Array, n: number, task: Task, args: Record<string, number>, c: number, ctx: TaskContext): void {
  if (Atomics.load(ctrl, CTRL.ERR) === 0) {
    try {
      task.run(args, c, ctx);
    } catch (e) {
      if (Atomics.compareExchange(ctrl, CTRL.ERR, 0, 1) === 0) {
        const msg = new TextEncoder().encode(chunkFailure(task.name, c, ctx.worker, e)).subarray(0, STRING_BYTES / 2);
        strings.set(msg, STRING_BYTES / 2);
        Atomics.store(ctrl, CTRL.STRLEN, msg.length);
      }
    }
  }
  Atomics.add(ctrl, CTRL.COUNT + ctx.worker, 1);
  if (Atomics.add(ctrl, CTRL.DONE, 1) + 1 === n) Atomics.notify(ctrl, CTRL.DONE);
}

export class WorkerPool {
  /** participants, the calling thread included */
  readonly workers: number;
  private readonly threads: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly strings: Uint8Array;
  private readonly ids = new Map<Task, number>();
  private readonly argObjects = new Map<Task, Record<string, number>>();
  private readonly arena: WasmArena;
  private readonly ctx: TaskContext;
  private readonly callerRuns: boolean;
  private readonly spinMs: number;
  private gen = 0;
  private seq = 0;
  private busy = false;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new RangeError(`workers: expected an integer in [1, ${MAX_WORKERS}], got ${workers}`);
    this.workers = workers;
    this.callerRuns = options.callerRuns ?? true;
    this.spinMs = spinMillis(workers);
    const scratchBytes = options.scratchBytes ?? 2 << 20;
    const core = wasmCore();
    this.arena = core.arena();
    const scratch = Array.from({ length: workers }, () => this.arena.f64(Math.ceil(scratchBytes / 8)).byteOffset);
    const heapBytes = Math.ceil((options.heapBytes ?? 16 << 20) / 64) * 64;
    const heaps = Array.from({ length: workers }, (_, w) => (w === 0 ? 0 : this.arena.f64(heapBytes / 8).byteOffset));
    this.ctx = { k: core.k, core, worker: 0, scratch: scratch[0], scratchBytes };
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (CTRL.CLAIM + MAX_WORKERS)));
    this.args = new Float64Array(new SharedArrayBuffer(8 * MAX_ARGS));
    this.strings = new Uint8Array(new SharedArrayBuffer(STRING_BYTES));
    // the participants that run chunks (for static blocks): all, or the worker threads only
    this.ctrl[CTRL.RUNNERS] = this.callerRuns ? workers : workers - 1;
    this.ctrl[CTRL.FIRST] = this.callerRuns ? 0 : 1;
    if (workers === 1) return;
    const entry = runnableUrl(new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url).href);
    for (let w = 1; w < workers; w++) {
      const init: WorkerInit = { memory: core.memory, ctrl: this.ctrl.buffer as SharedArrayBuffer, args: this.args.buffer as SharedArrayBuffer, strings: this.strings.buffer as SharedArrayBuffer, index: w, scratch: scratch[w], scratchBytes, heap: heaps[w], heapBytes, spinMs: this.spinMs };
      const t = new Worker(new URL(entry), { workerData: init, execArgv: workerExecArgv() });
      t.unref();
      this.threads.push(t);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let r = Atomics.load(this.ctrl, CTRL.READY); r < workers - 1; r = Atomics.load(this.ctrl, CTRL.READY)) {
      if (Date.now() > deadline) {
        this.close();
        throw new Error(`parallel: ${workers - 1 - r} of ${workers - 1} worker threads did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(this.ctrl, CTRL.READY, r, 100);
    }
  }

  /**
   * Run chunks 0 … chunks−1 of `task` with `args`, on this thread and the workers; returns when
   * all are done. Throws the first chunk's error, if any. Not re-entrant. `schedule` (see the
   * module comment) decides only who runs which chunk, never a result.
   */
  run<F extends string>(task: Task<F>, args: Readonly<Record<F, number>>, chunks: number, schedule: Schedule = "dynamic"): void {
    if (this.closed) throw new Error("parallel: the pool is closed");
    if (this.busy) throw new Error("parallel: run() is not re-entrant (a task may not use the pool)");
    if (!Number.isInteger(chunks) || chunks < 0 || chunks > MAX_CHUNKS) throw new RangeError(`chunks: expected an integer in [0, ${MAX_CHUNKS}], got ${chunks}`);
    if (task.fields.length > MAX_ARGS) throw new RangeError(`task ${task.name}: more than ${MAX_ARGS} arguments`);
    for (const f of task.fields) if (typeof args[f] !== "number") throw new TypeError(`task ${task.name}: argument ${f} is not a number`);
    if (chunks === 0) return;
    this.busy = true;
    try {
      if (this.workers === 1) {
        for (let c = 0; c < chunks; c++) {
          this.ctrl[CTRL.COUNT]++;
          try {
            task.run(args, c, this.ctx);
          } catch (e) {
            throw new Error(`parallel: ${chunkFailure(task.name, c, 0, e)}`, { cause: e });
          }
        }
        return;
      }
      const id = this.load(task as Task);
      const a = this.argObjects.get(task as Task)!;
      const ctrl = this.ctrl;
      const mode = schedule === "static" ? MODE.STATIC : MODE.DYNAMIC;
      // the job is published under a sequence number, written last: 0 while its fields are written
      Atomics.store(ctrl, CTRL.SEQ, 0);
      task.fields.forEach((f, i) => {
        this.args[i] = args[f];
        a[f] = args[f];
      });
      ctrl[CTRL.TASK] = id;
      ctrl[CTRL.NCHUNK] = chunks;
      ctrl[CTRL.DONE] = 0;
      ctrl[CTRL.ERR] = 0;
      ctrl[CTRL.MODE] = mode;
      ctrl[CTRL.CMD] = CMD.RUN;
      this.gen = (this.gen + 1) & GEN_MASK;
      Atomics.store(ctrl, CTRL.JOB, this.gen << CHUNK_BITS);
      if (mode === MODE.STATIC) {
        const runners = ctrl[CTRL.RUNNERS];
        for (let p = 0; p < runners; p++) Atomics.store(ctrl, CTRL.CLAIM + p, (this.gen << CHUNK_BITS) | Math.floor((p * chunks) / runners));
      }
      this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
      Atomics.store(ctrl, CTRL.SEQ, this.seq);
      Atomics.add(ctrl, CTRL.GEN, 1);
      Atomics.notify(ctrl, CTRL.GEN);
      if (this.callerRuns) runChunks(ctrl, this.strings, this.gen, mode, chunks, task as Task, a, this.ctx);
      for (let d = Atomics.load(ctrl, CTRL.DONE); d < chunks; d = Atomics.load(ctrl, CTRL.DONE)) if (!spinWhile(ctrl, CTRL.DONE, d, this.spinMs)) Atomics.wait(ctrl, CTRL.DONE, d);
      if (Atomics.load(ctrl, CTRL.ERR) !== 0) {
        const len = Atomics.load(ctrl, CTRL.STRLEN);
        throw new Error(`parallel: ${new TextDecoder().decode(this.strings.slice(STRING_BYTES / 2, STRING_BYTES / 2 + len))}`);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Chunks each participant has run since the pool started (index 0: the calling thread). */
  chunksRun(): number[] {
    return Array.from({ length: this.workers }, (_, w) => Atomics.load(this.ctrl, CTRL.COUNT + w));
  }

  /** Make every worker import the task's module (once per task); returns the task's id. */
  private load(task: Task): number {
    const known = this.ids.get(task);
    if (known !== undefined) return known;
    const id = this.ids.size;
    const url = runnableUrl(task.module);
    const bytes = new TextEncoder().encode(JSON.stringify({ url, name: task.name }));
    if (bytes.length > STRING_BYTES / 2) throw new Error(`parallel: module URL too long: ${url}`);
    this.strings.set(bytes, 0);
    const ctrl = this.ctrl;
    ctrl[CTRL.STRLEN] = bytes.length;
    ctrl[CTRL.LOADID] = id;
    ctrl[CTRL.ERR] = 0;
    ctrl[CTRL.CMD] = CMD.LOAD;
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let w = 1; w < this.workers; w++) {
      for (let a = Atomics.load(ctrl, CTRL.ACK + w); a < id + 1; a = Atomics.load(ctrl, CTRL.ACK + w)) {
        if (a < 0) throw new Error(`parallel: worker ${w} could not load task ${task.name} from ${url} (is it exported under that name?)`);
        if (Date.now() > deadline) throw new Error(`parallel: worker ${w} did not load ${url} within ${START_TIMEOUT_MS / 1000} s`);
        Atomics.wait(ctrl, CTRL.ACK + w, a, 100);
      }
    }
    this.ids.set(task, id);
    this.argObjects.set(task, {});
    return id;
  }

  /** Stop the worker threads and free the scratch (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.threads.length > 0) {
      this.ctrl[CTRL.CMD] = CMD.EXIT;
      Atomics.add(this.ctrl, CTRL.GEN, 1);
      Atomics.notify(this.ctrl, CTRL.GEN);
      for (const t of this.threads) void t.terminate();
    }
    this.arena.release();
  }
}
