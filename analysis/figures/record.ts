/**
 * Reading a figure record back from JSON (`stochgrad render record.json`): every field is
 * checked (the chart specs by `chartSpecFromJSON`), and the figure id and chart names must be
 * safe file names, since they become `<id>-<name>.png` in the output folder: a name such as
 * `x/../../../ESCAPED` would otherwise write outside `--out`.
 */
import { chartSpecFromJSON } from "../charts.js";
import { describeValue, InputError, quote } from "../../src/errors.js";
import { requireArray, requireRecord, requireString } from "../../src/validate.js";
import type { FigureRecord } from "./types.js";

/** A file-name component: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Throws unless `name` is a safe file-name component (no separators, no "..", no leading dot). */
export function requireSafeName(name: string, where: string): string {
  if (!SAFE_NAME.test(name) || name.includes("..")) throw new InputError(`${where}: ${quote(name)} is not a safe file name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters)`);
  return name;
}

/** A figure record from parsed JSON, validated; errors name the field (`charts[1].spec.series[0].points`). */
export function figureRecordFromJSON(v: unknown): FigureRecord {
  const o = requireRecord(v, "record", ["kind", "id", "title", "caption", "seed", "quick", "data", "charts"], `a stochgrad figure record {"kind": "stochgrad.figure", "id", "charts", ...}`);
  if (o.kind !== "stochgrad.figure") throw new InputError(`record.kind: expected "stochgrad.figure" (a figure record), got ${describeValue(o.kind)}`);
  const id = requireSafeName(requireString(o.id, "record.id"), "record.id");
  const charts = requireArray(o.charts, "record.charts").map((c, i) => {
    const r = requireRecord(c, `record.charts[${i}]`, ["name", "spec"], `{"name": "...", "spec": {...}}`);
    const name = requireString(r.name, `record.charts[${i}].name`);
    if (name !== "") requireSafeName(name, `record.charts[${i}].name`);
    return { name, spec: chartSpecFromJSON(r.spec, `record.charts[${i}].spec`) };
  });
  if (charts.length === 0) throw new InputError("record.charts: the record has no charts to render");
  const names = charts.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`record.charts: two charts are named ${quote(dup)} (they would overwrite each other's files)`);
  const text = (k: string) => (o[k] === undefined ? "" : requireString(o[k], `record.${k}`));
  if (o.quick !== undefined && typeof o.quick !== "boolean") throw new InputError(`record.quick: expected true or false`);
  if (o.data !== undefined && (o.data === null || typeof o.data !== "object" || Array.isArray(o.data))) throw new InputError("record.data: expected an object");
  return { kind: "stochgrad.figure", id, title: text("title"), caption: text("caption"), seed: text("seed"), quick: o.quick === true, data: (o.data ?? {}) as Record<string, unknown>, charts };
}
