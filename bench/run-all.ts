/**
 * `npm run bench`: every benchmark script, one after another. Benchmarks print throughput and,
 * where a Python peer is installed, the ratio against it. They are never timed tests.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const scripts = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".js") && f !== "run-all.js")
  .sort();
let failed = 0;
for (const s of scripts) {
  console.log(`\n== ${s.replace(/\.js$/, "")}`);
  const r = spawnSync(process.execPath, [path.join(here, s)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
