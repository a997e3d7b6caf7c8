// The propagating family's claims (noisy rectifiers, learned predictor, ST, STS) as regression
// tests: each runs in quick mode through runClaim and must
// pass with its negative control rejected. Statistical checks inside run at α = 1e-6.
import { describe, expect, it } from "vitest";
import { claims } from "../../analysis/claims/index.js";
import { runClaim } from "../../analysis/claims/runner.js";

const ids = ["NR-unbiased", "NR-sparse", "LP-variance-reduction", "ST-bias", "STS-bias"];

describe("propagating-family claims (quick, α = 1e-6)", () => {
  for (const id of ids) {
    it(id, async () => {
      const claim = claims.find((c) => c.id === id);
      expect(claim).toBeDefined();
      const r = await runClaim(claim!, { seed: "stochgrad", quick: true, alpha: 1e-6 });
      expect(r.error).toBeUndefined();
      expect(r.checksPass).toBe(true);
      expect(r.controlsRejected).toBe(true);
      expect(r.verdict).toBe("pass");
    });
  }
});
