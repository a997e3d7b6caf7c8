// The layering, checked from the sources so it stays true: no import cycles (type-only imports
// included), no import from a lower layer into a higher one, and no Node I/O in the science
// outside the data loaders. LAYERS is the table ARCHITECTURE.md describes; a new directory or
// file gets its row there.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["src", "analysis", "figures", "cli", "bench", "test-support"];

/** Lowest layer first; a file belongs to the row with the longest matching prefix. */
const LAYERS: [string, string[]][] = [
  ["foundation", ["src/errors.ts", "src/limits.ts", "src/validate.ts", "src/numerics.ts", "src/ndarray.ts", "src/random/", "src/stats/", "src/linalg/", "src/parallel/"]],
  ["units and data", ["src/neurons/", "src/data/"]],
  ["problems", ["src/problems/"]],
  ["contracts", ["src/estimators/types.ts", "src/exact/types.ts"]],
  ["engines", ["src/exact/", "src/boltzmann/", "src/optim/adam.ts", "src/optim/momentum.ts"]],
  ["estimators", ["src/estimators/"]],
  ["optimisers", ["src/optim/"]],
  ["networks", ["src/nets/"]],
  ["library", ["src/index.ts"]],
  ["matchers", ["test-support/"]],
  ["analysis", ["analysis/"]],
  ["figures", ["figures/"]],
  ["pipelines", ["analysis/verify.ts"]],
  ["entry points", ["cli/", "bench/"]],
];

export function layerOf(file: string, layers = LAYERS): number {
  let best = -1;
  let len = -1;
  layers.forEach(([, prefixes], i) => {
    for (const p of prefixes) if (file.startsWith(p) && p.length > len) [best, len] = [i, p.length];
  });
  return best;
}

/** AssemblyScript sources (compiled to WebAssembly by asc, not modules of the TypeScript graph). */
const NOT_TYPESCRIPT = ["src/linalg/assembly"];

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (NOT_TYPESCRIPT.includes(rel)) continue;
    if (e.isDirectory()) out.push(...listTs(rel));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

const IMPORT = /(?:^|\n)[ \t]*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/g;

/** Static imports of one source text: relative ones resolved to repo paths (.ts), and bare specifiers. */
export function importsOf(file: string, text: string): { local: string[]; bare: string[] } {
  const local: string[] = [];
  const bare: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1];
    if (spec.startsWith(".")) local.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, ".ts"));
    else bare.push(spec);
  }
  return { local, bare };
}

/** Every cycle's first closing edge (depth-first), and every edge into a higher layer. */
export function checkGraph(graph: Map<string, string[]>, layers = LAYERS): { cycles: string[][]; upward: string[]; unlayered: string[] } {
  const cycles: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  const upward: string[] = [];
  const unlayered: string[] = [];
  for (const [f, ts] of graph) {
    const lf = layerOf(f, layers);
    if (lf < 0) unlayered.push(f);
    for (const t of ts) {
      const lt = layerOf(t, layers);
      if (lt > lf) upward.push(`${f} (${layers[lf]?.[0]}) → ${t} (${layers[lt][0]})`);
    }
  }
  return { cycles, upward, unlayered };
}

function repoGraph(): { graph: Map<string, string[]>; bare: Map<string, string[]> } {
  const graph = new Map<string, string[]>();
  const bare = new Map<string, string[]>();
  for (const f of DIRS.flatMap(listTs)) {
    const im = importsOf(f, fs.readFileSync(path.join(ROOT, f), "utf8"));
    graph.set(f, im.local);
    bare.set(f, im.bare);
  }
  return { graph, bare };
}

describe("import graph", () => {
  const { graph, bare } = repoGraph();

  it("reads the whole tree and every import resolves to a file", () => {
    expect(graph.size).toBeGreaterThan(150);
    const missing = [...graph].flatMap(([f, ts]) => ts.filter((t) => !fs.existsSync(path.join(ROOT, t))).map((t) => `${f} → ${t}`));
    expect(missing).toEqual([]);
  });

  it("every file has a layer, there are no cycles, and no import goes from a lower layer into a higher one", () => {
    const r = checkGraph(graph);
    expect(r.unlayered).toEqual([]);
    expect(r.cycles).toEqual([]);
    expect(r.upward).toEqual([]);
  });

  it("the CLI and the benchmarks never import figures/ (they reach figures through analysis/verify.ts)", () => {
    const bad = [...graph].flatMap(([f, ts]) => (f.startsWith("cli/") || f.startsWith("bench/") ? ts.filter((t) => t.startsWith("figures/")).map((t) => `${f} → ${t}`) : []));
    expect(bad).toEqual([]);
  });

  it("the science does no I/O: file, process and thread modules appear in src/ only in the data loaders and the worker pool", () => {
    const IO = ["node:fs", "node:fs/promises", "node:child_process", "node:worker_threads", "node:os", "node:net", "node:http", "node:https"];
    // src/parallel/ starts worker threads (worker_threads, os for the core count, fs to find the compiled worker)
    const io = [...bare].filter(([f, specs]) => f.startsWith("src/") && !f.startsWith("src/data/") && !f.startsWith("src/parallel/") && specs.some((s) => IO.includes(s)));
    expect(io.map(([f]) => f)).toEqual([]);
  });

  it("the checker itself rejects a cycle and an upward import (negative control)", () => {
    const g = new Map<string, string[]>([
      ["src/problems/a.ts", ["src/exact/b.ts"]],
      ["src/exact/b.ts", ["src/problems/a.ts"]],
      ["src/stats/c.ts", []],
    ]);
    const r = checkGraph(g);
    expect(r.cycles.length).toBe(1);
    expect(r.upward).toEqual(["src/problems/a.ts (problems) → src/exact/b.ts (engines)"]);
    expect(importsOf("src/x/y.ts", 'import type { A } from "../z.js";\nexport { b } from "./w.js";\nimport {\n  c,\n} from "node:fs";\n').local).toEqual(["src/z.ts", "src/x/w.ts"]);
  });
});
