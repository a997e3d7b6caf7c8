// Lint: the one rule that protects determinism is `no-restricted-properties` on Math.random.
// Randomness must arrive as a parameter (a Stream from src/random), never from a global.
import tseslint from "typescript-eslint";

export default [
  // src/linalg/assembly is AssemblyScript (decorators on functions, its own types), compiled by asc
  { ignores: ["dist/**", "node_modules/**", "figures/out/**", "out/**", "verify-out/**", "src/linalg/assembly/**"] },
  {
    files: ["**/*.ts", "**/*.js"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Pass a Stream from src/random instead (explicit noise contract)." },
      ],
      "no-restricted-globals": ["error", { name: "crypto", message: "Use a seeded Stream." }],
    },
  },
];
