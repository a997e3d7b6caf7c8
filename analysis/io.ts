/**
 * File I/O for records, reports and figures. Every write goes to a temporary file in the
 * target folder and is renamed into place, so an error never leaves a half-written file.
 */
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { InputError, nonFiniteHint } from "../src/errors.js";

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
 * fast with one clear error. Creates it (recursively) if missing.
 */
export function ensureWritableDir(dir: string, flag = "--out"): string {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { recursive: true });
    const st = fs.statSync(abs);
    if (!st.isDirectory()) throw new Error("not a directory");
    fs.accessSync(abs, fs.constants.W_OK);
    const probe = path.join(abs, `.stochgrad-probe-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${flag} ${dir}: output folder is not writable (${code ?? (e as Error).message})`);
  }
  return abs;
}

/** Read a file as text; a missing or unreadable file is an InputError naming it. */
export function readTextFile(file: string, what = "input file"): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
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
