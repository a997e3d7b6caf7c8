/**
 * Benchmark: one epoch of RBM training over the 60 000 thresholded MNIST digits, 784×500, batch
 * 100, η = 0.05 (scikit-learn's BernoulliRBM settings), CD-1 and PCD-1 (100 persistent chains),
 * float64 and float32, on the library's trainer (src/boltzmann/trainer.ts: the kernels of
 * src/linalg on the worker pool) with 1 and 2 workers, against — in the same run — pip
 * scikit-learn's BernoulliRBM (PCD-1 with one chain per batch row; float64 and float32 input) and
 * the numpy CD-1/PCD-1 peer written with one BLAS GEMM per product, each with 1 and 2 BLAS threads
 * and its BLAS kernel printed (bench/lib/peer.ts unsets OPENBLAS_CORETYPE/L2_SIZE for the peers).
 *
 * Wall clock, best of --reps epochs (default 3) for every configuration (ours and the peers'), each
 * from the same seed after a warm-up on 1 000 rows, the 1- and 2-worker epochs of a configuration
 * taking turns (so a slow spell of a shared machine hits both); the load average is printed beside
 * every block. On the 2-vCPU guest a slow spell lasts seconds to a minute and slows both threads
 * of a 2-worker epoch alike (each thread's busy time in the products traced at 1.44× a quiet
 * epoch's), so two tries per row could both fall in one spell. With --phases, the wall time of
 * each pool job of an update (the phases: σ(V·W + c),
 * h·Wᵀ + b, the draws, the two jobs of the parameter step) in the best epoch, per update. The
 * data's index lists are built once (as `rbm train` does) and timed apart. The parameter bytes
 * after an epoch must be identical for 1 and 2 workers.
 * Then AIS (100 runs) on the first trained model with 1 and 2 workers.
 * Usage: node dist/bench/rbm-mnist.js [rows=60000] [--reps 3] [--methods pcd,cd] [--dtypes float64,float32] [--ais-steps 1000] [--no-peers] [--no-ais] [--phases]
 * (rows < 60000 times a partial epoch and scales it to 60 000 rows)
 */
import os from "node:os";
import { aisLogPartition, baseRateBiases, salakhutdinovMurrayBetas } from "../src/boltzmann/ais.js";
import { BinaryRows } from "../src/boltzmann/binary-rows.js";
import type { Dtype } from "../src/boltzmann/gibbs.js";
import { Rbm } from "../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, type RbmMethod } from "../src/boltzmann/trainer.js";
import { binarize, loadMnist, mnistDataDir } from "../src/data/mnist.js";
import { WorkerPool } from "../src/parallel/pool.js";
import { Stream } from "../src/random/stream.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const rows = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith("--")) ?? 60000);
const reps = Number(flag("--reps", "3"));
const methods = flag("--methods", "pcd,cd").split(",") as RbmMethod[];
const dtypes = flag("--dtypes", "float64,float32").split(",") as Dtype[];
const NH = 500;
const scale = 60000 / rows;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

/** FNV-1a of the parameters' bytes. */
function digest(rbm: Rbm): string {
  let h = 0x811c9dc5;
  for (const a of [rbm.W, rbm.b, rbm.c]) {
    const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** A trainer with the benchmark's settings on a fresh model from the fixed seeds. */
function trainer(method: RbmMethod, dtype: Dtype, pool: WorkerPool): RbmTrainer {
  const rbm = Rbm.random(784, NH, Stream.fromSeed("bench/rbm-mnist/init"), 0.01);
  return new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method, k: 1, chains: 100, batchSize: 100, learningRate: 0.05, dtype }, Stream.fromSeed("bench/rbm-mnist/train"), pool);
}

/** Wall ms per pool job kind of the epoch being timed (--phases); rowSumsTask split by its product. */
const phases = new Map<string, number>();
const showPhases = argv.includes("--phases");

/** A pool whose jobs add their wall time to `phases` (with --phases). */
function timedPool(workers: number): WorkerPool {
  const pool = new WorkerPool({ workers });
  if (!showPhases) return pool;
  const run = pool.run.bind(pool);
  pool.run = ((task, args, chunks, schedule) => {
    const t0 = performance.now();
    run(task, args, chunks, schedule);
    const a = args as Record<string, number>;
    const key = task.name === "rowSumsTask" ? (a.sigmoid ? "σ(V·W+c)" : "h·Wᵀ+b") : task.name;
    phases.set(key, (phases.get(key) ?? 0) + performance.now() - t0);
  }) as WorkerPool["run"];
  return pool;
}

interface Timing {
  wall: number;
  digest: string;
  rbm: Rbm | null;
  phases: string;
}

/** One timed epoch (after a warm-up on 1 000 rows) into `best` if it is the fastest so far: wall seconds scaled to 60 000 rows, the parameter digest, the per-update phases. */
function timeEpoch(method: RbmMethod, dtype: Dtype, pool: WorkerPool, data: BinaryRows, best: Timing): void {
  const warm = trainer(method, dtype, pool);
  warm.epoch(data, Math.min(rows, 1000)); // JIT and worker warm-up
  warm.release();
  const t = trainer(method, dtype, pool);
  phases.clear();
  const t0 = performance.now();
  t.epoch(data);
  const wall = ((performance.now() - t0) / 1000) * scale;
  best.digest = digest(t.rbm);
  if (wall < best.wall) {
    const updates = Math.ceil(rows / 100);
    best.wall = wall;
    best.rbm = t.rbm;
    best.phases = [...phases].map(([k, ms]) => `${k} ${((ms / updates) * 1000).toFixed(0)} µs`).join(", ");
  }
  t.release();
}

console.log(`rbm-mnist: ${rows} rows${rows < 60000 ? " (times scaled to 60 000)" : ""}, 784×${NH}, batch 100, η = 0.05, best of ${reps}; ${os.cpus().length} cores; load ${load()} (1/5/15 min)`);
const pixels = binarize(loadMnist("train").images, "threshold", undefined, rows);
const t0 = performance.now();
const data = BinaryRows.fromMatrix(pixels, rows, 784, "train");
console.log(`index lists of the ${rows} thresholded digits (once per run): ${((performance.now() - t0) / 1000).toFixed(3)} s`);
const ours = new Map<string, number>();
const pools = new Map([1, 2].map((w) => [w, timedPool(w)]));
let model: Rbm | null = null;
for (const dtype of dtypes) {
  for (const method of methods) {
    const best = new Map([...pools.keys()].map((w) => [w, { wall: Infinity, digest: "", rbm: null, phases: "" } as Timing]));
    for (let r = 0; r < reps; r++) for (const [workers, pool] of pools) timeEpoch(method, dtype, pool, data, best.get(workers)!);
    for (const [workers, r] of best) {
      ours.set(`${method}/${dtype}/${workers}`, r.wall);
      model ??= r.rbm;
      console.log(`stochgrad ${method.toUpperCase()}-1 ${dtype} ${workers} worker(s): ${r.wall.toFixed(2)} s/epoch wall (load ${load()}), params ${r.digest}`);
      if (showPhases) console.log(`  per update (best epoch): ${r.phases}`);
    }
    const one = ours.get(`${method}/${dtype}/1`)!;
    const two = ours.get(`${method}/${dtype}/2`)!;
    console.log(`  scaling 1 → 2 workers: ${(one / two).toFixed(2)}× (target ≥ 1.8×); parameter bytes identical for 1 and 2 workers: ${best.get(1)!.digest === best.get(2)!.digest ? "yes" : "NO"}`);
  }
}
// AIS (Salakhutdinov & Murray 2008) on the first model trained above, 100 runs: the chunks of runs on the pool
if (model && !argv.includes("--no-ais")) {
  const steps = Number(flag("--ais-steps", "1000"));
  const base = baseRateBiases(pixels, rows, 784);
  const logZ: number[] = [];
  const secs: number[] = [];
  for (const [workers, pool] of pools) {
    const t1 = performance.now();
    logZ.push(aisLogPartition(model, Stream.fromSeed("bench/rbm-mnist/ais"), { runs: 100, betas: salakhutdinovMurrayBetas(steps), baseBias: base, pool }).logZ);
    secs.push((performance.now() - t1) / 1000);
    console.log(`AIS 784×${NH}, 100 runs × ${steps} steps, ${workers} worker(s): ${secs[secs.length - 1].toFixed(2)} s (${((secs[secs.length - 1] * 14500) / steps).toFixed(1)} s at the paper's 14 500 steps; load ${load()})`);
  }
  console.log(`  scaling 1 → 2 workers: ${(secs[0] / secs[1]).toFixed(2)}×; log Ẑ identical for 1 and 2 workers: ${logZ[0] === logZ[1] ? "yes" : "NO"}`);
}
for (const p of pools.values()) p.close();
data.release();

if (!argv.includes("--no-peers")) {
  const dir = mnistDataDir();
  console.log(`peers start, load ${load()}`);
  const sk = runPeer("rbm_sklearn.py", [dir, String(NH), String(rows), "1,2", dtypes.join(","), String(reps)]);
  if (sk) printBlas("scikit-learn peer", sk);
  const np = runPeer("rbm_numpy.py", [dir, String(NH), String(rows), "1,2", dtypes.join(","), methods.join(","), String(reps)]);
  if (np) printBlas("numpy peer", np);
  console.log(`peers done, load ${load()}`);
  for (const dtype of dtypes) {
    for (const threads of [1, 2]) {
      for (const r of pick(sk, { dtype, threads })) {
        const peer = Number(r.wall) * scale;
        for (const method of methods) {
          const mine = ours.get(`${method}/${dtype}/${threads}`);
          if (mine !== undefined) console.log(`${method.toUpperCase()}-1 ${dtype}, ${threads} worker(s) vs scikit-learn ${String(r.sklearn)} BernoulliRBM (PCD-1) with ${threads} BLAS thread(s): ${mine.toFixed(2)} s vs ${peer.toFixed(2)} s → ${(mine / peer).toFixed(2)}× the peer's time${threads === 2 && dtype === "float64" ? " (target ≤ 1.0×)" : ""}`);
        }
      }
      for (const method of methods) {
        for (const r of pick(np, { dtype, threads, method })) {
          const peer = Number(r.wall) * scale;
          const mine = ours.get(`${method}/${dtype}/${threads}`);
          if (mine !== undefined) console.log(`${method.toUpperCase()}-1 ${dtype}, ${threads} worker(s) vs the numpy ${method.toUpperCase()}-1 peer with ${threads} BLAS thread(s): ${mine.toFixed(2)} s vs ${peer.toFixed(2)} s → ${(mine / peer).toFixed(2)}× the peer's time`);
        }
      }
    }
  }
}
