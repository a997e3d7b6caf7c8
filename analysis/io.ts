/**
 * File I/O for records, reports and figures. Every write goes to a temporary file in the
 * target folder and is renamed into place, so an error never leaves a half-written file.
 */
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { InputError, nonFiniteHint } from "../src/errors.js";
import { LIMITS } from "../src/limits.js";

/**
 * Canonical JSON: 2-space indent, keys in insertion order, trailing newline. With `finite`, a NaN
 * or ±∞ anywhere is an InputError naming the field instead of the null JSON.stringify would write
 * (the records of exact and Monte Carlo moments; trace records mark gaps with NaN on purpose).
 */
export function toJsonText(value: unknown, finite = false): string {
  const nonFinite = (where: string, v: number) => new InputError(`${where} = ${v}: the result is not a finite number, and JSON would write it as null; ${nonFiniteHint}`);
  return (
    JSON.stringify(
      value,
      (k, v) => {
        if (v instanceof Float64Array || v instanceof Float32Array) {
          const a = Array.from(v);
          const bad = finite ? a.findIndex((x) => !Number.isFinite(x)) : -1;
          if (bad >= 0) throw nonFinite(`${k || "record"}[${bad}]`, a[bad]);
          return a;
        }
        if (finite && typeof v === "number" && !Number.isFinite(v)) throw nonFinite(k === "" ? "record" : k, v);
        return v;
      },
      2,
    ) + "\n"
  );
}

/**
 * Write `data` to `file` atomically (temp file + rename). Throws InputError naming the path.
 * The temporary name is unique per process and thread; within a thread the write and the rename
 * are synchronous, so no two writes share a temporary file.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${threadId}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* nothing to clean */
    }
    throw new InputError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, toJsonText(value));
}

/**
 * Make sure `dir` exists and is writable *before* any computation starts, so a bad --out fails
 * fast with one clear error. Creates the missing folders one at a time (Node's recursive mkdir
 * spins forever under /proc), probes with a file, and removes what it created if the probe fails.
 */
export function ensureWritableDir(dir: string, flag = "--out"): string {
  return makeWritableDir(dir, flag).abs;
}

function makeWritableDir(dir: string, flag: string): { abs: string; created: string[] } {
  const abs = path.resolve(dir);
  const created: string[] = [];
  try {
    createDirs(abs, created);
    const st = fs.statSync(abs);
    if (!st.isDirectory()) throw new Error("not a directory");
    fs.accessSync(abs, fs.constants.W_OK);
    const probe = path.join(abs, `.stochgrad-probe-${process.pid}-${threadId}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (e) {
    removeDirs(created);
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${flag} ${dir}: output folder is not writable (${code ?? (e as Error).message})`);
  }
  return { abs, created };
}

/** Create abs and its missing ancestors, one mkdir each (outermost first); push each one created. */
function createDirs(abs: string, created: string[]): void {
  const missing: string[] = [];
  for (let d = abs; ; d = path.dirname(d)) {
    if (fs.existsSync(d)) break;
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    fs.mkdirSync(d);
    created.push(d);
  }
}

/** Remove folders this run created, innermost first, if they are still empty. */
function removeDirs(created: string[]): void {
  for (const d of created.slice().reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (or gone): keep it and everything above it
    }
  }
}

/**
 * Run `work` in the output folder `dir` (created as by ensureWritableDir). If the work fails, the
 * folders this call created are removed again when still empty, so a failed run leaves no empty
 * folder behind. Validate every other input before calling this.
 */
export async function withOutputDir<T>(dir: string, flag: string, work: (abs: string) => T | Promise<T>): Promise<T> {
  const { abs, created } = makeWritableDir(dir, flag);
  try {
    return await work(abs);
  } catch (e) {
    removeDirs(created);
    throw e;
  }
}

/**
 * Check that `file` can be written as an output file before the work starts: its folder exists
 * and takes a probe file, and `file` is not a folder. Nothing is left behind.
 */
export function checkWritableFile(file: string, flag = "--out"): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let why: string | null = null;
  try {
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) why = "it is a folder; give a file name such as model.json";
    else {
      if (!fs.statSync(dir).isDirectory()) throw new Error("ENOTDIR");
      const probe = path.join(dir, `.stochgrad-probe-${process.pid}-${threadId}`);
      fs.writeFileSync(probe, "");
      fs.rmSync(probe);
    }
  } catch (e) {
    why = `folder ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (why) throw new InputError(`${flag} ${file}: ${why}`);
}

/** Read a file as text; a missing or unreadable file is an InputError naming it. */
export function readTextFile(file: string, what = "input file"): string {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error("a folder, not a file"), { code: "EISDIR" });
    if (st.size > LIMITS.inputFileBytes) throw new InputError(`${what} ${file}: ${(st.size / 2 ** 20).toFixed(0)} MiB; the limit is ${LIMITS.inputFileBytes / 2 ** 20} MiB (see LIMITS in src/limits.ts)`);
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what} ${file}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)})`);
  }
}

/** Read and parse JSON; malformed JSON is an InputError naming the file. */
export function readJsonFile(file: string, what = "JSON file"): unknown {
  const text = readTextFile(file, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${file}: malformed JSON (${(e as Error).message})`);
  }
}
