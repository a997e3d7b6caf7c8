import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** package.json version (dist/cli → ../../package.json). */
export const VERSION: string = (require("../../package.json") as { version: string }).version;
