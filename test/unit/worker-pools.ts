// Worker pools shared by the tests of one file: the worker threads take every chunk (the calling
// thread only waits) whenever there is more than one worker, so rebuilt instances and jobs do all
// the work. Call `closeTestPools` in afterAll.
import { WorkerPool } from "../../src/parallel/pool.js";

const pools = new Map<number, WorkerPool>();

/** The file's pool of `workers` participants (made on first use). */
export function testPool(workers: number): WorkerPool {
  let p = pools.get(workers);
  if (!p) pools.set(workers, (p = new WorkerPool({ workers, callerRuns: workers === 1 })));
  return p;
}

/** Close every pool made by testPool. */
export function closeTestPools(): void {
  for (const p of pools.values()) p.close();
  pools.clear();
}
