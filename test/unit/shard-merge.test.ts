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

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "1" } });
}

/** Run several CLI processes at once; resolves with their exit codes and stderr. */
function parallel(runs: string[][], cwd: string): Promise<{ code: number | null; stderr: string }[]> {
  return Promise.all(
    runs.map(
      (args) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CI: "1" } });
          let stderr = "";
          p.stderr.on("data", (d) => (stderr += d));
          p.on("close", (code) => resolve({ code, stderr }));
        }),
    ),
  );
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

async function shardedMatchesUnsharded(args: string[], expectFiles: string[]) {
  const dir = tmp();
  const full = cli([...args, "--out", "full"], dir);
  expect(full.stderr.split("\n").filter((l) => /error/.test(l))).toEqual([]);
  expect(full.status).toBe(0);
  const files = [...tree(path.join(dir, "full")).keys()];
  for (const f of expectFiles) expect(files).toContain(f);
  for (const N of [1, 2, 3]) {
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

describe("--shard K/N and stochgrad merge: byte-identical to the unsharded run", () => {
  it("verify, sharded by claim and figure, N = 1, 2, 3", async () => {
    await shardedMatchesUnsharded(["verify", "--quick", "--only", "ST-bias,T1-optimal-baseline,DisARM-variance", "--figures", "nr-zero-rate", "--workers", "1"], ["claims.json", "report.md", "figures/nr-zero-rate.json", "figures/nr-zero-rate.png", "figures/nr-zero-rate.csv"]);
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
  // 18 binary units: 4 Gray-code blocks of 2^16 states; 10 000 draws: 3 Monte Carlo chunks of 4096
  const layer = (o: number, i: number, k: number) => ({ weights: Array.from({ length: o }, (_, a) => Array.from({ length: i }, (_, b) => Math.sin(7 * a + 3 * b + k) * 0.8)), bias: Array.from({ length: o }, (_, a) => Math.cos(a + k) * 0.3) });
  fs.writeFileSync(path.join(dir, "net18.json"), JSON.stringify({ kind: "sbn", input: [1, 0, 1], layers: [layer(9, 3, 1), layer(9, 9, 2)], loss: { kind: "squared", target: new Array(9).fill(1) } }));
  const cases: [string, string[], string][] = [
    // an online estimator warmed up (the same in every shard and in the merge) and a custom-noise one (its own exact moments, at the merge)
    ["exact (by Gray-code block)", ["exact", "net18.json", "--estimators", "correlation,straight-through,arm,correlation-ma", "--warmup", "50"], "exact.json"],
    ["estimate (by Monte Carlo chunk)", ["estimate", "net18.json", "--estimator", "disarm", "--samples", "10000", "--seed", "7"], "estimate.json"],
  ];
  for (const [what, args, file] of cases) {
    it(`${what}, N = 1, 2, 3`, async () => {
      const whole = cli(args, dir);
      expect(whole.status, whole.stderr).toBe(0);
      for (const N of [1, 2, 3]) {
        const out = `${args[0]}-parts-${N}`;
        const rs = await parallel(Array.from({ length: N }, (_, k) => [...args, "--shard", `${k + 1}/${N}`, "--out", out]), dir);
        for (const r of rs) expect(r.code, r.stderr).toBe(0);
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
  for (const [what, args, msg] of cases) {
    it(what, () => {
      const r = cli(args, dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(fs.existsSync(path.join(dir, "m"))).toBe(false);
    });
  }
  it("mergeParts refuses an item layout that does not match the shard", () => {
    const p = readPart(path.join(dir, part("a", 1)));
    const f = write("layout.json", JSON.stringify({ ...JSON.parse(partText(p.command, p.version, p.run, p.shard, p.items, p.done, p.states)), done: [1] }));
    expect(() => mergeParts([path.join(dir, f)])).toThrow(/holds items 1 but shard 1\/3 of 3 owns 0/);
  });
});
