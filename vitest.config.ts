import { defineConfig } from "vitest/config";

// Three suites: unit (deterministic and exact), stat (seeded statistical checks with a stated α)
// and fuzz (the seeded corpus of hostile inputs and the fast-check properties; FUZZ_RUNS scales it).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      { test: { name: "stat", include: ["test/stat/**/*.test.ts"], testTimeout: 300_000 } },
      { test: { name: "fuzz", include: ["test/fuzz/**/*.test.ts"], testTimeout: 600_000 } },
    ],
  },
});
