// Compiles the AssemblyScript kernels in this directory to WebAssembly (run by `npm run build`,
// hence also by `npm ci`/`npm install` through `prepare`). Nothing outside npm is needed: the
// compiler is the `assemblyscript` devDependency. The binary is written next to the TypeScript
// loader in the source tree (src/linalg/generated/, git-ignored, for vitest) and in dist/ (for
// the compiled library and its worker threads); no binary is committed or downloaded.
//
// Flags: imported *shared* memory (worker threads instantiate the module over the same
// SharedArrayBuffer), the stub runtime (the kernels never allocate), SIMD and threads features,
// -O3. Warning 112 ("v128 values cannot cross every embedding") concerns internal helpers only:
// no exported function takes or returns a v128.
import asc from "assemblyscript/asc";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const targets = [path.join(root, "src/linalg/generated/kernels.wasm"), path.join(root, "dist/src/linalg/generated/kernels.wasm")];
const { error, stderr } = await asc.main(
  [
    path.join(here, "index.ts"),
    "-O3",
    "--noAssert",
    "--runtime", "stub",
    "--importMemory",
    "--sharedMemory",
    "--initialMemory", "1",
    "--maximumMemory", "65536",
    "--enable", "simd",
    "--enable", "threads",
    "--disableWarning", "112",
    "--outFile", targets[0],
  ],
  { stdout: process.stdout, stderr: process.stderr },
);
if (error) {
  process.stderr.write(`kernels: AssemblyScript compilation failed: ${error.message}\n${stderr.toString()}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(targets[1]), { recursive: true });
fs.copyFileSync(targets[0], targets[1]);
