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
const failed = scripts.filter((s) => {
  console.log(`\n== ${s.replace(/\.js$/, "")}`);
  return spawnSync(process.execPath, [path.join(here, s)], { stdio: "inherit" }).status !== 0;
});
process.exitCode = failed.length ? 1 : 0;
