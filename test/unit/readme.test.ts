// Every TypeScript snippet of the README runs as written, as a user's module: the blocks of one
// section run together in order (their imports merged, since later blocks repeat earlier ones),
// importing the package by its own names ("stochgrad", "stochgrad/matchers", "stochgrad/claims")
// from a file inside the package, so Node's self-reference resolves them to dist/ as the
// "exports" map says. The GNU parallel line runs too (as the equivalent xargs -P where GNU
// parallel is not installed), and its merge equals the unsharded run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The README's ```ts blocks, grouped by their `## ` section, in order. */
function snippetsBySection(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = "(top)";
  const lines = README.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("## ")) section = lines[i].slice(3);
    if (lines[i] === "```ts") {
      const j = lines.indexOf("```", i + 1);
      out.set(section, [...(out.get(section) ?? []), lines.slice(i + 1, j).join("\n")]);
      i = j;
    }
  }
  return out;
}

const IMPORT = /^import\s+(?:(\w+)|\{([^}]*)\})\s+from\s+"([^"]+)";\s*$/;

/** One module from a section's blocks: the union of their imports, then their code in order. */
function moduleOf(blocks: string[]): string {
  const named = new Map<string, Set<string>>();
  const defaults = new Map<string, string>();
  const body: string[] = [];
  for (const line of blocks.join("\n").split("\n")) {
    const m = IMPORT.exec(line);
    if (!m) {
      body.push(line);
      continue;
    }
    const [, def, names, from] = m;
    if (def) defaults.set(from, def);
    else for (const n of names.split(",").map((x) => x.trim()).filter(Boolean)) named.set(from, (named.get(from) ?? new Set()).add(n));
  }
  const imports = [...defaults].map(([from, d]) => `import ${d} from ${JSON.stringify(from)};`).concat([...named].map(([from, ns]) => `import { ${[...ns].join(", ")} } from ${JSON.stringify(from)};`));
  return [...imports, ...body].join("\n") + "\n";
}

describe("README snippets run as written", () => {
  const sections = snippetsBySection();
  it("finds the snippets of every section that has code", () => {
    expect([...sections.keys()]).toEqual(["Using the library", "Claims as regression tests in your suite", "Your own estimator", "Reproductions: conditional computation on MNIST"]);
  });
  const dir = path.join(ROOT, "dist", `.readme-snippets-${process.pid}`);
  for (const [section, blocks] of sections) {
    it(`${section} (${blocks.length} block${blocks.length > 1 ? "s" : ""})`, async () => {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${section.replace(/[^A-Za-z0-9]+/g, "-")}.mjs`);
      fs.writeFileSync(file, moduleOf(blocks));
      try {
        await import(file);
      } finally {
        fs.rmSync(file, { force: true });
        if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      }
    });
  }

  it("the GNU parallel line of 'Sweeps on a cluster' (as xargs -P when GNU parallel is absent), then its merge", () => {
    const line = README.split("\n").find((l) => l.startsWith("parallel "))!;
    const m = /^parallel --halt now,fail=1 -j (\d+) (npx stochgrad verify) (--shard \{\}\/\d+ --out parts) ::: ([\d ]+) && (npx stochgrad merge .*)$/.exec(line);
    expect(m, line).not.toBeNull();
    const [, jobs, cmd, shardFlags, shards, merge] = m!;
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "sg-readme-"));
    // the README runs every claim; the test narrows the selection (the same for the unsharded run)
    const cli = `${process.execPath} ${path.join(ROOT, "dist/cli/main.js")}`;
    const narrow = "--quick --only ST-bias,DisARM-variance,T1-optimal-baseline --figures none --workers 1";
    const run = cmd.replace("npx stochgrad", cli) + " " + narrow;
    const hasParallel = spawnSync("sh", ["-c", "command -v parallel"]).status === 0;
    const shardLine = hasParallel ? `parallel --halt now,fail=1 -j ${jobs} ${run} ${shardFlags} ::: ${shards}` : `printf '%s\\n' ${shards} | xargs -P ${jobs} -I{} ${run} ${shardFlags}`;
    const r = spawnSync("sh", ["-c", `${shardLine} && ${merge.replace("npx stochgrad", cli)} && ${run} --out full`], { cwd, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(cwd, "parts")).length).toBe(shards.trim().split(/\s+/).length);
    for (const f of ["claims.json", "report.md"]) expect(fs.readFileSync(path.join(cwd, "verify-out", f)).equals(fs.readFileSync(path.join(cwd, "full", f))), f).toBe(true);
  });
});
