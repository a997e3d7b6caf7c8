// Sharding and merging: `--shard K/N` parts, run as parallel processes, merge into files that are
// byte-identical to the unsharded run's, for N = 1, 2 and 3; every bad input is one clear error.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mergeParts, parseShard, partText, readPart, shardItems } from "../../analysis/shard.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "sg-shard-"));

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "1", ...env } });
}

/** Run several CLI processes at once; resolves with their exit codes and stderr. */
function parallel(runs: string[][], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }[]> {
  return Promise.all(
    runs.map(
      (args) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CI: "1", ...env } });
          let stderr = "";
          p.stderr.on("data", (d) => (stderr += d));
          p.on("close", (code) => resolve({ code, stderr }));
        }),
    ),
  );
}

/** The command is one error (exit 2, one line matching msg) and leaves no merge folder "m". */
function refusedOnce(dir: string, args: string[], msg: RegExp): void {
  const r = cli(args, dir);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(msg);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(fs.existsSync(path.join(dir, "m"))).toBe(false);
}

/** Every file under dir (relative path → bytes). */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function expectSameTree(a: string, b: string): void {
  const ta = tree(a);
  const tb = tree(b);
  expect([...tb.keys()]).toEqual([...ta.keys()]);
  for (const [k, v] of ta) expect(tb.get(k)!.equals(v), k).toBe(true);
}

async function shardedMatchesUnsharded(args: string[], expectFiles: string[], counts = [1, 2, 3]) {
  const dir = tmp();
  const full = cli([...args, "--out", "full"], dir);
  expect(full.stderr.split("\n").filter((l) => /error/.test(l))).toEqual([]);
  expect(full.status).toBe(0);
  const files = [...tree(path.join(dir, "full")).keys()];
  for (const f of expectFiles) expect(files).toContain(f);
  for (const N of counts) {
    const shards = Array.from({ length: N }, (_, k) => [...args, "--shard", `${k + 1}/${N}`, "--out", `parts-${N}`]);
    const rs = await parallel(shards, dir);
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const parts = fs.readdirSync(path.join(dir, `parts-${N}`)).sort();
    expect(parts).toHaveLength(N);
    // a shard writes its part only, never the unsharded run's files
    expect(parts.every((p) => p.endsWith(`-of-${N}.json`))).toBe(true);
    const m = cli(["merge", ...parts.map((p) => path.join(`parts-${N}`, p)), "--out", `merged-${N}`], dir);
    expect(m.stderr).toBe("");
    expect(m.status).toBe(0);
    expectSameTree(path.join(dir, "full"), path.join(dir, `merged-${N}`));
  }
  return dir;
}

// 18 binary units: 4 Gray-code blocks of 2^16 states; 10 000 draws: 3 Monte Carlo chunks of 4096
const fixtures = tmp();
const layer = (o: number, i: number, k: number) => ({ weights: Array.from({ length: o }, (_, a) => Array.from({ length: i }, (_, b) => Math.sin(7 * a + 3 * b + k) * 0.8)), bias: Array.from({ length: o }, (_, a) => Math.cos(a + k) * 0.3) });
const NET18 = path.join(fixtures, "net18.json");
fs.writeFileSync(NET18, JSON.stringify({ kind: "sbn", input: [1, 0, 1], layers: [layer(9, 3, 1), layer(9, 9, 2)], loss: { kind: "squared", target: new Array(9).fill(1) } }));

describe("--shard K/N and stochgrad merge: byte-identical to the unsharded run", () => {
  it("verify, sharded by claim and figure, N = 1, 2, 3", async () => {
    await shardedMatchesUnsharded(["verify", "--quick", "--only", "ST-bias,T1-optimal-baseline,DisARM-variance", "--figures", "nr-zero-rate", "--workers", "1"], ["claims.json", "report.md", "figures/nr-zero-rate.json", "figures/nr-zero-rate.png", "figures/nr-zero-rate.csv"]);
  });

  it("compare --exact, sharded by Gray-code block and Monte Carlo chunk, N = 1, 2, 3 (an online estimator measured exactly after its warm-up, two by Monte Carlo)", async () => {
    await shardedMatchesUnsharded(["compare", NET18, "--exact", "--estimators", "correlation,correlation-ma,arm,gumbel-softmax", "--warmup", "50", "--samples", "5000"], ["comparison.json", "comparison-variance.png", "comparison-variance.svg", "comparison-variance.csv", "comparison-bias.csv"]);
  });

  it("compare on injected noise, sharded by Monte Carlo chunk (its quadrature reference computed once, in the merge), N = 2", async () => {
    const noisy = path.join(fixtures, "noisy.json");
    fs.writeFileSync(noisy, JSON.stringify({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }));
    await shardedMatchesUnsharded(["compare", noisy, "--estimators", "pathwise,score-injected", "--samples", "9000"], ["comparison.json", "comparison-bias.csv"], [2]);
  });

  it("spsa optimize --seeds, sharded by run, N = 1, 2, 3 (5 runs: shards of unequal size)", async () => {
    const dir = await shardedMatchesUnsharded(["spsa", "optimize", "--function", "skewed-quartic", "--a", "0.2", "--iterations", "200", "--seeds", "5", "--noise", "0.1"], ["spsa-optimize.json", "spsa-optimize-figure.json", "spsa-optimize.png"]);
    // more shards than runs: the empty shards still write parts, and the merge is still the same
    const rs = await parallel(Array.from({ length: 6 }, (_, k) => ["spsa", "optimize", "--function", "skewed-quartic", "--a", "0.2", "--iterations", "200", "--seeds", "5", "--noise", "0.1", "--shard", `${k + 1}/6`, "--out", "parts-6"]), dir);
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    expect(cli(["merge", ...fs.readdirSync(path.join(dir, "parts-6")).map((p) => path.join("parts-6", p)), "--out", "merged-6"], dir).status).toBe(0);
    expectSameTree(path.join(dir, "full"), path.join(dir, "merged-6"));
  });
});

describe("--shard K/N on the commands that print JSON: merge writes the same bytes as the whole run prints", () => {
  const dir = tmp();
  fs.copyFileSync(NET18, path.join(dir, "net18.json"));
  // a 9×4 RBM: AIS (100 runs) and RAISE (14 runs) on a model small enough for its exact log Z beside them
  const trained = cli(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "4", "--epochs", "2", "--batch", "7", "--lr", "0.1", "--out", "rbm.json"], dir);
  const cases: [string, string[], string, Record<string, string>?][] = [
    // an online estimator warmed up (the same in every shard and in the merge) and a custom-noise one (its own exact moments, at the merge)
    ["exact (by Gray-code block)", ["exact", "net18.json", "--estimators", "correlation,straight-through,arm,correlation-ma", "--warmup", "50"], "exact.json"],
    ["estimate (by Monte Carlo chunk)", ["estimate", "net18.json", "--estimator", "disarm", "--samples", "10000", "--seed", "7"], "estimate.json"],
    // shards on one worker, the whole run on two: the chunks of runs are fixed whatever the workers
    ["rbm eval (by chunk of 8 AIS or RAISE runs)", ["rbm", "eval", "rbm.json", "--eval", "ais", "--quick", "--raise-examples", "14", "--seed", "3"], "rbm-eval.json"],
    // beyond the default limit (lowered to 16 units for the test: a 25-unit net takes minutes), with --max-units
    ["exact --max-units beyond the limit (by Gray-code block)", ["exact", "net18.json", "--estimators", "correlation,straight-through", "--max-units", "18"], "exact.json", { STOCHGRAD_TEST_ENUMERATION_LIMIT: "16" }],
  ];
  for (const [what, args, file, env] of cases) {
    it(`${what}, N = 1, 2, 3`, async () => {
      expect(trained.status, trained.stderr).toBe(0);
      const whole = cli([...args, ...(args[0] === "rbm" ? ["--workers", "2"] : [])], dir, env);
      expect(whole.status, whole.stderr).toBe(0);
      for (const N of [1, 2, 3]) {
        const out = `${args[0]}-parts-${N}`;
        const rs = await parallel(Array.from({ length: N }, (_, k) => [...args, "--shard", `${k + 1}/${N}`, "--out", out, ...(args[0] === "rbm" ? ["--workers", "1"] : [])]), dir, env);
        for (const r of rs) expect(r.code, r.stderr).toBe(0);
        if (env) {
          // the cost, before the work: configurations in all and in the shard, its blocks and an estimated time
          expect(rs[0].stderr).toMatch(new RegExp(`^exact: 2\\^18 = 262144 configurations in all, ${N === 1 ? 262144 : 131072} in shard 1/${N}: ${N === 1 ? 4 : 2} of 4 Gray-code blocks of 2\\^16 \\(blocks 0(, 1, 2, 3|, 2|, 3)`, "m"));
          expect(rs[0].stderr).toMatch(/^exact: estimated wall time [\d.e+]+ s on 1 thread, at [\d.e+]+ configurations\/s per thread \(the median of the later half of \d+ probes of 8192 configurations of block 0/m);
        }
        const parts = fs.readdirSync(path.join(dir, out)).sort();
        expect(parts).toHaveLength(N);
        const m = cli(["merge", ...parts.map((p) => path.join(out, p)), "--out", `${out}-merged`], dir);
        expect(m.status, m.stderr).toBe(0);
        expect(fs.readFileSync(path.join(dir, `${out}-merged`, file), "utf8")).toBe(whole.stdout);
      }
    });
  }
  it("refuses what cannot be sharded or is asked wrongly, before any output", () => {
    const online = cli(["estimate", "net18.json", "--estimator", "correlation-ma", "--samples", "10000", "--shard", "1/2", "--out", "no"], dir);
    expect(online.status).toBe(2);
    expect(online.stderr).toMatch(/--shard: correlation-ma: an online estimator .* cannot be sampled in separate chunks; run it unsharded/);
    expect(cli(["exact", "net18.json", "--shard", "1/2"], dir).stderr).toMatch(/--shard: give --out DIR/);
    expect(cli(["exact", "net18.json", "--out", "no"], dir).stderr).toMatch(/--out: applies with --shard only/);
    fs.writeFileSync(path.join(dir, "noisy.json"), JSON.stringify({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }));
    expect(cli(["exact", "noisy.json", "--shard", "1/2", "--out", "no"], dir).stderr).toMatch(/--shard: the quadrature of injected-noise units is not sharded/);
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
  });

  it("exact beyond the limit: refused without --max-units (naming it and --shard), and --max-units beyond the ceiling, below the net or on injected noise", () => {
    fs.writeFileSync(path.join(dir, "noisy.json"), JSON.stringify({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }));
    const low = { STOCHGRAD_TEST_ENUMERATION_LIMIT: "16" };
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["exact", "net18.json"], low, /^stochgrad: error: the problem has 18 binary units; exact enumerates at most 16 \(2\^16 states\) unless asked: --max-units 18 \(≤ 40\) enumerates all 2\^18, best split over processes with --shard K\/N/],
      [["exact", "net18.json", "--shard", "1/2", "--out", "no"], low, /the problem has 18 binary units; exact enumerates at most 16 .*--max-units 18/],
      [["exact", "net18.json", "--max-units", "41", "--shard", "1/2", "--out", "no"], {}, /^stochgrad: error: --max-units: expected an integer ≤ 40 \(the ceiling MAX_SHARDED_ENUMERATION_UNITS in src\/limits\.ts/],
      [["exact", "net18.json", "--max-units", "17"], {}, /^stochgrad: error: --max-units 17: the problem has 18 binary units; give at least 18$/m],
      [["exact", "noisy.json", "--max-units", "30"], {}, /^stochgrad: error: --max-units: applies to the enumeration of binary units; this problem's units have injected noise/],
      [["exact", "net18.json"], { STOCHGRAD_TEST_ENUMERATION_LIMIT: "25" }, /STOCHGRAD_TEST_ENUMERATION_LIMIT: expected an integer in \[1, 24\] \(it only lowers the limit, for tests\), got "25"/],
    ];
    for (const [args, env, msg] of cases) {
      const r = cli(args, dir, env);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    // the same net within the limit runs as before, printing no cost
    const ok = cli(["exact", "net18.json", "--estimators", "correlation"], dir);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toBe("");
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
  });

  it("rbm eval --shard: refused where log Z is exact (nothing to split) and without --out; --out alone refused", () => {
    for (const [args, msg] of [
      [["--shard", "1/2", "--out", "no"], /^stochgrad: error: --shard: the 9×4 model's log Z is exact \(enumerating the smaller layer\), so there are no AIS runs to split; run it unsharded, or shard --eval ais$/m],
      [["--eval", "ais", "--shard", "1/2"], /--shard: give --out DIR/],
      [["--eval", "ais", "--out", "no"], /--out: applies with --shard only/],
    ] as [string[], RegExp][]) {
      const r = cli(["rbm", "eval", "rbm.json", ...args], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
  });
});

describe("compare --shard: refusals and bad parts, one clear error each", () => {
  const dir = tmp();
  fs.copyFileSync(NET18, path.join(dir, "net18.json"));
  const compare = (samples: string, shard: string, out: string) => cli(["compare", "net18.json", "--estimators", "correlation,disarm", "--samples", samples, "--shard", shard, "--out", out], dir);
  for (const k of [1, 2]) compare("5000", `${k}/2`, "a");
  compare("6000", "2/2", "b");
  cli(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "4", "--epochs", "1", "--out", "rbm.json"], dir);
  for (const [k, seed] of [[1, "1"], [2, "1"], [2, "2"]] as const) cli(["rbm", "eval", "rbm.json", "--eval", "ais", "--quick", "--ais-runs", "20", "--raise-examples", "0", "--seed", seed, "--shard", `${k}/2`, "--out", `r${seed}`], dir);
  const part = (d: string, k: number, cmd = "compare") => path.join(d, `${cmd}-part-${k}-of-2.json`);
  /** a copy of a part with its states changed (the run id covers the parameters, not the states) */
  const edited = (from: string, name: string, edit: (states: Record<string, unknown>[]) => void) => {
    const p = readPart(path.join(dir, from));
    edit(p.states as Record<string, unknown>[]);
    fs.writeFileSync(path.join(dir, name), partText(p.command, p.version, p.run, p.shard, p.items, p.done, p.states));
    return name;
  };
  const chunk = edited(part("a", 2), "chunk.json", (st) => {
    const c = st.find((s) => s.chunk) as { chunk: { mean: number[] } };
    c.chunk.mean = c.chunk.mean.slice(1);
  });
  const weights = edited(part("r1", 2, "rbm-eval"), "weights.json", (st) => {
    st[0].logWeights = (st[0].logWeights as Float64Array).subarray(1);
  });
  const cases: [string, string[], RegExp][] = [
    ["online Monte Carlo estimators, named together", ["compare", "net18.json", "--estimators", "correlation-ma,disarm,nvil", "--shard", "1/2", "--out", "m"], /^stochgrad: error: --shard: correlation-ma, nvil: online estimators \(state advancing with every draw\) cannot be sampled in separate chunks; run them unsharded, or with --exact where the noise allows$/m],
    ["a bad --shard", ["compare", "net18.json", "--estimators", "correlation", "--shard", "3/2", "--out", "m"], /--shard: K must be in \[1, N\]/],
    ["parts of different --samples", ["merge", part("a", 1), part("b", 2), "--out", "m"], /are parts of different runs \(samples 6000 vs 5000\)/],
    ["a missing compare part", ["merge", part("a", 1), "--out", "m"], /merge: missing shard 2\/2 of `compare` \(have 1 of 2\)/],
    ["a compare part twice", ["merge", part("a", 1), part("a", 1), "--out", "m"], /shard 1\/2 is given twice/],
    ["a compare part beside an rbm eval part", ["merge", part("a", 1), part("r1", 2, "rbm-eval"), "--out", "m"], /is a part of `rbm eval`, .* of `compare`: parts of different commands/],
    ["a compare chunk of the wrong size", ["merge", part("a", 1), chunk, "--out", "m"], /merge: item \d+ in the parts \(chunk \d of (correlation|disarm)\) is not a valid state \(not an accumulator of \d+ coordinates\)/],
    ["rbm eval parts of different seeds", ["merge", part("r1", 1, "rbm-eval"), part("r2", 2, "rbm-eval"), "--out", "m"], /are parts of different runs \(seed "2" vs "1"\)/],
    ["a missing rbm eval part", ["merge", part("r1", 2, "rbm-eval"), "--out", "m"], /merge: missing shard 1\/2 of `rbm eval`/],
    ["an rbm eval chunk of the wrong size", ["merge", part("r1", 1, "rbm-eval"), weights, "--out", "m"], /merge: chunk 1 in the parts should hold the log-weights of AIS runs 8…15, got 7 values/],
  ];
  for (const [what, args, msg] of cases) it(what, () => refusedOnce(dir, args, msg));
});

describe("shards and parts: the pieces", () => {
  it("parseShard takes K/N with 1 ≤ K ≤ N and nothing else", () => {
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
    expect(parseShard("3/7")).toEqual({ index: 3, count: 7 });
    for (const [s, msg] of [["0/3", /K must be in \[1, N\]/], ["4/3", /K must be in \[1, N\]/], ["1/0", /N must be in \[1, 10000\]/], ["1/20000", /N must be in/], ["2", /expected K\/N/], ["-1/3", /expected K\/N/], ["1.5/3", /expected K\/N/], [" 1/3", /expected K\/N/], ["", /expected K\/N/]] as const) expect(() => parseShard(s), s).toThrow(msg);
  });

  it("round-robin items cover every item exactly once for any N", () => {
    for (const n of [0, 1, 5, 17]) for (const N of [1, 2, 3, 8, 20]) {
      const all = Array.from({ length: N }, (_, k) => shardItems({ index: k + 1, count: N }, n)).flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it("the part codec keeps what JSON cannot: −0, ±∞, NaN and typed arrays, bit for bit", () => {
    const dir = tmp();
    const states = [{ a: -0, b: Infinity, c: -Infinity, d: Number.NaN, e: 0.1 + 0.2, f: Float64Array.from([-0, 5e-324, 1.7976931348623157e308]), g: Int32Array.from([-3, 7]), h: [1, { $num: "x" }] }];
    const file = path.join(dir, "p.json");
    fs.writeFileSync(file, partText("verify", "0.0.0", { seed: "s" }, { index: 1, count: 1 }, 1, [0], states));
    const back = readPart(file).states[0] as Record<string, unknown>;
    expect(Object.is(back.a, -0)).toBe(true);
    expect([back.b, back.c]).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(back.d)).toBe(true);
    expect(back.e).toBe(0.30000000000000004);
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(Object.is((back.f as Float64Array)[0], -0)).toBe(true);
    expect(Array.from(back.f as Float64Array)).toEqual([-0, 5e-324, 1.7976931348623157e308]);
    expect(back.g).toBeInstanceOf(Int32Array);
    expect(back.h).toEqual([1, { $num: "x" }]);
  });
});

describe("bad input to sharding and merge: one clear error each", () => {
  const dir = tmp();
  const spsa = (seed: string, shard: string, out: string) => cli(["spsa", "optimize", "--function", "quadratic", "--a", "0.2", "--iterations", "20", "--seeds", "3", "--seed", seed, "--shard", shard, "--out", out], dir);
  for (const k of [1, 2, 3]) spsa("1", `${k}/3`, "a");
  spsa("2", "2/3", "b");
  spsa("1", "2/2", "c");
  const part = (d: string, k: number, n = 3) => path.join(d, `spsa-optimize-part-${k}-of-${n}.json`);
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const orig = fs.readFileSync(path.join(dir, part("a", 1)), "utf8");
  const rec = JSON.parse(orig);
  const edited = write("edited.json", JSON.stringify({ ...rec, run: { ...rec.run, iterations: 21 } }));
  const other = readPart(path.join(dir, part("a", 2)));
  const version = write("version.json", partText(other.command, "9.9.9", other.run, other.shard, other.items, other.done, other.states));
  const command = write("command.json", partText("verify", other.version, other.run, other.shard, other.items, other.done, other.states));
  const cases: [string, string[], RegExp][] = [
    ["a bad --shard", ["spsa", "optimize", "--function", "quadratic", "--a", "0.2", "--shard", "4/3"], /--shard: K must be in \[1, N\] \(shards are numbered from 1\), got "4\/3"/],
    ["--shard on verify", ["verify", "--only", "ST-bias", "--shard", "1/x"], /--shard: expected K\/N/],
    ["no parts", ["merge", "--out", "m"], /merge: expected one or more part files/],
    ["no --out", ["merge", part("a", 1)], /--out/],
    ["a missing part", ["merge", part("a", 1), part("a", 3), "--out", "m"], /merge: missing shard 2\/3 of `spsa optimize` \(have 2 of 3\)/],
    ["a part twice", ["merge", part("a", 1), part("a", 1), part("a", 2), "--out", "m"], /shard 1\/3 is given twice/],
    ["parts of different seeds", ["merge", part("a", 1), part("b", 2), part("a", 3), "--out", "m"], /are parts of different runs \(seed "2" vs "1"\)/],
    ["parts of different N", ["merge", part("a", 1), part("c", 2, 2), "--out", "m"], /is shard 2\/2, .* is of 3: parts of different shardings/],
    ["parts of different versions", ["merge", part("a", 1), version, part("a", 3), "--out", "m"], /was written by stochgrad 9\.9\.9, .* by 0\.1\.0: rerun every shard with one version/],
    ["parts of different commands", ["merge", part("a", 1), command, part("a", 3), "--out", "m"], /is a part of `verify`, .* of `spsa optimize`: parts of different commands/],
    ["an edited part", ["merge", edited, part("a", 2), part("a", 3), "--out", "m"], /"edited\.json": its run id does not match its parameters/],
    ["a file that is no part", ["merge", write("fig.json", JSON.stringify({ kind: "stochgrad.figure" })), "--out", "m"], /"fig\.json": not a stochgrad part record/],
    ["a file that is not JSON", ["merge", write("bad.json", "{"), "--out", "m"], /"bad\.json": not JSON/],
    ["a missing file", ["merge", "nope.json", "--out", "m"], /nope\.json/],
  ];
  for (const [what, args, msg] of cases) it(what, () => refusedOnce(dir, args, msg));
  it("mergeParts refuses an item layout that does not match the shard", () => {
    const p = readPart(path.join(dir, part("a", 1)));
    const f = write("layout.json", JSON.stringify({ ...JSON.parse(partText(p.command, p.version, p.run, p.shard, p.items, p.done, p.states)), done: [1] }));
    expect(() => mergeParts([path.join(dir, f)])).toThrow(/holds items 1 but shard 1\/3 of 3 owns 0/);
  });
});
