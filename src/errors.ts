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
