/**
 * Benchmark: seconds per MNIST epoch (60 000 thresholded digits) of RBM training, 784×500,
 * batch 100, CD-1 and PCD-1 (100 persistent chains), float64 — the settings of scikit-learn's
 * BernoulliRBM (PCD-1 only), run side by side through bench/rbm_sklearn.py (pip's scikit-learn,
 * its BLAS kernel printed, 1 and 2 BLAS threads; bench/lib/peer.ts). Also prints the GEMM
 * throughput on the three RBM shapes. Usage: node dist/bench/rbm-mnist.js [rows] [hidden]
 * (rows < 60000 times a partial epoch and scales it to 60 000 rows).
 */
import { Rbm } from "../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, type RbmMethod } from "../src/boltzmann/trainer.js";
import { binarize, loadMnist, mnistDataDir } from "../src/data/mnist.js";
import { gemm } from "../src/linalg/gemm.js";
import { Stream } from "../src/random/stream.js";
import { pick, printBlas, runPeer, type PeerRun } from "./lib/peer.js";

function gemmRate(M: number, N: number, K: number, tA: boolean, tB: boolean): number {
  const A = new Float64Array(M * K).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const B = new Float64Array(K * N).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const C = new Float64Array(M * N);
  for (let w = 0; w < 3; w++) gemm(tA, tB, M, N, K, 1, A, tA ? M : K, B, tB ? K : N, 0, C, N);
  const c0 = process.cpuUsage();
  const R = 20;
  for (let r = 0; r < R; r++) gemm(tA, tB, M, N, K, 1, A, tA ? M : K, B, tB ? K : N, 0, C, N);
  const c = process.cpuUsage(c0);
  return (2 * M * N * K * R) / ((c.user + c.system) / 1e6) / 1e9;
}

function epochSeconds(method: RbmMethod, data: Float64Array, rows: number, hidden: number): { wall: number; cpu: number } {
  const rbm = Rbm.random(784, hidden, Stream.fromSeed("bench/init"), 0.01);
  const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method, k: 1, chains: 100, batchSize: 100, learningRate: 0.05 }, Stream.fromSeed(`bench/${method}`));
  t.epoch(data, Math.min(rows, 1000)); // warm-up (JIT)
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  t.epoch(data, rows);
  const c = process.cpuUsage(c0);
  const scale = 60000 / rows;
  return { wall: ((performance.now() - w0) / 1000) * scale, cpu: ((c.user + c.system) / 1e6) * scale };
}

/** scikit-learn's BernoulliRBM (PCD-1, float64) with 1 and 2 BLAS threads (bench/rbm_sklearn.py via bench/lib/peer.ts). */
function sklearnPeer(rows: number, hidden: number): PeerRun | null {
  return runPeer("rbm_sklearn.py", [mnistDataDir(), String(hidden), String(rows), "1,2", "float64"]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 60000);
  const hidden = Number(process.argv[3] ?? 500);
  console.log(`GEMM (packed, 4×4 register block), 1 core: V·W 100×${hidden}×784 ${gemmRate(100, hidden, 784, false, false).toFixed(2)} GFLOP/s, H·Wᵀ 100×784×${hidden} ${gemmRate(100, 784, hidden, false, true).toFixed(2)} GFLOP/s, Vᵀ·H 784×${hidden}×100 ${gemmRate(784, hidden, 100, true, false).toFixed(2)} GFLOP/s`);
  const data = binarize(loadMnist("train").images, "threshold", undefined, rows);
  const res: Record<string, { wall: number; cpu: number }> = {};
  for (const m of ["cd", "pcd"] as RbmMethod[]) {
    res[m] = epochSeconds(m, data, rows, hidden);
    console.log(`stochgrad ${m.toUpperCase()}-1, 784×${hidden}, batch 100, float64: ${res[m].wall.toFixed(2)} s/epoch wall, ${res[m].cpu.toFixed(2)} s CPU${rows < 60000 ? ` (measured on ${rows} rows, scaled to 60 000)` : ""}`);
  }
  const peer = sklearnPeer(rows, hidden);
  if (peer) {
    printBlas("scikit-learn peer", peer);
    for (const p of pick(peer, { dtype: "float64" })) {
      const wall = (Number(p.wall) * 60000) / rows;
      console.log(`scikit-learn ${String(p.sklearn)} BernoulliRBM (PCD-1, float64, ${String(p.threads)} BLAS thread(s)): ${wall.toFixed(2)} s/epoch wall — ratio stochgrad PCD-1 / sklearn = ${(res.pcd.wall / wall).toFixed(2)}× wall`);
    }
  }
}
