// The seeded corpus: every hostile input of the "trust at the edges" review, one JSON file each
// under corpus/ (what was wrong, the command line, the input files, the expected outcome and
// message). Each case runs in-process, and a sample also as a process (stdout guards and exit
// codes end to end); CORPUS_SPAWN=1 runs every case as a process. A case must end as the
// property says: one clear error (exit 2, one line, nothing written) or a valid result.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classify, fuzzRoot, listFiles, report, runInProcess, runSpawned, Tally, type RunResult } from "./harness.js";

type Text = string | { $text: (string | { repeat: string; times: number })[] };

interface CorpusCase {
  description: string;
  argv: Text[];
  /** "error": one clear error; "ok": a valid result; "quiet": exit 0 with nothing on stderr (EPIPE) */
  expect: "error" | "ok" | "quiet";
  /** regex the error line (or, for "ok", stdout) must match */
  stderr?: string;
  stdout?: string;
  /** input files: a JSON value, or {$text} for raw text */
  files?: Record<string, unknown>;
  /** "epipe": stdout's reader is gone; "enospc": stdout is /dev/full (both run as a process) */
  mode?: "epipe" | "enospc";
  /** paths (relative to the case folder) that must not exist afterwards */
  absent?: string[];
}

const CORPUS = path.join(__dirname, "corpus");
const cases = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [f.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(CORPUS, f), "utf8")) as CorpusCase] as const);

/** Also run as a process: cheap cases that exercise the executable's own paths. */
const SPAWN_TOO = new Set(["deep-weights", "out-under-proc", "samples-1e20", "render-path-traversal", "option-typo", "resume-epochs-string", "extra-positional"]);

function text(t: Text | unknown, dir: string): string {
  if (typeof t === "string") return t.replaceAll("{dir}", dir);
  if (t && typeof t === "object" && "$text" in t) return (t as { $text: (string | { repeat: string; times: number })[] }).$text.map((p) => (typeof p === "string" ? p : p.repeat.repeat(p.times))).join("");
  return JSON.stringify(t);
}

function spawnWith(mode: CorpusCase["mode"], argv: string[]): RunResult {
  const cli = path.resolve(__dirname, "../../dist/cli/main.js");
  if (mode === "epipe") {
    // the reader exits at once, so every write after the first pipe buffer meets EPIPE
    return runShell(`"${process.execPath}" "${cli}" ${argv.map((a) => `'${a}'`).join(" ")} | true; exit \${PIPESTATUS[0]}`);
  }
  return runShell(`"${process.execPath}" "${cli}" ${argv.map((a) => `'${a}'`).join(" ")} > /dev/full`);
}

function runShell(script: string): RunResult {
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 30_000, env: { ...process.env, CI: "1" } });
  return { code: r.status ?? -2, out: r.stdout ?? "", err: r.stderr ?? "", ms: performance.now() - t0 };
}

const root = fuzzRoot("corpus");
const tally = new Tally("corpus");
afterAll(() => {
  report(tally);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("the seeded corpus of hostile inputs", () => {
  for (const [name, c] of cases) {
    it(`${name}: ${c.description}`, async () => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      for (const [f, v] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(dir, f), text(v, dir));
      const argv = c.argv.map((a) => text(a, dir));
      const before = listFiles(dir);
      const all = process.env.CORPUS_SPAWN === "1";
      const results: [string, RunResult][] = [];
      if (c.mode) results.push(["process", spawnWith(c.mode, argv)]);
      else {
        if (!all) results.push(["in-process", await runInProcess(argv)]);
        if (all || SPAWN_TOO.has(name)) results.push(["process", runSpawned(argv)]);
      }
      for (const [how, r] of results) {
        if (c.expect === "quiet") {
          tally.add(r.code === 0 && r.err === "" ? "ok" : "crash", r.err, argv);
          expect(r.err, how).toBe("");
          expect(r.code, how).toBe(0);
          continue;
        }
        const { outcome, why } = classify(r, { dir, before });
        tally.add(outcome, why, { name, how });
        expect(outcome, `${how}: ${why}`).toBe(c.expect);
        if (c.expect === "error" && c.stderr) expect(r.err, how).toMatch(new RegExp(c.stderr));
        if (c.expect === "ok" && c.stdout) expect(r.out, how).toMatch(new RegExp(c.stdout));
        for (const p of c.absent ?? []) expect(fs.existsSync(path.join(dir, p)), `${how}: ${p} must not exist`).toBe(false);
        // a second run must see the same inputs (the in-process and process runs share the folder)
        for (const f of listFiles(dir)) if (!before.includes(f)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      }
    });
  }
});
