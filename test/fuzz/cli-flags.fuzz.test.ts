// Property: any command line — every command and subcommand, any subset of its flags (read from
// the command table, so a new flag is fuzzed too) with hostile or plausible values, unknown
// flags and stray arguments — ends in one clear error (exit 2, one line, nothing written) or a
// valid result (JSON without null, no temporary or partial file), never a stack trace or a hang.
// Counts are either small or absurd (1e20): a plausible-but-huge request would be a legitimate
// long run, which the limits unit test covers at the boundary instead.
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { caseDir, classify, FUZZ_SEED, fuzzRoot, HANG_MS, listFiles, report, REPRODUCTION_HANG_MS, runInProcess, runs, runSpawned, Tally } from "./harness.js";

interface Flag {
  type: "string" | "number" | "int" | "boolean";
}
interface Cmd {
  name: string;
  flags: Record<string, Flag>;
}

const root = fuzzRoot("flags");
const inProc = new Tally("CLI flags (in-process)");
const spawned = new Tally("CLI flags (as a process)");
afterAll(() => {
  report(inProc);
  report(spawned);
  fs.rmSync(root, { recursive: true, force: true });
});

const SINGLE = { kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } };
const NET = { kind: "sbn", input: [1, 0], layers: [{ weights: [[0.5, -1], [1.2, 0.4]], bias: [0.1, -0.2] }, { weights: [[1, -1]], bias: [0.3] }], loss: { kind: "squared", target: [1] } };
const FIGURE = { kind: "stochgrad.figure", id: "f", title: "t", caption: "c", seed: "1", quick: true, data: {}, charts: [{ name: "a", spec: { title: "t", x: { label: "x" }, y: { label: "y" }, width: 200, height: 150, series: [{ label: "s", points: [[1, 1], [2, 3]] }] } }] };

/** Input files every case may name: problems, a figure record, a model (trained once), junk. */
const SHARED = path.join(root, "inputs");
const MODEL = path.join(SHARED, "model.json");
function writeInputs(): void {
  fs.mkdirSync(SHARED, { recursive: true });
  fs.writeFileSync(path.join(SHARED, "single.json"), JSON.stringify(SINGLE));
  fs.writeFileSync(path.join(SHARED, "net.json"), JSON.stringify(NET));
  fs.writeFileSync(path.join(SHARED, "fig.json"), JSON.stringify(FIGURE));
  fs.writeFileSync(path.join(SHARED, "junk.json"), "{not json");
}
/** Hard links to the shared inputs: cheap, and safe, since every write replaces a file by rename. */
function inputs(dir: string): void {
  for (const f of fs.readdirSync(SHARED)) fs.linkSync(path.join(SHARED, f), path.join(dir, f));
}

const count = fc.constantFrom("0", "1", "2", "3", "10", "64", "-1", "2.5", "1e20", "1e999", "NaN", "x", "");
const real = fc.constantFrom("0", "0.1", "0.5", "1", "-1", "1e-300", "1e300", "1e999", "-0", "abc", "", "0x10");
const files = ["{dir}/single.json", "{dir}/net.json", "{dir}/fig.json", "{dir}/junk.json", "{dir}/model.json", "{dir}/missing.json", "{dir}", "/proc/self/mem", "{dir}/single.json\nx"];
const hostileString = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "x".repeat(10_000), "a\nb", "../../../x", "é🙂", "-", "--", "=", ","));

/** Plausible values per flag name, plus hostile ones for every flag of its type. */
const byName: Record<string, fc.Arbitrary<string>> = {
  estimator: fc.constantFrom("correlation", "straight-through", "arm", "rloo", "spsa", "correlation-ma", "exact", "muprop", "nope", ""),
  estimators: fc.constantFrom("correlation", "correlation,arm", "rloo,disarm,straight-through", "correlation,nope", ",", "", "exact"),
  option: fc.constantFrom("K=3", "baseline=0.3", "decay=0.5", "decay=2", "baselin=1", "K=1", "temperature=0", "c=0.1", "perturbations=2", "K=3,K=4", "x", "=", "K=", "K=1e999", ""),
  out: fc.constantFrom("{dir}/out", "{dir}/out/deeper", "{dir}/single.json", "{dir}/single.json/sub", "/proc/stochgrad-fuzz", "{dir}/o.json", "{dir}"),
  function: fc.constantFrom("quadratic", "rosenbrock", "skewed-quartic", "{dir}/net.json", "{dir}/single.json", "nope", "{dir}/junk.json"),
  method: fc.constantFrom("spsa", "fdsa", "cd", "pcd", "exact", "gibbs", ""),
  data: fc.constantFrom("bars-and-stripes-3", "bars-and-stripes-4", "cifar", ""),
  binarize: fc.constantFrom("threshold", "stochastic", "soft"),
  resume: fc.constantFrom("{dir}/model.json", "{dir}/junk.json", "{dir}/single.json", "{dir}/missing.json"),
  only: fc.constantFrom("T1-delayed-reward", "NOPE", "T1-delayed-reward,NOPE", ","),
  // not "all": rendering every figure is a legitimate 40 s run
  figures: fc.constantFrom("none", "nope", "nr-zero-rate,nope"),
  seed: fc.oneof(fc.constantFrom("1", "stochgrad", "0"), hostileString),
  theta0: fc.constantFrom("1,2", "0", "1,x", "", "1e999,0"),
  "mnist-dir": fc.constantFrom("{dir}", "{dir}/missing"),
  workers: fc.constantFrom("1", "2", "0", "65", "1.5"),
  alpha: real,
  hidden: fc.constantFrom("1", "2", "0", "-3", "1e9", "2.5"),
  epochs: fc.constantFrom("1", "2", "0", "-1", "1e20", "x"),
  "ais-runs": fc.constantFrom("1", "2", "0", "1e20"),
  "ais-steps": fc.constantFrom("1", "10", "0", "1e20"),
  iterations: fc.constantFrom("1", "10", "50", "0", "1e20"),
  seeds: fc.constantFrom("1", "2", "0", "1e9"),
  dimension: fc.constantFrom("1", "2", "5", "0", "1e9"),
  perturbations: fc.constantFrom("1", "2", "0", "1e9"),
  steps: fc.constantFrom("10", "20", "15", "0", "1e9"),
  "eval-every": fc.constantFrom("10", "20", "5", "1e9"),
  "probe-draws": fc.constantFrom("2", "5", "1", "1e9"),
  merge: fc.constantFrom("{dir}", "{dir}/missing", "{dir}/out", ","),
  sparsity: fc.constantFrom("0.2", "0", "1.5", "x"),
  "train-size": fc.constantFrom("14", "30", "1", "0", "1e9"),
  "test-size": fc.constantFrom("14", "30", "1", "0"),
  shard: fc.constantFrom("1/1", "1/2", "2/2", "3/2", "0/1", "1/0", "2", "1/20000", "x/y"),
  "max-units": fc.constantFrom("3", "24", "40", "41", "2", "0", "-1", "1e20"),
};

/** Flags a case always gets, so an accepted run stays small (MNIST, 300-epoch defaults and verify's full run are long by design). */
const REQUIRED: Record<string, string[][]> = {
  "rbm train": [["--epochs", "1"], ["--data", "bars-and-stripes-3"], ["--hidden", "2"]],
  "rbm eval": [["--data", "bars-and-stripes-3"]],
  verify: [["--quick"], ["--only", "T1-delayed-reward"]],
  compare: [["--samples", "10"], ["--estimators", "correlation,arm"]],
  "spsa optimize": [["--iterations", "20"], ["--function", "quadratic"], ["--a", "0.1"]],
  estimate: [["--estimator", "correlation"], ["--samples", "100"]],
  // a reproduction's full run takes hours by design: --quick, one method, one evaluation interval
  "reproduce binary-vae": [["--quick"], ["--estimators", "disarm"], ["--steps", "10"], ["--probe-draws", "2"]],
};

/**
 * The flags a case of `cmd` always gets: REQUIRED's, and for every reproduction (whose defaults run
 * for an hour by design) its quick settings with one seed and one epoch, where it has those flags.
 */
function requiredFor(cmd: Cmd): string[][] {
  if (REQUIRED[cmd.name]) return REQUIRED[cmd.name];
  if (!cmd.name.startsWith("reproduce ")) return [];
  return [["--quick"], ["--seeds", "1"], ["--epochs", "1"]].filter(([n]) => Object.prototype.hasOwnProperty.call(cmd.flags, n.slice(2)));
}

function value(name: string, f: Flag, clean: boolean): fc.Arbitrary<string> {
  const typed = f.type === "int" ? count : f.type === "number" ? real : hostileString;
  const plausible = byName[name];
  if (clean) return plausible ?? (f.type === "int" ? fc.constantFrom("1", "2", "3") : f.type === "number" ? fc.constantFrom("0.1", "0.5", "1") : fc.constantFrom("1", "a"));
  return plausible ? fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: typed, weight: 1 }) : typed;
}

/** The input a command's positional argument takes, for clean command lines. */
const POSITIONAL: Record<string, string[]> = {
  exact: ["{dir}/single.json", "{dir}/net.json"],
  estimate: ["{dir}/single.json", "{dir}/net.json"],
  compare: ["{dir}/single.json", "{dir}/net.json"],
  render: ["{dir}/fig.json"],
  "rbm eval": ["{dir}/model.json"],
};

/** A command line for cmd: hostile (any values, stray arguments) or clean (plausible values only). */
function argvFor(cmd: Cmd, clean: boolean): fc.Arbitrary<string[]> {
  const names = Object.keys(cmd.flags).filter((n) => n !== "help");
  const flag: fc.Arbitrary<string[]> = fc.constantFrom(...names).chain((n): fc.Arbitrary<string[]> => {
    const f = cmd.flags[n];
    if (f.type === "boolean") return clean ? fc.constant([`--${n}`]) : fc.constantFrom([`--${n}`], [`--${n}=1`]);
    return value(n, f, clean).map((v) => (v.length % 3 === 0 ? [`--${n}=${v}`] : [`--${n}`, v]));
  });
  const stray: fc.Arbitrary<string[] | null> = clean ? fc.constant(null) : fc.option(fc.oneof(fc.constantFrom<string[]>(["--nope"], ["-x"], ["extra"], ["--"], ["--out"]), fc.constantFrom(...files).map((f) => [f])), { freq: 5 });
  const positional: fc.Arbitrary<string | null> = clean ? (POSITIONAL[cmd.name] ? fc.constantFrom(...POSITIONAL[cmd.name]) : fc.constant(null)) : fc.option(fc.constantFrom(...files), { freq: 4 });
  return fc
    .record({
      positional,
      flags: fc.uniqueArray(flag, { maxLength: clean ? 3 : 5, selector: (a) => a[0].split("=")[0] }),
      stray,
      keepRequired: clean ? fc.constant(true) : fc.boolean(),
      repeat: clean ? fc.constant<string[] | null>(null) : fc.option(flag, { freq: 12 }),
    })
    .map(({ positional: p, flags, stray: s, keepRequired, repeat }) => {
      const given = new Set(flags.map((a) => a[0].split("=")[0]));
      const req = requiredFor(cmd).filter(([n]) => keepRequired || n !== "--epochs").filter(([n]) => !given.has(n));
      // an absent --out would write into the working folder: every case writes into its own
      const out = cmd.flags.out && !given.has("--out") ? [["--out", "{dir}/out"]] : [];
      return [...cmd.name.split(" "), ...(p ? [p] : []), ...flags.flat(), ...req.flat(), ...out.flat(), ...(s ?? []), ...(repeat ?? [])];
    });
}

/**
 * A reproduction's record marks what does not apply with null by its documented form (the dense
 * row's unit and estimator, the sd of a single seed); its checkpoint and every other file holds none.
 */
const recordNulls = (argv: string[]) => (file: string) => argv[0] === "reproduce" && path.basename(file) === `${argv[1]}.json`;

/** The hang limit of a case: a reproduction's quick run trains for seconds. */
const hangLimit = (argv: string[]) => (argv[0] === "reproduce" ? REPRODUCTION_HANG_MS : HANG_MS);

/** "rbm train", "exact", … or "other" (a stray first word), for the time table. */
function label(argv: string[]): string {
  const two = `${argv[0]} ${argv[1]}`;
  return ["rbm train", "rbm eval", "spsa optimize"].includes(two) ? two : ["verify", "exact", "estimate", "estimators", "render", "compare"].includes(argv[0]) ? argv[0] : "other";
}

describe("command lines under fuzzing", async () => {
  const { commands } = (await import("../../dist/cli/commands/index.js")) as { commands: Record<string, Cmd | { name: string; subcommands: Record<string, Cmd> }> };
  const all: Cmd[] = Object.values(commands).flatMap((c) => ("subcommands" in c ? Object.values(c.subcommands) : [c]));
  // one trained model for --resume and rbm eval (bars-and-stripes-3, 2 hidden units, 1 epoch)
  writeInputs();
  const m = await runInProcess(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "2", "--epochs", "1", "--out", MODEL]);
  // verify's valid runs take 0.2 s each (a claim runs): drawn a third as often as the other
  // commands; a quick reproduction trains for seconds: a ninth
  const weight = (c: Cmd) => (c.name.startsWith("reproduce ") ? 1 : c.name === "verify" ? 3 : 9);
  const anyArgv = fc.oneof(
    ...all.map((c) => ({ arbitrary: argvFor(c, false), weight: weight(c) })),
    ...all.map((c) => ({ arbitrary: argvFor(c, true), weight: weight(c) })),
    { arbitrary: fc.array(fc.oneof(hostileString, fc.constantFrom("exact", "rbm", "spsa", "--help", "help", "--version")), { maxLength: 4 }), weight: 9 },
  );

  it("every command: one clear error or a valid result (in-process)", async () => {
    expect(m.code).toBe(0);
    let k = 0;
    await fc.assert(
      fc.asyncProperty(anyArgv, async (argvT) => {
        const dir = caseDir(root, k++);
        inputs(dir);
        const argv = argvT.map((a) => a.replaceAll("{dir}", dir));
        const before = listFiles(dir);
        const r = await runInProcess(argv);
        const { outcome, why } = classify(r, { dir, before, resultCodes: argv[0] === "verify" ? [0, 1] : [0], hangMs: hangLimit(argvT), allowNull: recordNulls(argvT) });
        inProc.add(outcome, why, argvT);
        inProc.timed(`${label(argvT)}/${outcome}`, r.ms);
        fs.rmSync(dir, { recursive: true, force: true });
        return outcome === "ok" || outcome === "error";
      }),
      { numRuns: runs(1000), seed: FUZZ_SEED },
    );
    expect(inProc.bad).toBe(0);
  });

  it("a sample end to end as a process: the same property", () => {
    const sample = fc.sample(anyArgv, { numRuns: runs(8), seed: FUZZ_SEED + 1 });
    sample.forEach((argvT, k) => {
      const dir = caseDir(root, 100_000 + k);
      inputs(dir);
      // an argument longer than the kernel's limit (128 KiB) cannot be passed to a process
      const argv = argvT.map((a) => a.replaceAll("{dir}", dir)).filter((a) => a.length < 100_000);
      const before = listFiles(dir);
      const { outcome, why } = classify(runSpawned(argv, Math.max(30_000, hangLimit(argvT))), { dir, before, resultCodes: argv[0] === "verify" ? [0, 1] : [0], hangMs: hangLimit(argvT), allowNull: recordNulls(argvT) });
      spawned.add(outcome, why, argvT);
    });
    expect(spawned.bad).toBe(0);
  });
});
