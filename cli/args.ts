import { InputError } from "../src/errors.js";
/**
 * Minimal, strict argument parsing: `--name value`, `--name=value`, boolean `--flag`.
 * Unknown flags and missing values are errors that name the flag.
 */

export interface FlagSpec {
  /** "string" | "number" | "int" | "boolean" */
  type: "string" | "number" | "int" | "boolean";
  description: string;
  default?: string | number | boolean;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | number | boolean | undefined>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): ParsedArgs {
  const flags: ParsedArgs["flags"] = {};
  const positional: string[] = [];
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) flags[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (!s) throw new InputError(`${command}: unknown option --${name} (see stochgrad ${command} --help)`);
    if (s.type === "boolean") {
      if (eq >= 0) throw new InputError(`${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[++i];
      if (raw === undefined) throw new InputError(`${command}: --${name} needs a value`);
    }
    if (s.type === "string") flags[name] = raw;
    else {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) throw new InputError(`${command}: --${name} expects a finite number, got "${raw}"`);
      if (s.type === "int" && !Number.isInteger(v)) throw new InputError(`${command}: --${name} expects an integer, got "${raw}"`);
      flags[name] = v;
    }
  }
  return { positional, flags };
}

export function helpText(usage: string, summary: string, spec: Record<string, FlagSpec>): string {
  const lines = [`usage: ${usage}`, "", summary, ""];
  const names = Object.keys(spec);
  if (names.length) lines.push("options:");
  for (const n of names) {
    const s = spec[n];
    const left = `  --${n}${s.type === "boolean" ? "" : ` <${s.type}>`}`;
    lines.push(`${left.padEnd(28)} ${s.description}${s.default !== undefined && s.type !== "boolean" ? ` (default ${s.default})` : ""}`);
  }
  return lines.join("\n") + "\n";
}
