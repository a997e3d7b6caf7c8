// stochgrad/claims from a user's side: imported through the package's own names, a built-in claim
// is run in this suite, and a user's own claim (statement, source, exact reference, checks,
// controls) is defined and decided by `toHold`. The matcher fails a claim whose control escapes
// rejection, and throws whenever it cannot decide.
import { describe, expect, it } from "vitest";
import { estimatorEntry, estimators, exactAnalysis, problemFromJSON } from "stochgrad";
import { checkOutcome, claimById, claimMatchers, claims, defineClaim, exactCheck, runClaim, sampleAndTest, verdict, type Claim, type ClaimContext } from "stochgrad/claims";

expect.extend(claimMatchers);

const net = problemFromJSON({
  kind: "sbn",
  input: [1, 0, 1],
  layers: [
    { weights: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], bias: [0.1, -0.2] },
    { weights: [[1, -1]], bias: [0.3] },
  ],
  loss: { kind: "squared", target: [1] },
});

/** A user's claim: Theorem 1 on this net, exact and by Monte Carlo; control `controlId` under the same checks. */
function theorem1On(controlId: keyof typeof estimators, controlOptions = {}): Claim {
  return defineClaim({
    id: "my-T1-on-net",
    statement: "The correlation estimator is unbiased on my 3-2-1 belief net.",
    source: "Bengio 2013, arXiv 1305.2982, Theorem 1",
    control: `${controlId} under the same checks`,
    run(ctx: ClaimContext) {
      const th = net.initialParams();
      const r = exactAnalysis(net, th, { corr: estimatorEntry(estimators.correlation, net, th), ctl: estimatorEntry(estimators[controlId], net, th, controlOptions) });
      const mc = (id: keyof typeof estimators, opts = {}) => sampleAndTest(`Monte Carlo mean of ${id} vs exact ∇E[L]`, estimators[id].create(net, th, opts), th, r.gradient, 200_000, ctx.stream.fork(id), ctx.alpha / 2).verdict;
      return {
        reference: "exact ∇E[L] by enumeration (forward-mode product rule)",
        checks: [exactCheck("exact E[ĝ_corr] vs ∇E[L]", r.estimators.corr.mean, r.gradient), mc("correlation")],
        controls: [exactCheck(`exact E[ĝ_${controlId}] vs ∇E[L]`, r.estimators.ctl.mean, r.gradient), mc(controlId, controlOptions)],
        data: {},
      };
    },
  });
}

describe("stochgrad/claims: built-in claims in a user's suite", () => {
  it("exports every claim verify runs, by id", () => {
    expect(claims.length).toBeGreaterThan(20);
    expect(new Set(claims.map((c) => c.id)).size).toBe(claims.length);
    expect(claimById("ST-bias").statement).toMatch(/straight-through/);
    expect(() => claimById("nope")).toThrow(/unknown claim "nope" \(known: T1-unbiased/);
  });

  it("a built-in claim holds through toHold, with the numbers runClaim (verify's runner) gives", async () => {
    const claim = claimById("ST-bias");
    await expect(claim).toHold({ seed: "stochgrad", alpha: 1e-6 });
    const r = await runClaim(claim, { seed: "stochgrad", quick: false, alpha: 1e-6 });
    expect(r.verdict).toBe("pass");
    expect(r.controls.every((c) => !c.pass)).toBe(true);
  });
});

describe("stochgrad/claims: a user's own claim", () => {
  it("holds when every check passes and the control (straight-through) is rejected by the same checks", () => {
    expect(theorem1On("straight-through")).toHold({ seed: "mine", alpha: 1e-6 });
  });

  it("fails when its control is not rejected (an unbiased control), and says which control escaped", () => {
    const claim = theorem1On("correlation-constant", { baseline: 0.3 });
    expect(claim).not.toHold({ seed: "mine", alpha: 1e-6 });
    expect(() => expect(claim).toHold({ seed: "mine", alpha: 1e-6 })).toThrow(/2 negative control\(s\) not rejected:\n {2}exact E\[ĝ_correlation-constant\]/);
  });

  it("uses the claim's own stream (seed, id): the same seed gives the same verdict numbers, another seed others", async () => {
    const a = await runClaim(theorem1On("straight-through"), { seed: "mine", quick: false, alpha: 1e-6 });
    const b = await runClaim(theorem1On("straight-through"), { seed: "mine", quick: false, alpha: 1e-6 });
    const c = await runClaim(theorem1On("straight-through"), { seed: "other", quick: false, alpha: 1e-6 });
    expect(a.checks[1].measured).toBe(b.checks[1].measured);
    expect(a.checks[1].measured).not.toBe(c.checks[1].measured);
  });

  it("an async claim is awaited", async () => {
    const sync = theorem1On("straight-through");
    const claim = defineClaim({ ...sync, id: "my-async", run: async (ctx: ClaimContext) => sync.run(ctx) });
    await expect(claim).toHold({ seed: "mine", alpha: 1e-6 });
  });
});

describe("toHold throws when it cannot decide (with or without .not)", () => {
  const base = { id: "c", statement: "s", source: "src", control: "ctl" };
  const ok = verdict("x", 0, 1, "exact");
  const rejected = verdict("x on the control", 2, 1, "exact");
  const cases: [string, Claim, RegExp][] = [
    ["no control", { ...base, run: () => ({ reference: "r", checks: [ok], controls: [], data: {} }) }, /no negative control/],
    ["no check", { ...base, run: () => ({ reference: "r", checks: [], controls: [rejected], data: {} }) }, /no checks/],
    ["no reference", { ...base, run: () => ({ reference: "", checks: [ok], controls: [rejected], data: {} }) }, /no exact reference/],
    ["a NaN statistic on a control", { ...base, run: () => ({ reference: "r", checks: [ok], controls: [verdict("nan", Number.NaN, 1, "statistical")], data: {} }) }, /controls\[0\] \("nan"\): cannot decide, the measured statistic is NaN/],
    ["a hand-made verdict whose pass disagrees", { ...base, run: () => ({ reference: "r", checks: [{ ...ok, pass: false }], controls: [rejected], data: {} }) }, /pass is false but measured 0 ≤ tolerance 1/],
    ["run throws", { ...base, run: () => { throw new Error("boom"); } }, /claim c: run\(\) threw: boom/],
    ["an async run rejects", { ...base, run: async () => { throw new Error("late boom"); } }, /run\(\) threw: late boom/],
  ];
  for (const [what, claim, msg] of cases) {
    it(what, async () => {
      await expect(async () => expect(claim).toHold({ seed: "s" })).rejects.toThrow(msg);
      await expect(async () => expect(claim).not.toHold({ seed: "s" })).rejects.toThrow(msg);
    });
  }
  it("the value is not a claim, or the options are bad", () => {
    const good: Claim = { ...base, run: () => ({ reference: "r", checks: [ok], controls: [rejected], data: {} }) };
    expect(() => expect({ id: "x" }).toHold({ seed: "s" })).toThrow(/toHold: cannot decide: expected a claim .*claim x\.statement: expected a non-empty string/);
    expect(() => expect(estimators.correlation).toHold({ seed: "s" })).toThrow(/cannot decide: expected a claim/);
    expect(() => expect(good).toHold({ seed: "" })).toThrow(/seed: expected a non-empty string/);
    expect(() => expect(good).toHold({ seed: "s", alpha: 0.5 })).toThrow(/alpha: expected a number in \(0, 0\.5\)/);
    expect(() => expect(good).toHold(undefined as never)).toThrow(/expected options \{ seed/);
    expect(good).toHold({ seed: "s" });
  });
  it("defineClaim names the bad field; checkOutcome is the runner's rule too", async () => {
    expect(() => defineClaim({ ...base, id: "has space" } as Claim)).toThrow(/claim\.id: expected letters/);
    expect(() => defineClaim({ ...base, run: 3 } as unknown as Claim)).toThrow(/claim c\.run: expected a function/);
    expect(() => checkOutcome("c", { reference: "r", checks: [ok], controls: [rejected], data: null as never })).toThrow(/data must be an object/);
    const r = await runClaim({ ...base, run: () => ({ reference: "r", checks: [ok], controls: [], data: {} }) }, { seed: "s", quick: true, alpha: 1e-6 });
    expect(r.verdict).toBe("fail");
    expect(r.error).toMatch(/no negative control/);
  });
});
