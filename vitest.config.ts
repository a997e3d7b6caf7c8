import { defineConfig } from "vitest/config";

// Two suites: unit (deterministic and exact) and stat (seeded statistical checks with a stated α).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      { test: { name: "stat", include: ["test/stat/**/*.test.ts"], testTimeout: 300_000 } },
    ],
  },
});
