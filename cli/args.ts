import { InputError, quote } from "../src/errors.js";
/**
 * Minimal, strict argument parsing: `--name value`, `--name=value`, boolean `--flag`.
 * Unknown flags and missing values are errors that name the flag.
 */

export interface FlagSpec {
  /** "string" | "number" | "int" | "boolean" */
  type: "string" | "number" | "int" | "boolean";
  description: string;
  default?: string | number | boolean;
  /** the value's name in the usage line (default N for int, X for number, S for string) */
  metavar?: string;
  /** listed without brackets in the usage line (the command checks it and names it when missing) */
  required?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  /** every flag's value: given, else its default */
  flags: Record<string, string | number | boolean | undefined>;
  /** the flags given on the command line (not filled in from defaults) */
  given: ReadonlySet<string>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): ParsedArgs {
  const flags: ParsedArgs["flags"] = {};
  const positional: string[] = [];
  const given = new Set<string>();
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) flags[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!s) throw new InputError(`${command}: unknown option --${name.length > 40 ? `${name.slice(0, 40)}… (${name.length} characters)` : name} (see stochgrad ${command} --help)`);
    // a second value would silently replace the first
    if (given.has(name)) throw new InputError(`${command}: --${name} given twice`);
    given.add(name);
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
    // an empty value (`--only=`, `--estimators ""`) is never "all" or "default": it is a mistake
    if (raw.trim() === "") throw new InputError(`${command}: --${name} needs a value, got an empty one (${s.metavar ?? METAVAR[s.type]})`);
    if (s.type === "string") flags[name] = raw;
    else {
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new InputError(`${command}: --${name} expects a finite number, got ${quote(raw)}`);
      if (s.type === "int" && !Number.isInteger(v)) throw new InputError(`${command}: --${name} expects an integer, got ${quote(raw)}`);
      flags[name] = v;
    }
  }
  return { positional, flags, given };
}

const METAVAR = { int: "N", number: "X", string: "S", boolean: "" } as const;

/**
 * The usage line generated from the flag table, so it lists every flag:
 * `stochgrad NAME [positional] --required META [--optional META] [--switch]` (help left out).
 */
export function usageLine(name: string, spec: Record<string, FlagSpec>, positional?: string): string {
  const parts = [`stochgrad ${name}`];
  if (positional) parts.push(positional);
  const flag = (n: string, s: FlagSpec) => (s.type === "boolean" ? `--${n}` : `--${n} ${s.metavar ?? METAVAR[s.type]}`);
  for (const [n, s] of Object.entries(spec)) if (s.required) parts.push(flag(n, s));
  for (const [n, s] of Object.entries(spec)) if (!s.required && n !== "help") parts.push(`[${flag(n, s)}]`);
  return parts.join(" ");
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
