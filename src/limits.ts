/**
 * The limits on what one request may ask for, in one place. A request whose time or memory
 * cannot be met is refused up front with one clear error that states the limit, instead of
 * running until it is killed or dying in an allocation failure.
 *
 * The limits are derived from a time budget and a memory budget, not picked per flag:
 * - time: one day of one core. Work is counted in the unit of each loop (see the rates) and
 *   converted to seconds at the rate measured on the development machine (Xeon, 2 loaded cores);
 * - memory: 4 GiB for the arrays a request allocates (a laptop can give that; the
 *   development machine has 24 GiB, shared);
 * - input files: 256 MiB of text (V8 cannot hold a string much beyond 512 MiB).
 */
import { InputError } from "./errors.js";

export const LIMITS = Object.freeze({
  /** time budget of one request, seconds (one day) */
  seconds: 86_400,
  /** memory budget of one request's arrays, bytes (4 GiB) */
  bytes: 4 * 2 ** 30,
  /** largest input file (problem, model, figure record) read, bytes */
  inputFileBytes: 256 * 2 ** 20,
  /**
   * sampling loops: (loss evaluation × (units + parameters)) per second. Measured: `stochgrad
   * estimate` on a 3-unit, 11-parameter net does 1e6 correlation draws in 0.45 s and 2e7 SPSA
   * loss evaluations in 9 s, both ≈ 3e7 of these units per second.
   */
  sampleWorkPerSecond: 3e7,
  /** dense kernels (RBM training and likelihood): multiply-adds per second, a conservative GEMM rate */
  multiplyAddsPerSecond: 1e9,
});

/**
 * Hard ceiling on the binary units `exact --max-units M` may enumerate (beyond the default
 * MAX_ENUMERABLE_UNITS = 24 of src/exact/enumerate.ts). Why 40: 2^40 ≈ 1.1e12 configurations is
 * about 3e5 core-seconds (3.5 core-days) at ~4e6 configurations per second, the rate measured for
 * `exact` with a few estimators on a 26-unit net (README, "Sweeps on a cluster") — a job array
 * of a few hundred shards finishes it in minutes each, while 2^41 and up double that per unit and
 * soon exceed any sensible allocation. The Gray-code index stays exact far beyond (doubles hold
 * integers to 2^53), and the enumeration is cut into at most 2^MAX_BLOCK_COUNT_BITS blocks, so the
 * part files stay small. One shard is still held to the one-day budget (`LIMITS.seconds`).
 */
export const MAX_SHARDED_ENUMERATION_UNITS = 40;

/** Largest number of float64 entries one request may allocate. */
export const MAX_FLOAT64_ENTRIES = LIMITS.bytes / 8;

const fmt = (x: number) => (x >= 1e6 || x < 1e-2 ? x.toExponential(1) : String(Number(x.toPrecision(3))));

function duration(s: number): string {
  if (s < 120) return `${fmt(s)} s`;
  if (s < 2 * 3600) return `${fmt(s / 60)} minutes`;
  if (s < 2 * 86_400) return `${fmt(s / 3600)} hours`;
  if (s < 730 * 86_400) return `${fmt(s / 86_400)} days`;
  return `${fmt(s / (365 * 86_400))} years`;
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? `${fmt(bytes / 2 ** 30)} GiB` : `${fmt(bytes / 2 ** 20)} MiB`;
}

/**
 * Refuse a request whose estimated run time exceeds the budget. `seconds` is the estimate;
 * `where` names what set it (`--samples 1e+20`, `samples`) and `how` says how it was counted.
 */
export function requireTime(seconds: number, where: string, how: string): void {
  if (seconds <= LIMITS.seconds) return;
  throw new InputError(`${where}: ${how} would take about ${Number.isFinite(seconds) ? duration(seconds) : "forever"}; the limit is ${duration(LIMITS.seconds)} per run (see LIMITS in src/limits.ts)`);
}

/** Refuse a request whose arrays would need more than the memory budget: `entries` float64 values. */
export function requireMemory(entries: number, where: string, what: string): void {
  if (entries <= MAX_FLOAT64_ENTRIES) return;
  throw new InputError(`${where}: ${what} would need about ${Number.isFinite(entries) ? size(entries * 8) : "unbounded memory"}; the limit is ${size(LIMITS.bytes)} (see LIMITS in src/limits.ts)`);
}

/** A count for a message: exact below 10⁶, else in exponent form (1e+20, not 100000000000000000000). */
export function formatCount(x: number): string {
  return x >= 1e6 ? x.toExponential() : String(x);
}

/** Time of `work` units of a sampling loop (loss evaluations × (units + parameters)), seconds. */
export function samplingSeconds(work: number): number {
  return work / LIMITS.sampleWorkPerSecond;
}

/** Time of `n` multiply-adds of a dense kernel, seconds. */
export function denseSeconds(n: number): number {
  return n / LIMITS.multiplyAddsPerSecond;
}
