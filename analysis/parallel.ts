/**
 * Run claims (and figures) on worker threads. Every claim's numbers depend only on
 * (seed, claim id, quick, α) — its stream is root.fork(id) — so results are byte-identical for
 * any number of workers; they are returned in the requested order.
 */
import { Worker } from "node:worker_threads";
import type { ClaimResult } from "./claims/types.js";
import type { RunOptions } from "./claims/runner.js";

export interface WorkerTask {
  kind: "claim";
  id: string;
}

export interface WorkerRequest {
  task: WorkerTask;
  index: number;
}

export type WorkerMessage = { type: "progress"; index: number; done: number; total: number } | { type: "result"; index: number; result: ClaimResult };

/**
 * Run claims by id on `workers` threads. `onProgress(index, done, total)` and `onResult` fire as
 * work completes (in completion order); the returned array is in input order.
 */
export function runClaimsOnWorkers(ids: string[], opts: Omit<RunOptions, "onProgress" | "onResult">, workers: number, onProgress?: (index: number, done: number, total: number) => void, onResult?: (index: number, r: ClaimResult) => void): Promise<ClaimResult[]> {
  const results: ClaimResult[] = new Array(ids.length);
  let next = 0;
  let finished = 0;
  const n = Math.max(1, Math.min(workers, ids.length));
  return new Promise((resolve, reject) => {
    if (ids.length === 0) return resolve(results);
    const pool: Worker[] = [];
    const feed = (w: Worker) => {
      if (next >= ids.length) {
        void w.terminate();
        return;
      }
      const index = next++;
      const req: WorkerRequest = { task: { kind: "claim", id: ids[index] }, index };
      w.postMessage(req);
    };
    for (let k = 0; k < n; k++) {
      const w = new Worker(new URL("./claim-worker.js", import.meta.url), { workerData: { seed: opts.seed, quick: opts.quick, alpha: opts.alpha } });
      pool.push(w);
      w.on("message", (m: WorkerMessage) => {
        if (m.type === "progress") onProgress?.(m.index, m.done, m.total);
        else {
          results[m.index] = m.result;
          onResult?.(m.index, m.result);
          finished++;
          if (finished === ids.length) {
            for (const x of pool) void x.terminate();
            resolve(results);
          } else feed(w);
        }
      });
      w.on("error", (e) => {
        for (const x of pool) void x.terminate();
        reject(e);
      });
      feed(w);
    }
  });
}
