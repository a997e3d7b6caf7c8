// Worker pools for the tests that compare bytes across worker counts: one pool per count, kept for
// the test file and closed after it. With more than one participant the calling thread takes no
// chunks, so the worker threads compute every pooled job (chunksRun()[0] stays 0).
import { afterAll } from "vitest";
import { WorkerPool } from "../../src/parallel/pool.js";

/** A function returning the file's pool of `workers` participants (created on first use, closed after the file). */
export function testPools(): (workers: number) => WorkerPool {
  const pools = new Map<number, WorkerPool>();
  afterAll(() => {
    for (const p of pools.values()) p.close();
  });
  return (workers) => {
    let p = pools.get(workers);
    if (!p) pools.set(workers, (p = new WorkerPool({ workers, callerRuns: workers === 1 })));
    return p;
  };
}
