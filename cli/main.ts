#!/usr/bin/env node
/**
 * The stochgrad executable: runs the command line (run.ts) and guards standard output. A reader
 * that goes away (`stochgrad estimators | head -1`, EPIPE) ends the run quietly; a write that
 * fails otherwise (`> /dev/full`, ENOSPC) is one clear error with exit code 2. Without the guard
 * either ends in an unhandled 'error' event and a stack trace.
 */
import { oneLine } from "./common.js";
import { main } from "./run.js";

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  process.stderr.write(`stochgrad: error: ${oneLine(`cannot write to standard output (${e.code ?? e.message})`)}\n`);
  process.exit(2);
});
// a closed stderr has nowhere to report to
process.stderr.on("error", () => process.exit(typeof process.exitCode === "number" ? process.exitCode : 2));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`stochgrad: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
