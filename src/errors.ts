/**
 * Errors of bad input. Every validation in the library throws an `InputError` whose message names
 * the offending input (a JSON path such as `layers[1].weights[2][0]`, an option field such as
 * `learningRate`, or a file). The CLI prints it as one line on stderr and exits with code 2.
 *
 * A `FieldError` is an `InputError` about one named option field (`field: detail`). Library code
 * names fields, never command-line flags; the CLI maps fields to its flags (`cli/common.ts`).
 */

/** Validation error that names the offending input path, e.g. `layers[1].weights[2][0]`. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** An InputError about the option field `field`: the message is `${field}: ${detail}`. */
export class FieldError extends InputError {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "FieldError";
  }
}

/** Longest echo of a user's string in a message; longer ones are cut and their length given. */
export const MAX_ECHO_CHARS = 60;

/**
 * A user's string as it appears in an error message: JSON-quoted (so control characters and
 * newlines stay on one line), cut to MAX_ECHO_CHARS with its full length stated.
 */
export function quote(s: string, max = MAX_ECHO_CHARS): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/**
 * A short description of any value for an error message, without recursing into it (so a value
 * nested 20 000 levels deep or 5 MB long is described in a few words): numbers as written,
 * strings quoted and cut (`quote`), arrays by their length, objects by their first keys.
 */
export function describeValue(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v === null || v === undefined) return String(v);
  if (typeof v === "string") return quote(v);
  if (Array.isArray(v)) return `an array of ${v.length} entr${v.length === 1 ? "y" : "ies"}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 0) return "an empty object";
    const shown = keys.slice(0, 4).map((k) => quote(k, 24));
    return `an object with key${keys.length === 1 ? "" : "s"} ${shown.join(", ")}${keys.length > 4 ? `, … (${keys.length} keys)` : ""}`;
  }
  return `a ${typeof v}`;
}

/** Throws InputError unless x is a finite number (a string such as "1" is not a number). */
export function requireFinite(x: unknown, where: string): number {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${where}: expected a finite number, got ${describeValue(x)}`);
  return x;
}

/**
 * An exact result the library refuses to return: a routine could not certify its tolerance
 * (quadrature), or the result is not a finite float64 (overflow, 0/0). It is an InputError (the CLI
 * prints one line and exits with code 2): the input asked for something the exact engines cannot
 * deliver to their stated accuracy; the message names the quantity and says what to do instead.
 */
export class ExactRefusal extends InputError {
  constructor(
    readonly quantity: string,
    message: string,
  ) {
    super(message);
    this.name = "ExactRefusal";
  }
}

/** What to do about a result that is not finite (shared by the exact guard and the JSON writers). */
export const nonFiniteHint = "rescale the problem's losses, weights or step sizes so that its values stay well inside ±1.8e308";

/**
 * Throws ExactRefusal naming `quantity` (and the entry, by `labels[k]` when given) unless x, a number
 * or every entry of a vector, is finite. The guard at every exact-result boundary: NaN and ±∞ never
 * leave the library as results (JSON would print them as null).
 */
export function requireFiniteResult(x: number | ArrayLike<number>, quantity: string, labels?: readonly string[]): void {
  const bad = (v: number, name: string) => new ExactRefusal(name, `${name} = ${v}: the exact result is not a finite float64 (${Number.isNaN(v) ? "an intermediate sum overflowed ±1.8e308, or 0/0" : "it overflows ±1.8e308"}); ${nonFiniteHint}`);
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw bad(x, quantity);
    return;
  }
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) throw bad(x[k], `${quantity}[${labels?.[k] ?? k}]`);
}
