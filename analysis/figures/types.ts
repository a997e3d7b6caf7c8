/**
 * The figure contract, beside its runner (runner.ts) as the claim contract sits beside the claim
 * runner. Figures live in the top-level figures/, one module per figure, listed in
 * figures/index.ts. `run` computes the data (seeded, JSON-able) and returns chart specs; the runner
 * writes the record as JSON and renders every chart from the record to PNG, SVG and CSV, so a
 * figure can be re-rendered without recomputing (`stochgrad render record.json`).
 */
import type { ChartSpec } from "../charts.js";
import type { Stream } from "../../src/random/stream.js";

export interface FigureContext {
  stream: Stream;
  quick: boolean;
  progress(done: number, total: number): void;
}

export interface FigureOutput {
  /** numbers behind the figure (inputs, parameters, results) */
  data: Record<string, unknown>;
  /** one or more charts; name "" means the figure id alone */
  charts: { name: string; spec: ChartSpec }[];
}

export interface Figure {
  id: string;
  title: string;
  /** what the figure shows, for the report */
  caption: string;
  /** ids of the claims it illustrates (report.html draws it under the first and links it from the others); none for a figure of its own */
  claims?: readonly string[];
  run(ctx: FigureContext): FigureOutput | Promise<FigureOutput>;
}

/** The JSON record written beside the rendered files. */
export interface FigureRecord extends FigureOutput {
  kind: "stochgrad.figure";
  id: string;
  title: string;
  caption: string;
  /** the claims it illustrates (Figure.claims) */
  claims?: string[];
  seed: string;
  quick: boolean;
}
