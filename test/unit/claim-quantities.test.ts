// Every verdict a built-in claim builds names its quantity (verdict's fifth argument), so the
// report never prints a bare number: the claim sources are parsed and every call counted. A user's
// claim may leave the quantity out ("measured"); the built-in ones may not.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { QUANTITIES } from "../../analysis/claims/types.js";

const DIR = path.resolve(__dirname, "../../analysis/claims");

/** Calls of `verdict(...)` in a source text with fewer than 5 arguments or a 5th that is not a known quantity literal. */
function unnamed(file: string, text: string): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const bad: string[] = [];
  let calls = 0;
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "verdict") {
      calls++;
      const q = n.arguments[4];
      const ok = q !== undefined && ts.isStringLiteral(q) && Object.hasOwn(QUANTITIES, q.text) && q.text !== "measured";
      if (!ok) bad.push(`${path.basename(file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return calls ? bad : [];
}

describe("claim quantities", () => {
  it("every verdict of a built-in claim names a quantity of QUANTITIES", () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".ts") && f !== "types.ts");
    const bad = files.flatMap((f) => unnamed(f, fs.readFileSync(path.join(DIR, f), "utf8")));
    expect(bad).toEqual([]);
  });

  it("the scan finds an unnamed verdict (negative control)", () => {
    expect(unnamed("x.ts", `verdict("d", 1, 2, "exact");\nverdict("d", 1, 2, "exact", "z");\nverdict("d", 1, 2, "exact", "furlongs");`)).toEqual(["x.ts:1", "x.ts:3"]);
  });
});
