/**
 * Sharding a long run over processes or machines (`--shard K/N`) and merging the parts back
 * (`stochgrad merge`). A shard does the work items it owns and writes a *partial record*: the
 * command, the package version, every parameter that determines the result (`run`), a run id
 * hashed from those, its shard K/N, the ids of the items it did, and their mergeable state (claim
 * results, whole optimisation runs, AIS runs: whatever the unsharded run would have assembled).
 * Merging checks the parts belong together (one command, version and run; N parts numbered 1..N,
 * each once; every item exactly once) and hands the states, in item order, to the same assembly
 * code as the unsharded run, so the merged files are byte-identical to it.
 *
 * Parts are JSON with an exact number codec: doubles round-trip through JSON's shortest form,
 * and what JSON cannot hold (−0, ±∞, NaN, typed arrays) is tagged, so a merged record sees the
 * values the unsharded run saw, bit for bit.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { describeValue, InputError, quote } from "../src/errors.js";
import { readTextFile } from "./io.js";
import type { BlockRunner, EnumerationBlockState } from "../src/exact/types.js";

/** Shard K of N (1 ≤ K ≤ N). */
export interface Shard {
  index: number;
  count: number;
}

/** The largest N: far beyond any job array, small enough that a typo (1/1e9) is caught. */
export const MAX_SHARDS = 10_000;

/** Parse "K/N" (1 ≤ K ≤ N ≤ MAX_SHARDS, integers); one InputError naming the flag otherwise. */
export function parseShard(text: string, flag = "--shard"): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (!m) throw new InputError(`${flag}: expected K/N with integers 1 ≤ K ≤ N (e.g. 2/4), got ${quote(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InputError(`${flag}: N must be in [1, ${MAX_SHARDS}], got ${quote(text)}`);
  if (index < 1 || index > count) throw new InputError(`${flag}: K must be in [1, N] (shards are numbered from 1), got ${quote(text)}`);
  return { index, count };
}

/** The items of a shard among n, round-robin (item i belongs to shard i mod N + 1): costs interleave. */
export function shardItems(shard: Shard, n: number): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < n; i += shard.count) out.push(i);
  return out;
}

/** The part file's name in its folder: `<command>-part-K-of-N.json` (command words joined by '-'). */
export function partFileName(command: string, shard: Shard): string {
  return `${command.replace(/\s+/g, "-")}-part-${shard.index}-of-${shard.count}.json`;
}

export interface PartRecord<S = unknown> {
  kind: "stochgrad.part";
  /** the command whose run this is part of, e.g. "verify" or "spsa optimize" */
  command: string;
  version: string;
  /** every parameter the result depends on, as the command records it */
  run: Record<string, unknown>;
  /** sha-256 of (command, version, run) */
  runId: string;
  shard: Shard;
  /** how many items the whole run has */
  items: number;
  /** the ids (indices) of the items this part holds, ascending */
  done: number[];
  /** one state per entry of `done` */
  states: S[];
}

function tag(v: unknown): unknown {
  if (typeof v === "number") {
    if (Object.is(v, -0)) return { $num: "-0" };
    if (!Number.isFinite(v)) return { $num: String(v) };
    return v;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { $typed: v.constructor.name, values: Array.from(v as unknown as ArrayLike<number>, tag) };
  if (Array.isArray(v)) return v.map(tag);
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = tag(x);
    return o;
  }
  return v;
}

const TYPED: Record<string, { from(x: number[]): unknown }> = { Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray };

const NUMS: Record<string, number> = { "-0": -0, Infinity: Infinity, "-Infinity": -Infinity, NaN: Number.NaN };

function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "$num" && typeof o.$num === "string" && Object.prototype.hasOwnProperty.call(NUMS, o.$num)) return NUMS[o.$num];
    if (keys.length === 2 && typeof o.$typed === "string" && Object.prototype.hasOwnProperty.call(TYPED, o.$typed) && Array.isArray(o.values)) return TYPED[o.$typed].from(o.values.map(untag) as number[]);
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = untag(o[k]);
    return out;
  }
  return v;
}

/** The run id: sha-256 over the command, the version and the run's parameters (canonical JSON). */
export function runIdOf(command: string, version: string, run: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(tag({ command, version, run }))).digest("hex").slice(0, 16);
}

/** A part record's text (the exact codec of the file comment). */
export function partText<S>(command: string, version: string, run: Record<string, unknown>, shard: Shard, items: number, done: number[], states: S[]): string {
  const rec: PartRecord<S> = { kind: "stochgrad.part", command, version, run, runId: runIdOf(command, version, run), shard, items, done, states };
  return JSON.stringify(tag(rec), null, 1) + "\n";
}

function bad(file: string, why: string): never {
  throw new InputError(`${quote(path.basename(file))}: ${why}`);
}

/** Read and check one part file: a stochgrad part record whose run id matches its contents. */
export function readPart(file: string): PartRecord {
  const text = readTextFile(file, "part file");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    bad(file, `not JSON (${(e as Error).message})`);
  }
  const o = raw as Record<string, unknown>;
  if (o === null || typeof o !== "object" || o.kind !== "stochgrad.part") bad(file, `not a stochgrad part record (kind ${describeValue(o?.kind)}; parts are written by a command run with --shard K/N)`);
  const p = untag(o) as PartRecord;
  if (typeof p.command !== "string" || typeof p.version !== "string" || typeof p.runId !== "string" || p.run === null || typeof p.run !== "object") bad(file, "a part record needs command, version, run and runId");
  const sh = p.shard as Shard | undefined;
  if (!sh || !Number.isInteger(sh.index) || !Number.isInteger(sh.count) || sh.index < 1 || sh.index > sh.count || sh.count > MAX_SHARDS) bad(file, `shard: expected { index: K, count: N } with 1 ≤ K ≤ N, got ${describeValue(sh)}`);
  if (!Number.isInteger(p.items) || p.items < 0) bad(file, `items: expected a count, got ${describeValue(p.items)}`);
  if (!Array.isArray(p.done) || !Array.isArray(p.states) || p.done.length !== p.states.length) bad(file, "done and states must be arrays of equal length");
  const want = shardItems(sh, p.items);
  if (p.done.length !== want.length || p.done.some((x, i) => x !== want[i])) bad(file, `holds items ${p.done.join(",") || "none"} but shard ${sh.index}/${sh.count} of ${p.items} owns ${want.join(",") || "none"}`);
  if (runIdOf(p.command, p.version, p.run) !== p.runId) bad(file, "its run id does not match its parameters (the file was edited)");
  return p;
}

function differing(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const k = keys.find((x) => JSON.stringify(tag(a[x])) !== JSON.stringify(tag(b[x])));
  const show = (v: unknown) => {
    if (v === undefined) return "absent";
    const t = JSON.stringify(tag(v));
    return t.length > 40 ? `${t.slice(0, 40)}…` : t;
  };
  return k === undefined ? "their parameters" : `${k} ${show(a[k])} vs ${show(b[k])}`;
}

/**
 * Read the part files and check they make one whole run (see the file comment). Returns the
 * command, version, run parameters and every item's state in item order. Each problem is one
 * InputError: no parts, a part of another command, version or run (naming the parameter that
 * differs), another N, a shard given twice, or missing shards (named).
 */
export function mergeParts(files: string[]): { command: string; version: string; run: Record<string, unknown>; states: unknown[] } {
  if (files.length === 0) throw new InputError("merge: expected one or more part files (PART…), got none");
  const parts = files.map(readPart);
  const [first] = parts;
  const name = (i: number) => quote(path.basename(files[i]));
  const seen = new Map<number, number>();
  parts.forEach((p, i) => {
    if (p.command !== first.command) throw new InputError(`merge: ${name(i)} is a part of \`${p.command}\`, ${name(0)} of \`${first.command}\`: parts of different commands`);
    if (p.version !== first.version) throw new InputError(`merge: ${name(i)} was written by stochgrad ${p.version}, ${name(0)} by ${first.version}: rerun every shard with one version`);
    if (p.runId !== first.runId) throw new InputError(`merge: ${name(i)} and ${name(0)} are parts of different runs (${differing(p.run, first.run)})`);
    if (p.shard.count !== first.shard.count) throw new InputError(`merge: ${name(i)} is shard ${p.shard.index}/${p.shard.count}, ${name(0)} is of ${first.shard.count}: parts of different shardings`);
    if (seen.has(p.shard.index)) throw new InputError(`merge: shard ${p.shard.index}/${p.shard.count} is given twice (${name(seen.get(p.shard.index)!)} and ${name(i)})`);
    seen.set(p.shard.index, i);
  });
  const N = first.shard.count;
  const missing: number[] = [];
  for (let k = 1; k <= N; k++) if (!seen.has(k)) missing.push(k);
  if (missing.length) throw new InputError(`merge: missing shard${missing.length > 1 ? "s" : ""} ${missing.slice(0, 10).map((k) => `${k}/${N}`).join(", ")}${missing.length > 10 ? `, … (${missing.length} in all)` : ""} of \`${first.command}\` (have ${parts.length} of ${N})`);
  const states: unknown[] = new Array(first.items);
  for (const p of parts) p.done.forEach((id, j) => (states[id] = p.states[j]));
  return { command: first.command, version: first.version, run: first.run, states };
}

/**
 * A BlockRunner (src/exact/types.ts) that hands back the enumeration block states of a merge's
 * parts instead of enumerating, each checked against the job's block (`exact` and `compare`).
 */
export function blockRunnerOfParts(states: readonly EnumerationBlockState[]): BlockRunner {
  return (job) => {
    if (job.blocks.length !== states.length) throw new InputError(`merge: the parts hold ${states.length} enumeration blocks, the problem has ${job.blocks.length}`);
    job.blocks.forEach((g, j) => {
      if (g.first !== states[j].first || g.end !== states[j].end) throw new InputError(`merge: block ${j} in the parts covers [${states[j].first}, ${states[j].end}), the problem's block ${j} is [${g.first}, ${g.end})`);
    });
    return states.slice();
  };
}
