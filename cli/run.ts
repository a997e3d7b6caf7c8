/**
 * The stochgrad command line, as a function of its arguments (the executable is main.ts). Exit
 * codes: 0 success, 1 a claim failed (verify) or internal error, 2 bad input (one clear message
 * on one line naming the input; nothing half-written).
 */
import { helpText, parseArgs, usageLine } from "./args.js";
import { commands } from "./commands/index.js";
import { isGroup, type Command, type CommandGroup } from "./types.js";
import { oneLine } from "./common.js";
import { VERSION } from "./version.js";
import { InputError, quote } from "../src/errors.js";

function topHelp(): string {
  const lines = [`stochgrad ${VERSION} — gradient estimators through stochastic neurons, checked against exact answers`, "", "usage: stochgrad <command> [options]   (stochgrad <command> --help)", "", "commands:"];
  for (const c of Object.values(commands)) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  return lines.join("\n") + "\n";
}

function groupHelp(g: CommandGroup): string {
  const lines = [`usage: stochgrad ${g.name} <${Object.keys(g.subcommands).join("|")}> [options]   (stochgrad ${g.name} <subcommand> --help)`, "", g.summary, "", "subcommands:"];
  for (const [sub, c] of Object.entries(g.subcommands)) lines.push(`  ${sub.padEnd(12)} ${c.summary}`);
  return lines.join("\n") + "\n";
}

/** How many positional arguments a command takes: the words of its usage placeholder. */
function positionalCount(cmd: Command): number {
  return cmd.positional ? cmd.positional.trim().split(/\s+/).length : 0;
}

const orList = (xs: string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

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
  const entry = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  try {
    if (!entry) throw new InputError(`unknown command ${quote(name)} (commands: ${Object.keys(commands).join(", ")})`);
    let cmd: Command;
    let args = rest;
    if (isGroup(entry)) {
      const [sub, ...subArgs] = rest;
      if (sub === undefined || sub === "--help" || sub === "-h") {
        if (sub === undefined) throw new InputError(`${entry.name}: expected a subcommand ${orList(Object.keys(entry.subcommands))}, got nothing (see stochgrad ${entry.name} --help)`);
        process.stdout.write(groupHelp(entry));
        return 0;
      }
      if (!Object.prototype.hasOwnProperty.call(entry.subcommands, sub)) throw new InputError(`${entry.name}: expected a subcommand ${orList(Object.keys(entry.subcommands))}, got ${quote(sub)} (see stochgrad ${entry.name} --help)`);
      cmd = entry.subcommands[sub];
      args = subArgs;
    } else cmd = entry;
    if (args.includes("--help") || args.includes("-h")) {
      process.stdout.write(helpText(usageLine(cmd.name, cmd.flags, cmd.positional), cmd.summary, cmd.flags));
      return 0;
    }
    const parsed = parseArgs(args, cmd.flags, cmd.name);
    const extra = parsed.positional[positionalCount(cmd)];
    if (extra !== undefined) {
      throw new InputError(`${cmd.name}: unexpected argument ${quote(extra)} (usage: ${usageLine(cmd.name, cmd.flags, cmd.positional)})`);
    }
    return await cmd.run(parsed, args);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`stochgrad: error: ${oneLine(e.message)}\n`);
      return 2;
    }
    process.stderr.write(`stochgrad: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
