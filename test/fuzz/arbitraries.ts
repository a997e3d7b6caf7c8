/**
 * fast-check generators for the fuzz properties: well-formed problem JSON of every kind, figure
 * records and model files, and mutations that turn them hostile (a node replaced by a string,
 * null, a deep nest, a huge array or a number at the edge of float64; a key deleted or added).
 * Well-formed values keep magnitudes moderate (|x| ≤ 4, noise scale ≥ 0.1) so that a run that is
 * accepted finishes in milliseconds; hostile values go anywhere.
 */
import fc from "fast-check";

/** A value nested `depth` levels deep: [[[…[leaf]…]]], built without recursion. */
export function deepNest(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const moderate = fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });
const positive = fc.double({ min: 0.1, max: 3, noNaN: true, noDefaultInfinity: true });

/** Values that broke or could break a parser: coercible strings, null, nests, edge numbers, big arrays. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>("1", "", "NaN", "Infinity", "-1", null, true, [], {}, [[[2]], "1", null], -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1e21, -1, 0, 0.5, 2 ** 31, "__proto__", { __proto__: null }),
  fc.integer({ min: 2, max: 30_000 }).map((n) => deepNest(n)),
  fc.constant(1e4).map((n) => new Array(n).fill(0)),
  fc.constantFrom("x".repeat(20_000), "a\nb", "\u0000", "../../etc", "é🙂"),
);

function layerWidths(): fc.Arbitrary<number[]> {
  // at most 4 units: `exact` computes every estimator's moments, which takes seconds at 9 units
  return fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 2 });
}

/** A well-formed sigmoid belief net (or single unit) with a squared or table loss. */
export const sbnProblem: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ nIn: fc.integer({ min: 0, max: 3 }), widths: layerWidths(), table: fc.boolean(), seed: fc.array(moderate, { minLength: 64, maxLength: 64 }) })
  .map(({ nIn, widths, table, seed }) => {
    let k = 0;
    const next = () => seed[k++ % seed.length];
    const input = Array.from({ length: nIn }, () => (next() > 0 ? 1 : 0));
    let prev = nIn;
    const layers = widths.map((w) => {
      const L = { weights: Array.from({ length: w }, () => Array.from({ length: prev }, next)), bias: Array.from({ length: w }, next) };
      prev = w;
      return L;
    });
    const last = widths[widths.length - 1];
    const loss = table ? { kind: "table", table: Array.from({ length: 2 ** last }, next) } : { kind: "squared", target: Array.from({ length: last }, next) };
    return { kind: "sbn", input, layers, loss };
  });

export const singleProblem: fc.Arbitrary<Record<string, unknown>> = fc.record({
  kind: fc.constant("single"),
  logit: moderate,
  loss: fc.oneof(fc.record({ kind: fc.constant("squared"), target: moderate }), fc.record({ kind: fc.constant("table"), table: fc.array(moderate, { minLength: 2, maxLength: 2 }) })),
});

export const delayedProblem: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ steps: fc.integer({ min: 3, max: 7 }), states: fc.integer({ min: 2, max: 5 }), seed: fc.array(moderate, { minLength: 10, maxLength: 10 }), withReward: fc.boolean() })
  .map(({ steps, states, seed, withReward }) => ({
    kind: "delayed",
    steps,
    states,
    start: Math.floor(states / 2),
    policy: seed.slice(0, states),
    ...(withReward ? { reward: seed.slice(5, 5 + states) } : {}),
  }));

const unit = fc.oneof(fc.record({ type: fc.constantFrom("noisy-rectifier", "noisy-sigmoid", "hard-threshold"), s: positive }), fc.constant({ type: "sts" }));

export const noisyProblem: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ kind: fc.constant("noisy-single"), unit, a: moderate, loss: fc.record({ kind: fc.constantFrom("squared", "linear"), v: moderate }) }).map(({ loss, ...o }) => ({ ...o, loss: loss.kind === "squared" ? { kind: "squared", target: loss.v } : { kind: "linear", weights: [loss.v] } })),
  fc.record({ unit, w: moderate, b: moderate, t: moderate }).map(({ unit: u, w, b, t }) => ({ kind: "noisy-net", input: [1], layers: [{ unit: u, weights: [[w]], bias: [b] }], loss: { kind: "squared", target: [t] } })),
);

/** Any well-formed problem. */
export const validProblem = fc.oneof(sbnProblem, singleProblem, delayedProblem, noisyProblem);

/** Every path (as keys) to a node of a JSON value, root excluded. */
export function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 8 || v === null || typeof v !== "object") return out;
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v as Record<string, unknown>);
  for (const [k, x] of entries) {
    const p = [...prefix, k];
    out.push(p);
    paths(x, p, out, depth + 1);
  }
  return out;
}

export interface Mutation {
  at: number;
  op: "replace" | "delete" | "add";
  key: string;
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("replace", "replace", "delete", "add"),
  key: fc.oneof(fc.constantFrom("extra", "biass", "kind", "weights", "bias", "target", "s", "unit", "__proto__"), fc.string({ maxLength: 8 })),
  value: hostileValue,
});

/** Nesting depth of a JSON value, counted up to `limit` (an explicit stack: no recursion). */
export function nestingDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    max = Math.max(max, d);
    if (max >= limit) return limit;
    if (x !== null && typeof x === "object") for (const y of Object.values(x as object)) stack.push([y, d + 1]);
  }
  return max;
}

/**
 * Apply mutations to a deep copy of v (paths chosen by index, so shrinking stays meaningful).
 * Each inserted value is copied too: constantFrom hands out the same object every time, and a
 * later mutation that pushed into it would grow it across runs (and could make it contain itself).
 */
export function mutate(v: unknown, ms: Mutation[]): unknown {
  const root = { v: structuredClone(v) } as Record<string, unknown>;
  for (const m0 of ms) {
    // a deep nest is rebuilt (structuredClone overflows on it); either way no object is inserted
    // twice, which would let a later "add" push a value into itself (a cycle)
    const depth = nestingDepth(m0.value, 1000);
    const m = { ...m0, value: depth < 1000 ? structuredClone(m0.value) : deepNest(nestingDepth(m0.value, 1e6)) };
    const ps = paths(root.v, ["v"]).map((p) => p);
    const all = [["v"], ...ps];
    const p = all[m.at % all.length];
    let parent: Record<string | number, unknown> = root;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = p[p.length - 1];
    const node = parent[last];
    if (m.op === "replace") parent[last] = m.value;
    else if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (p.length > 1) delete parent[last];
    } else if (node !== null && typeof node === "object" && !Array.isArray(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    else if (Array.isArray(node)) node.push(m.value);
  }
  return root.v;
}

/** A well-formed problem, mutated 0–3 times. */
export const hostileProblem = fc.tuple(validProblem, fc.array(mutation, { maxLength: 3 })).map(([p, ms]) => mutate(p, ms));

/** True when a value holds a number of magnitude ≥ 1e150 (its square overflows). */
export function holdsHuge(v: unknown): boolean {
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === "number" && Math.abs(x) >= 1e150) return true;
    if (x !== null && typeof x === "object") for (const y of Object.values(x as object)) stack.push(y);
  }
  return false;
}

/**
 * Hostile problems for the commands that compute with them: without numbers whose squares
 * overflow. A loss target of −1e308 makes `exact` run for minutes (E[(h − t)²] = ∞ in the
 * estimators' quadrature): overflow from finite inputs belongs to the exact engine's half of
 * the work, and a hang cannot be interrupted in-process. problemFromJSON's property keeps them.
 */
export const hostileComputableProblem = hostileProblem.filter((v) => !holdsHuge(v));

/** A well-formed figure record with 1–2 charts of 1–3 series. */
export const figureRecord: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    id: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
    names: fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 2 }),
    series: fc.array(fc.record({ n: fc.integer({ min: 0, max: 12 }), style: fc.constantFrom("line", "scatter", "dashed", "band", undefined), log: fc.boolean(), gap: fc.boolean() }), { minLength: 1, maxLength: 3 }),
    bar: fc.boolean(),
  })
  .map(({ id, names, series, bar }) => ({
    kind: "stochgrad.figure",
    id,
    title: "fuzz",
    caption: "a generated record",
    seed: "1",
    quick: true,
    data: {},
    charts: names.map((name) => ({
      name,
      spec: {
        title: `chart ${name}`,
        x: { label: "x" },
        y: { label: "y", log: series[0].log },
        width: 240,
        height: 160,
        ...(bar ? { kind: "bar", categories: ["a", "b", "c"] } : {}),
        series: series.map((s, i) => {
          const points = Array.from({ length: bar ? 3 : s.n }, (_, k) => [k + 1, s.gap && k === 1 ? null : (k + 1) * (i + 1)]);
          return { label: `s${i}`, points, ...(bar ? {} : s.style ? { style: s.style } : {}), ...(s.style === "band" && !bar ? { lower: points.map(([, y]) => (y === null ? null : (y as number) / 2)), upper: points.map(([, y]) => (y === null ? null : (y as number) * 2)) } : {}) };
        }),
      },
    })),
  }));

/** A figure record mutated 0–3 times (chart names and ids included). */
export const hostileFigureRecord = fc
  .tuple(figureRecord, fc.array(fc.oneof(mutation, fc.record({ at: fc.nat(), op: fc.constant("replace" as const), key: fc.constant(""), value: fc.constantFrom<unknown>("../../x", "a/b", "..", ".hidden", "x".repeat(200), 1e6, 1e5) })), { maxLength: 3 }))
  .map(([r, ms]) => mutate(r, ms));
