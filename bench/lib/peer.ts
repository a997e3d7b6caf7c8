/**
 * Running the Python benchmark peers fairly (bench/*.py; Python is never a dependency).
 *
 * - The interpreter is `$PYTHON` or `python3` from PATH: pip's numpy and scikit-learn, not apt's
 *   (apt's OpenBLAS 0.3.21 misdetects this CPU and runs the generic Prescott kernel).
 * - OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the peer's environment alone
 *   (`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`), so OpenBLAS runs the kernel it detects;
 *   the peer prints that kernel through threadpoolctl and `printBlas` shows it.
 * - A peer reports JSON lines (bench/peer_common.py). A missing interpreter or module skips the
 *   peer with one line saying why; it never fails the benchmark.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One BLAS library as threadpoolctl reports it. */
export interface BlasInfo {
  internal_api: string;
  version: string;
  architecture: string;
  num_threads: number;
  filepath: string;
}

export interface PeerRun {
  /** the {"blas": …} line */
  blas: BlasInfo[];
  /** every other JSON line */
  records: Record<string, unknown>[];
}

/** Directory of the Python peers (bench/ in the source tree; this file runs from dist/bench/lib). */
export function peerDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../../bench" : "..");
}

/** The peer's environment: ours minus the two variables that pin OpenBLAS's kernel. */
export function peerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Run `bench/<script>` with args; null (after printing why) when python3, numpy or the script's
 * imports are missing or the peer fails. `timeoutMs` bounds a runaway peer.
 */
export function runPeer(script: string, args: string[], timeoutMs = 600_000): PeerRun | null {
  const py = process.env.PYTHON ?? "python3";
  const r = spawnSync(py, [path.join(peerDir(), script), ...args], { encoding: "utf8", env: peerEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    const why = r.error ? String(r.error.message) : (r.stderr || "").trim().split("\n").pop();
    console.log(`peer ${script}: not run (${why}) — no ratio printed`);
    return null;
  }
  const out: PeerRun = { blas: [], records: [] };
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const rec = JSON.parse(line) as Record<string, unknown>;
    if ("blas" in rec) out.blas = rec.blas as BlasInfo[];
    else out.records.push(rec);
  }
  return out;
}

/** "OpenBLAS 0.3.31 SkylakeX (numpy.libs/…)" for each BLAS the peer loaded. */
export function blasLine(blas: BlasInfo[]): string {
  if (blas.length === 0) return "no BLAS reported";
  return blas.map((b) => `${b.internal_api} ${b.version} kernel ${b.architecture} (${path.basename(path.dirname(b.filepath))}/${path.basename(b.filepath)})`).join("; ");
}

/** Print the peer's BLAS kernels once. */
export function printBlas(name: string, run: PeerRun): void {
  console.log(`${name} BLAS: ${blasLine(run.blas)}`);
}

/** The records of a run that match every given field. */
export function pick(run: PeerRun | null, where: Record<string, unknown>): Record<string, unknown>[] {
  if (!run) return [];
  return run.records.filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}
