/**
 * The fuzzing harness: run a command line in-process (or, for a small sample, as a process)
 * and classify the outcome by the property every input must satisfy:
 *   - "error": exit code 2, exactly one line on stderr ("stochgrad: error: …"), nothing on
 *     stdout, and no file written or left behind;
 *   - "ok": exit code 0, JSON output that parses and holds no null (a NaN or ∞ written by
 *     JSON.stringify), no temporary file left behind, every JSON file written parses;
 *   - otherwise "crash" (a stack trace, an internal error, an exit code other than 0 or 2),
 *     "hang" (over HANG_MS) or "garbage" (a malformed error, null in a record, a partial file).
 * Counts accumulate per suite and are printed, so a run reports cases, clear errors, crashes,
 * hangs and garbage.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type Outcome = "ok" | "error" | "crash" | "hang" | "garbage";

/** A case slower than this (in-process) counts as a hang: every fuzzed request is small or refused. */
export const HANG_MS = 10_000;

/** A quick reproduction trains on real data for seconds (10 s on a loaded 2-core machine): its hang limit. */
export const REPRODUCTION_HANG_MS = 60_000;

/** fast-check runs per property: FUZZ_RUNS scales the campaign (CI default small), FUZZ_SEED varies it. */
export const FUZZ_SCALE = Number(process.env.FUZZ_RUNS ?? 1);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20240610);
export const runs = (n: number) => Math.max(1, Math.round(n * FUZZ_SCALE));

export interface RunResult {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** Run `stochgrad argv…` in this process, capturing stdout and stderr. */
export async function runInProcess(argv: string[]): Promise<RunResult> {
  // the built CLI (npm test builds first), so in-process runs exercise what ships
  const { main } = (await import("../../dist/cli/run.js")) as { main: (argv: string[]) => Promise<number> };
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  const capture = (sink: string[]) => ((chunk: string | Uint8Array) => (sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")), true)) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const t0 = performance.now();
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    code = -1;
    err.push(`uncaught: ${(e as Error).stack ?? String(e)}`);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { code, out: out.join(""), err: err.join(""), ms: performance.now() - t0 };
}

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

/** Run the compiled executable (end to end: stdout guards, exit codes), with a timeout. */
export function runSpawned(argv: string[], timeoutMs = 30_000): RunResult {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, CI: "1" }, cwd: os.tmpdir() });
  const ms = performance.now() - t0;
  return { code: r.status ?? (r.signal ? -2 : -1), out: r.stdout ?? "", err: r.stderr ?? "", ms };
}

/** Every file under dir (relative paths), sorted; [] when it does not exist. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const outList: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        outList.push(path.relative(dir, p) + "/");
        walk(p);
      } else outList.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return outList.sort();
}

/**
 * Nulls that mean "not applicable" by design rather than a NaN written by JSON.stringify: the
 * noise scale of an STS unit in `exact`'s unit report (src/exact/noisy.ts, owned by the exact
 * engine; listed here so the property stays strict everywhere else).
 */
const DESIGNED_NULLS = [/^\$\.units\[\d+\]\.s$/];

/** The first null, NaN or ∞ in a parsed JSON value, as a path; null when there is none. */
export function findGarbage(v: unknown, where = "$", depth = 0): string | null {
  if (v === null) return DESIGNED_NULLS.some((re) => re.test(where)) ? null : where;
  if (typeof v === "number") return Number.isFinite(v) ? null : where;
  if (depth > 64 || typeof v !== "object") return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const g = findGarbage(v[i], `${where}[${i}]`, depth + 1);
      if (g) return g;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const g = findGarbage(x, `${where}.${k}`, depth + 1);
    if (g) return g;
  }
  return null;
}

export interface CaseContext {
  /** the folder the case may write into (checked for partial and temporary files) */
  dir: string;
  /** files present in dir before the run (its inputs) */
  before: string[];
  /** JSON files whose content may hold null by design (figure records: null = a gap in a chart) */
  allowNull?: (file: string) => boolean;
  /** exit codes of a valid result: [0], or [0, 1] for verify (1 = a claim failed, e.g. at α = 0.4) */
  resultCodes?: number[];
  /** the slowest valid run (ms) before it counts as a hang: HANG_MS, more for a quick reproduction */
  hangMs?: number;
}

/** Classify a run by the property (see the file comment); `why` says what broke it. */
export function classify(r: RunResult, ctx: CaseContext): { outcome: Outcome; why: string } {
  if (r.ms > (ctx.hangMs ?? HANG_MS)) return { outcome: "hang", why: `${(r.ms / 1000).toFixed(1)} s` };
  if (r.code === -2) return { outcome: "hang", why: "killed by the timeout" };
  const results = ctx.resultCodes ?? [0];
  if (/internal error|uncaught:|\n\s+at .*\(.*:\d+:\d+\)/.test(r.err) || (r.code !== 2 && !results.includes(r.code))) return { outcome: "crash", why: `exit ${r.code}: ${r.err.slice(0, 400)}` };
  const after = listFiles(ctx.dir);
  const temp = after.find((f) => /\.tmp$|\.stochgrad-probe/.test(f));
  if (temp) return { outcome: "garbage", why: `temporary file left: ${temp}` };
  if (r.code === 2) {
    const lines = r.err.split("\n").filter((l) => l.length > 0);
    if (lines.length !== 1 || !lines[0].startsWith("stochgrad: error: ")) return { outcome: "garbage", why: `not one error line: ${JSON.stringify(r.err.slice(0, 300))}` };
    if (lines[0].length > 2200) return { outcome: "garbage", why: `error line of ${lines[0].length} characters` };
    if (r.out !== "") return { outcome: "garbage", why: `stdout on error: ${JSON.stringify(r.out.slice(0, 200))}` };
    const added = after.filter((f) => !ctx.before.includes(f));
    if (added.length) return { outcome: "garbage", why: `files left by a failed run: ${added.slice(0, 5).join(", ")}` };
    return { outcome: "error", why: lines[0] };
  }
  const text = r.out.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return { outcome: "garbage", why: "stdout is not valid JSON" };
    }
    const g = findGarbage(v);
    if (g) return { outcome: "garbage", why: `null/NaN in the output at ${g}` };
  }
  for (const f of after) {
    if (!f.endsWith(".json") || ctx.before.includes(f)) continue;
    let v: unknown;
    try {
      v = JSON.parse(fs.readFileSync(path.join(ctx.dir, f), "utf8"));
    } catch {
      return { outcome: "garbage", why: `written file ${f} is not valid JSON (partial?)` };
    }
    const g = ctx.allowNull?.(f) ? null : findGarbage(v);
    if (g) return { outcome: "garbage", why: `null/NaN in ${f} at ${g}` };
  }
  return { outcome: "ok", why: "" };
}

/** Per-suite counts of outcomes, with the first examples of each failure kind. */
export class Tally {
  readonly counts: Record<Outcome, number> = { ok: 0, error: 0, crash: 0, hang: 0, garbage: 0 };
  readonly examples: string[] = [];
  /** milliseconds spent per label (e.g. per command), for tuning the CI size */
  readonly time: Record<string, { n: number; ms: number; max: number }> = {};
  constructor(readonly name: string) {}
  timed(label: string, ms: number): void {
    const t = (this.time[label] ??= { n: 0, ms: 0, max: 0 });
    t.n++;
    t.ms += ms;
    t.max = Math.max(t.max, ms);
  }
  add(outcome: Outcome, why: string, input: unknown): void {
    this.counts[outcome]++;
    if ((outcome === "crash" || outcome === "hang" || outcome === "garbage") && this.examples.length < 10) this.examples.push(`${outcome}: ${why}\n    input: ${jsonText(input).slice(0, 400)}`);
  }
  get cases(): number {
    return Object.values(this.counts).reduce((s, x) => s + x, 0);
  }
  get bad(): number {
    return this.counts.crash + this.counts.hang + this.counts.garbage;
  }
  summary(): string {
    const c = this.counts;
    const times = Object.entries(this.time).map(([k, t]) => `${k} ${t.n}× ${(t.ms / 1000).toFixed(1)} s (max ${t.max.toFixed(0)} ms)`);
    return `fuzz ${this.name}: ${this.cases} cases, ${c.ok} valid results, ${c.error} clear errors, ${c.crash} crashes, ${c.hang} hangs, ${c.garbage} garbage${process.env.FUZZ_TIMES && times.length ? `\n  time: ${times.join("; ")}` : ""}${this.examples.length ? "\n  " + this.examples.join("\n  ") : ""}`;
  }
}

/** A fresh temporary folder for one case. */
export function caseDir(root: string, k: number): string {
  const d = path.join(root, `c${k}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** The fuzz root folder (removed by the suite). */
export function fuzzRoot(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `stochgrad-fuzz-${name}-`));
}

/** Append the suite's counts to FUZZ_REPORT (a file) when set, so a campaign can sum them. */
export function report(t: Tally): void {
  process.stdout.write(t.summary() + "\n");
  const file = process.env.FUZZ_REPORT;
  if (file) fs.appendFileSync(file, JSON.stringify({ suite: t.name, ...t.counts, cases: t.cases }) + "\n");
}

/**
 * JSON text of any value, however deeply nested: an explicit stack instead of JSON.stringify's
 * recursion (which overflows near 10 000 levels, while a file may hold 20 000 and more).
 */
export function jsonText(v: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [v];
  const seen = new WeakSet<object>();
  while (stack.length) {
    const x = stack.pop();
    // a cycle would loop for ever (JSON.stringify throws on one; this must not hang)
    if (x !== null && typeof x === "object" && !CLOSERS.has(x as { close: string })) {
      if (seen.has(x as object)) throw new Error("jsonText: the value contains itself");
      seen.add(x as object);
    }
    if (x !== null && typeof x === "object" && CLOSERS.has(x as { close: string })) {
      out.push((x as { close: string }).close);
      continue;
    }
    if (Array.isArray(x)) {
      out.push("[");
      stack.push(closer("]"));
      for (let i = x.length - 1; i >= 0; i--) {
        stack.push(x[i] === undefined ? null : x[i]);
        if (i > 0) stack.push(closer(","));
      }
    } else if (x !== null && typeof x === "object") {
      const entries = Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined);
      out.push("{");
      stack.push(closer("}"));
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1]);
        stack.push(closer(`${JSON.stringify(entries[i][0])}:`));
        if (i > 0) stack.push(closer(","));
      }
    } else out.push(x === undefined ? "null" : JSON.stringify(x));
  }
  return out.join("");
}

const CLOSERS = new WeakSet<{ close: string }>();
function closer(s: string): { close: string } {
  const c = { close: s };
  CLOSERS.add(c);
  return c;
}
