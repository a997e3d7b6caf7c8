// The reports' building blocks: α printed one way, each summary naming its quantity and unit,
// SVGs made safe to inline side by side, figures pointing at real claims, and the commit recorded
// only from the package's own checkout.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claims } from "../../analysis/claims/index.js";
import { QUANTITIES, verdict } from "../../analysis/claims/types.js";
import { fmt, formatAlpha } from "../../analysis/format.js";
import { gitProvenance, PACKAGE_ROOT } from "../../analysis/provenance.js";
import { escapeHtml, inlineSvg } from "../../analysis/report-html.js";
import { verdictSummary } from "../../analysis/report.js";
import { figures } from "../../figures/index.js";

describe("report formats", () => {
  it("α is written in one form: shortest exponent notation", () => {
    expect([1e-6, 5e-7, 0.05, 2.5e-7, 1e-6 / 3].map(formatAlpha)).toEqual(["1e-6", "5e-7", "5e-2", "2.5e-7", "3.33e-7"]);
    expect(fmt(1e-12)).toBe("1e-12");
    expect(fmt(Infinity)).toBe("∞");
  });

  it("a summary names the deciding quantity and its unit", () => {
    expect(verdictSummary(verdict("d", 2.31, 5.45, "statistical", "z"))).toBe("z = 2.31 ≤ 5.45 standard errors");
    expect(verdictSummary(verdict("d", 0.5, 0.3, "statistical", "nats"))).toBe("|Δ log Z| = 0.5 > 0.3 nats");
    expect(verdictSummary(verdict("d", 3e-16, 1e-12, "exact", "relative-error"))).toBe("relative error = 3e-16 ≤ 1e-12");
    for (const q of Object.values(QUANTITIES)) expect(q.label.length).toBeGreaterThan(0);
  });

  it("inlined SVGs get their own ids, and references follow them", () => {
    const svg = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="900" height="560"><clipPath id="cl_1"><rect/></clipPath><g clip-path="url(#cl_1)"/><use href="#cl_1"/></svg>`;
    const a = inlineSvg(svg, "f0c0", "A <title>");
    const b = inlineSvg(svg, "f1c0", "B");
    expect(a).not.toContain("<?xml");
    expect(a).toContain(`id="f0c0-0"`);
    expect(a).toContain(`url(#f0c0-0)`);
    expect(a).toContain(`href="#f0c0-0"`);
    expect(a).toContain(`viewBox="0 0 900 560"`);
    expect(a).toContain(`aria-label="A &lt;title&gt;"`);
    expect(b).toContain(`id="f1c0-0"`);
    expect(a).not.toContain("cl_1");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("every figure's claims are claims of the registry", () => {
    const ids = new Set(claims.map((c) => c.id));
    const missing = figures.flatMap((f) => (f.claims ?? []).filter((id) => !ids.has(id)).map((id) => `${f.id} → ${id}`));
    expect(missing).toEqual([]);
  });

  it("the commit comes from the package's own checkout, and is absent outside one", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: PACKAGE_ROOT, encoding: "utf8" }).trim();
    expect(gitProvenance()?.commit).toBe(head);
    // a folder inside no checkout, and one inside a checkout that is not its root: both unknown
    expect(gitProvenance(fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-nogit-")))).toBeUndefined();
    expect(gitProvenance(path.join(PACKAGE_ROOT, "analysis"))).toBeUndefined();
  });
});
