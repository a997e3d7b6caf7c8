/**
 * Seeded random streams. A Stream is always passed in as a parameter: no module-level
 * generator exists anywhere in stochgrad (an eslint rule forbids the global Math generator).
 *
 * Built on seedrandom's xor4096 (Brent's xorgens, period 2^4096−1; ~10× faster than the
 * default ARC4). Streams are keyed: `fork(key)` derives a child whose seed is
 * `${seed}/${key}`, so a result depends on *what* was computed (its key), never on the
 * order work was executed in or how it was split across workers.
 */
import { createRequire } from "node:module";
import { InputError } from "../errors.js";

const require = createRequire(import.meta.url);
// seedrandom ships CommonJS; xor4096 is loaded directly so the ARC4 default is never used.
const xor4096: (seed: string, opts?: { state: true | Xor4096State }) => StatefulPrng = require("seedrandom/lib/xor4096.js");

/** Serialisable generator state of xor4096 (128 × int32 words, index, Weyl counter). */
export interface Xor4096State {
  X: number[];
  i: number;
  w: number;
}

interface StatefulPrng {
  (): number;
  double(): number;
  int32(): number;
  state(): Xor4096State;
}

/** A snapshot from which a Stream can be rebuilt bit-for-bit: `Stream.fromJSON(s.toJSON())`. */
export interface StreamSnapshot {
  algorithm: "xor4096";
  seed: string;
  state: Xor4096State;
}

/** Standard normal quantiles need 53-bit uniforms in (0,1); Bernoulli draws use 32-bit ones. */
export class Stream {
  readonly seed: string;
  private readonly prng: StatefulPrng;
  /** Cached second Box–Muller deviate (NaN when empty). */
  private spare = Number.NaN;

  private constructor(seed: string, prng: StatefulPrng) {
    this.seed = seed;
    this.prng = prng;
  }

  /** A stream from a string or integer seed. Same seed ⇒ same sequence, on every machine. */
  static fromSeed(seed: string | number): Stream {
    const s = String(seed);
    return new Stream(s, xor4096(s, { state: true }));
  }

  /** Restore a stream from `toJSON()` output. */
  static fromJSON(snap: StreamSnapshot): Stream {
    const form = "stream snapshot: expected {algorithm:'xor4096', seed, state:{X[128], i, w}}";
    if (!snap || typeof snap !== "object" || snap.algorithm !== "xor4096" || typeof snap.seed !== "string" || !snap.state || typeof snap.state !== "object" || !Array.isArray(snap.state.X) || snap.state.X.length !== 128) throw new InputError(form);
    // the words are int32s (a string or 1.5 would be coerced silently by the generator's bit operations)
    const int32 = (x: unknown) => typeof x === "number" && (x | 0) === x;
    if (!snap.state.X.every(int32) || !int32(snap.state.w) || !(Number.isInteger(snap.state.i) && snap.state.i >= 0 && snap.state.i < 128)) throw new InputError(`${form} with int32 words and 0 ≤ i < 128`);
    const st: Xor4096State = { X: snap.state.X.slice(), i: snap.state.i, w: snap.state.w };
    return new Stream(snap.seed, xor4096("", { state: st }));
  }

  /** Child stream for a key: seed `${seed}/${key}`. Independent of this stream's position. */
  fork(key: string | number): Stream {
    return Stream.fromSeed(`${this.seed}/${key}`);
  }

  /** Read the generator state (serialisable JSON). */
  toJSON(): StreamSnapshot {
    const st = this.prng.state();
    return { algorithm: "xor4096", seed: this.seed, state: { X: Array.from(st.X), i: st.i, w: st.w } };
  }

  /** One uniform in [0,1) with 32-bit resolution (sufficient for u < p Bernoulli draws). */
  uniform(): number {
    return this.prng();
  }

  /** One uniform in (0,1) with 53-bit resolution. */
  double(): number {
    return this.prng.double();
  }

  /** Fill `out` with 32-bit uniforms in [0,1): the explicit noise of binary units. */
  uniforms(out: Float64Array, offset = 0, length = out.length - offset): Float64Array {
    const g = this.prng;
    const end = offset + length;
    for (let i = offset; i < end; i++) out[i] = g();
    return out;
  }

  /** Fill `out` with 53-bit uniforms in (0,1). */
  doubles(out: Float64Array): Float64Array {
    const g = this.prng;
    for (let i = 0; i < out.length; i++) out[i] = g.double();
    return out;
  }

  /** Fill `out` with Rademacher ±1 draws (SPSA's Δ), branch-free: 2·(bit) − 1. */
  rademacher(out: Float64Array): Float64Array {
    const g = this.prng;
    for (let i = 0; i < out.length; i++) out[i] = ((g.int32() >>> 31) << 1) - 1;
    return out;
  }

  /** One standard normal deviate (Box–Muller on 53-bit uniforms). */
  normal(): number {
    if (this.spare === this.spare) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u1 = this.prng.double();
    const u2 = this.prng.double();
    const r = Math.sqrt(-2 * Math.log(u1));
    const t = 2 * Math.PI * u2;
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** Fill `out` with standard normal deviates. */
  normals(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** Fisher–Yates shuffle of `a` in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
