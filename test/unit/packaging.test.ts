// What `npm pack` ships: the compiled library, CLI, analysis, figures and matchers, and the docs a
// user reads; no tests, benchmarks, CI scripts, sources or source maps. (npm test builds dist first.)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

describe("npm pack", () => {
  it("lists only what a user needs", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    for (const need of ["package.json", "README.md", "ARCHITECTURE.md", "dist/cli/main.js", "dist/src/index.js", "dist/src/index.d.ts", "dist/test-support/matchers.js", "dist/analysis/claim-worker.js", "dist/figures/index.js"]) expect(files).toContain(need);
    const unwanted = files.filter((f) => /^(test|bench|\.ci|src|analysis|figures|cli|node_modules|dist\/bench)\//.test(f) || f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts")));
    expect(unwanted).toEqual([]);
    // everything else is compiled output of the shipped folders or one of the user-facing documents
    const allowed = /^(dist\/(src|cli|analysis|figures|test-support)\/.+\.(js|d\.ts)|package\.json|README\.md|ARCHITECTURE\.md|LICENSE|docs\/[^/]+\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });
});
