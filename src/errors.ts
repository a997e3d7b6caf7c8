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

/** Throws InputError unless x is a finite number. */
export function requireFinite(x: unknown, where: string): number {
  if (typeof x !== "number" || !Number.isFinite(x)) {
    throw new InputError(`${where}: expected a finite number, got ${typeof x === "number" ? String(x) : JSON.stringify(x)}`);
  }
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
