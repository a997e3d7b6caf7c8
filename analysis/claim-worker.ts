/** Worker thread entry: runs claims by id for analysis/parallel.ts. */
import { parentPort, workerData } from "node:worker_threads";
import { claims } from "./claims/index.js";
import { runClaim } from "./claims/runner.js";
import type { WorkerMessage, WorkerRequest } from "./parallel.js";

const { seed, quick, alpha } = workerData as { seed: string; quick: boolean; alpha: number };

parentPort!.on("message", async (req: WorkerRequest) => {
  const claim = claims.find((c) => c.id === req.task.id);
  if (!claim) throw new Error(`worker: unknown claim ${req.task.id}`);
  const result = await runClaim(claim, {
    seed,
    quick,
    alpha,
    onProgress: (_id, done, total) => parentPort!.postMessage({ type: "progress", index: req.index, done, total } satisfies WorkerMessage),
  });
  parentPort!.postMessage({ type: "result", index: req.index, result } satisfies WorkerMessage);
});
