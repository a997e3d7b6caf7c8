import type { FlagSpec, ParsedArgs } from "./args.js";

/** A CLI command: flags are declared as data so --help is generated and unknown flags rejected. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** returns the process exit code */
  run(args: ParsedArgs, rawArgs: string[]): Promise<number>;
}
