#!/usr/bin/env node
/**
 * stochgrad command line. Exit codes: 0 success, 1 a claim failed (verify) or internal error,
 * 2 bad input (one clear message naming the input; nothing half-written).
 */
import { helpText, parseArgs } from "./args.js";
import { commands } from "./commands/index.js";
import { VERSION } from "./version.js";
import { InputError } from "../src/errors.js";

function topHelp(): string {
  const lines = [`stochgrad ${VERSION} — gradient estimators through stochastic neurons, checked against exact answers`, "", "usage: stochgrad <command> [options]   (stochgrad <command> --help)", "", "commands:"];
  for (const c of Object.values(commands)) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  return lines.join("\n") + "\n";
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp());
    return 0;
  }
  if (name === "--version") {
    process.stdout.write(VERSION + "\n");
    return 0;
  }
  const cmd = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  try {
    if (!cmd) throw new InputError(`unknown command "${name}" (commands: ${Object.keys(commands).join(", ")})`);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(helpText(cmd.usage, cmd.summary, cmd.flags));
      return 0;
    }
    const args = parseArgs(rest, cmd.flags, cmd.name);
    return await cmd.run(args, rest);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`stochgrad: error: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`stochgrad: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(String(e) + "\n");
    process.exitCode = 1;
  },
);
