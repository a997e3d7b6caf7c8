import { describe, expect, it } from "vitest";
import { Stream } from "../../src/random/stream.js";

describe("Stream", () => {
  it("same seed ⇒ same sequence; different seeds differ", () => {
    const a = Stream.fromSeed("x").uniforms(new Float64Array(100));
    const b = Stream.fromSeed("x").uniforms(new Float64Array(100));
    const c = Stream.fromSeed("y").uniforms(new Float64Array(100));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("fork(key) depends only on the key, not on how far the parent has advanced", () => {
    const p1 = Stream.fromSeed("root");
    const p2 = Stream.fromSeed("root");
    p2.uniforms(new Float64Array(1000));
    expect(p1.fork("T1-unbiased/rep/17").uniform()).toBe(p2.fork("T1-unbiased/rep/17").uniform());
    expect(p1.fork("a").uniform()).not.toBe(p1.fork("b").uniform());
  });

  it("state serialises and restores bit-for-bit", () => {
    const s = Stream.fromSeed(42);
    s.uniforms(new Float64Array(37));
    const snap = JSON.parse(JSON.stringify(s.toJSON()));
    const r = Stream.fromJSON(snap);
    expect(Array.from(r.uniforms(new Float64Array(50)))).toEqual(Array.from(s.uniforms(new Float64Array(50))));
    expect(() => Stream.fromJSON({ algorithm: "arc4" } as never)).toThrow(/xor4096/);
  });

  it("uniforms lie in [0,1), Rademacher draws are ±1, doubles in (0,1)", () => {
    const s = Stream.fromSeed("range");
    const u = s.uniforms(new Float64Array(10000));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const r = s.rademacher(new Float64Array(1000));
    expect(new Set(r)).toEqual(new Set([-1, 1]));
    const d = s.doubles(new Float64Array(1000));
    expect(Math.min(...d)).toBeGreaterThan(0);
  });
});
