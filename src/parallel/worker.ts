/**
 * Entry point of a pool worker thread (pool.ts). It attaches the WebAssembly kernels to the main
 * thread's shared memory, then serves commands from the control block until told to exit:
 *   LOAD: import a task's module and keep the exported task under its id (acknowledged per worker);
 *   RUN:  claim chunks of the current job (generation-checked, see pool.ts) and run them;
 *   EXIT: return.
 * Between commands it spins for `init.spinMs` (pool.ts `spinMillis`: back-to-back jobs, such as the
 * phases of one RBM update, arrive within microseconds; waking a sleeping thread takes 0.02–0.3 ms
 * on a virtual machine), then sleeps in Atomics.wait.
 */
import { workerData } from "node:worker_threads";
import { attachWasmCore } from "../linalg/wasm.js";
import { CHUNK_BITS, CMD, CTRL, runChunks, spinWhile, type WorkerInit } from "./pool.js";
import { isTask, type Task, type TaskContext } from "./task.js";


async function serve(init: WorkerInit): Promise<void> {
  const core = attachWasmCore(init.memory, { start: init.heap, bytes: init.heapBytes });
  core.setGemmScratch(init.scratch);
  const ctx: TaskContext = { k: core.k, core, worker: init.index, scratch: init.scratch, scratchBytes: init.scratchBytes };
  const ctrl = new Int32Array(init.ctrl);
  const args = new Float64Array(init.args);
  const strings = new Uint8Array(init.strings);
  const tasks: Task[] = [];
  const argObjects: Record<string, number>[] = [];
  const ack = CTRL.ACK + init.index;
  let lastSeq = 0;
  let seen = Atomics.load(ctrl, CTRL.GEN); // read before announcing readiness: no command can be missed
  Atomics.add(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);
  for (;;) {
    if (!spinWhile(ctrl, CTRL.GEN, seen, init.spinMs)) Atomics.wait(ctrl, CTRL.GEN, seen);
    const g = Atomics.load(ctrl, CTRL.GEN);
    if (g === seen) continue;
    seen = g;
    const cmd = Atomics.load(ctrl, CTRL.CMD);
    if (cmd === CMD.EXIT) return;
    if (cmd === CMD.LOAD) {
      const id = Atomics.load(ctrl, CTRL.LOADID);
      if (!tasks[id]) {
        const len = Atomics.load(ctrl, CTRL.STRLEN);
        const { url, name } = JSON.parse(new TextDecoder().decode(strings.slice(0, len))) as { url: string; name: string };
        try {
          const mod = (await import(url)) as Record<string, unknown>;
          const t = mod[name];
          if (!isTask(t)) throw new Error(`${url} exports no task named ${name}`);
          tasks[id] = t;
          argObjects[id] = {};
        } catch {
          Atomics.store(ctrl, ack, -1);
          Atomics.notify(ctrl, ack);
          continue;
        }
      }
      Atomics.store(ctrl, ack, Math.max(Atomics.load(ctrl, ack), id + 1));
      Atomics.notify(ctrl, ack);
      continue;
    }
    if (cmd === CMD.RUN) {
      // a consistent snapshot of the job (seqlock, see pool.ts), each job at most once
      const seq = Atomics.load(ctrl, CTRL.SEQ);
      if (seq === 0 || seq === lastSeq) continue;
      const gen = Atomics.load(ctrl, CTRL.JOB) >>> CHUNK_BITS;
      const id = Atomics.load(ctrl, CTRL.TASK);
      const n = Atomics.load(ctrl, CTRL.NCHUNK);
      const mode = Atomics.load(ctrl, CTRL.MODE);
      const task = tasks[id];
      if (!task) continue;
      const a = argObjects[id];
      task.fields.forEach((f, i) => (a[f] = args[i]));
      if (Atomics.load(ctrl, CTRL.SEQ) !== seq) continue;
      lastSeq = seq;
      runChunks(ctrl, strings, gen, mode, n, task, a, ctx);
    }
  }
}

void serve(workerData as WorkerInit);
