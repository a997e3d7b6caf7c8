// A figure record read back for `stochgrad render` is checked in full, and its id and chart
// names are safe file names: rendering a record never writes outside the output folder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { figureRecordFromJSON, requireSafeName } from "../../analysis/figures/record.js";
import { renderRecord } from "../../analysis/figures/runner.js";
import { runSpsaStudy } from "../../analysis/spsa-optimize.js";
import { objectiveOracle } from "../../src/estimators/oracle.js";
import { getObjective } from "../../src/problems/functions.js";
import { InputError } from "../../src/errors.js";
import type { FigureRecord } from "../../analysis/figures/types.js";

const SPEC = { title: "t", x: { label: "x" }, y: { label: "y" }, width: 200, height: 150, series: [{ label: "s", points: [[1, 2], [2, null]] }] };
const REC = { kind: "stochgrad.figure", id: "f", title: "t", caption: "c", seed: "1", quick: true, data: {}, charts: [{ name: "a", spec: SPEC }] };
const msg = (v: unknown) => {
  try {
    figureRecordFromJSON(v);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  return "accepted";
};

describe("figure records", () => {
  it("a record the tools write (spsa optimize's figure) reads back unchanged, null gaps included", () => {
    const obj = getObjective("quadratic", 3);
    const { figure } = runSpsaStudy({ function: "quadratic", objective: obj.toJSON(), oracle: objectiveOracle(obj, 0), monitor: (t) => obj.value(t), theta0: obj.initialParams(), method: "spsa", seed: "1", seeds: 2, iterations: 30, run: { a: 0.1, c: 0.1, A: 3, alpha: 0.602, gamma: 0.101, crn: false }, noise: 0, version: "test" });
    const back = JSON.parse(JSON.stringify(figure));
    expect(figureRecordFromJSON(back).charts.length).toBe(figure.charts.length);
    expect(msg(REC)).toBe("accepted");
  });

  it("malformed records are one error naming the field (render crashed with a TypeError)", () => {
    expect(msg({ ...REC, charts: [{ name: "a", spec: {} }] })).toBe("record.charts[0].spec.title: expected a string, got undefined");
    expect(msg({ ...REC, charts: [{ name: "a", spec: { ...SPEC, series: [{ label: "s", points: [[1]] }] } }] })).toMatch(/^record\.charts\[0\]\.spec\.series\[0\]\.points\[0\]: expected 2 entries \(\[x, y\]\), got 1$/);
    expect(msg({ ...REC, charts: [{ name: "a", spec: { ...SPEC, series: [{ label: "s", points: [[1, 2]], style: "band" }] } }] })).toMatch(/lower: a "band" series needs lower and upper/);
    expect(msg({ ...REC, charts: [{ name: "a", spec: { ...SPEC, width: 100_000 } }] })).toMatch(/width: expected an integer in \[100, 8192\]/);
    expect(msg({ ...REC, charts: [] })).toMatch(/has no charts/);
    expect(msg({ ...REC, charts: [{ name: "a", spec: SPEC }, { name: "a", spec: SPEC }] })).toMatch(/two charts are named "a"/);
    expect(msg({ ...REC, kind: "stochgrad.comparison" })).toMatch(/^record\.kind: expected "stochgrad\.figure"/);
    expect(msg({ ...REC, extra: 1 })).toMatch(/^record: unknown key "extra"/);
  });

  it("ids and chart names that would leave the folder are refused, by the reader and by renderRecord itself", () => {
    for (const bad of ["x/../../../ESCAPED", "../x", "..", ".hidden", "a\\b", "", "x".repeat(101)]) expect(() => requireSafeName(bad, "name")).toThrow(/is not a safe file name/);
    expect(msg({ ...REC, charts: [{ name: "x/../../../ESCAPED", spec: SPEC }] })).toMatch(/^record\.charts\[0\]\.name: "x\/\.\.\/\.\.\/\.\.\/ESCAPED" is not a safe file name/);
    expect(msg({ ...REC, id: "../up" })).toMatch(/^record\.id: "\.\.\/up" is not a safe file name/);
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-render-"));
    const inner = path.join(d, "a", "b");
    fs.mkdirSync(inner, { recursive: true });
    const sneaky = { ...REC, charts: [{ name: "x/../../ESCAPED", spec: SPEC }] } as unknown as FigureRecord;
    expect(() => renderRecord(sneaky, inner)).toThrow(/not a safe file name/);
    expect(fs.readdirSync(path.join(d, "a"))).toEqual(["b"]);
    fs.rmSync(d, { recursive: true, force: true });
  });
});
