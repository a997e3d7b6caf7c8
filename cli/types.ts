import type { FlagSpec, ParsedArgs } from "./args.js";

/**
 * A CLI command: flags are declared as data, so `--help` and the usage line are generated from
 * them (`usageLine`) and unknown flags are rejected.
 */
export interface Command {
  /** the words that invoke it, e.g. "verify" or "rbm train" */
  name: string;
  summary: string;
  /** positional arguments for the usage line, e.g. "problem.json" */
  positional?: string;
  flags: Record<string, FlagSpec>;
  /** returns the process exit code */
  run(args: ParsedArgs, rawArgs: string[]): Promise<number>;
}

/** A command with subcommands (`stochgrad rbm train|eval`): each subcommand has its own flags and help. */
export interface CommandGroup {
  name: string;
  summary: string;
  subcommands: Record<string, Command>;
}

export type CommandEntry = Command | CommandGroup;

export function isGroup(c: CommandEntry): c is CommandGroup {
  return "subcommands" in c;
}
