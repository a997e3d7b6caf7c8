/**
 * The reproduction contract: one published experiment, re-run end to end. A reproduction declares
 * its options as data (the CLI turns them into flags of `stochgrad reproduce <id>`), and `run`
 * returns one JSON record — settings, seeds, per-method results and curves, all deterministic
 * given the seed — plus the charts rendered from that record. Timings are not in the record (so
 * the same seed gives byte-identical JSON); they come back separately. Long runs checkpoint
 * through the context's checkpoint store and resume from it.
 */
import type { ChartSpec } from "../charts.js";
import type { CheckpointStore } from "./checkpoint.js";

/** One option of a reproduction (a flag `--name` of its command). */
export interface ReproductionOption {
  type: "int" | "number" | "string" | "boolean";
  description: string;
  metavar?: string;
}

/** What the caller asks for; reproduction-specific options are validated by the reproduction (FieldErrors named after the option). */
export interface ReproductionInput {
  /** a fast smoke run (well under a minute) with the same code paths */
  quick: boolean;
  /** root seed */
  seed: string;
  /** number of seeds per method (default: the reproduction's) */
  seeds?: number;
  /** methods to run (default: all) */
  estimators?: string[];
  /** the reproduction's own options, by name */
  options: Record<string, string | number | boolean | undefined>;
}

export interface ReproductionContext {
  /** progress of the whole run */
  progress?(done: number, total: number, label: string): void;
  /** a line for stderr (never part of the record) */
  log?(line: string): void;
  /** where partial work is saved and found again */
  checkpoint: CheckpointStore;
}

export interface ReproductionOutput {
  /** the JSON record (deterministic given the input) */
  record: Record<string, unknown>;
  /** charts rendered from the record */
  charts: { name: string; spec: ChartSpec }[];
  /** a Markdown summary table (it may include wall times) */
  table: string;
  /** wall-clock seconds per unit of work, not part of the record */
  timings: Record<string, number>;
}

export interface Reproduction {
  /** the name after `stochgrad reproduce` */
  id: string;
  title: string;
  /** the paper and section reproduced */
  source: string;
  /** one line for --help */
  summary: string;
  /** the default number of seeds per method */
  defaultSeeds: number;
  /** its options beyond --quick, --estimators, --seeds, --seed and --out */
  options: Record<string, ReproductionOption>;
  /** the method ids --estimators accepts */
  methods: readonly string[];
  /** Validate the input (FieldErrors named after the option) before any file is touched; run() calls it again. */
  validate(input: ReproductionInput): void;
  run(input: ReproductionInput, ctx: ReproductionContext): Promise<ReproductionOutput> | ReproductionOutput;
}
