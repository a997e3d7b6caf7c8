/**
 * Where a record came from: the git commit of the package's checkout, when it runs from one.
 * Only the package's own folder counts (a `.git` entry in it: a clone or a worktree), so an
 * installed copy inside a user's repository never reports the user's commit. Anything that goes
 * wrong (no git, not a checkout, a broken one) means "unknown": the key is left out, never a failure.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: this file is dist/analysis/provenance.js (or analysis/provenance.ts under vitest). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), path.basename(path.dirname(path.dirname(fileURLToPath(import.meta.url)))) === "dist" ? "../.." : "..");

/** The commit of the checkout at `root` and whether tracked files differ from it; undefined outside a checkout. */
export function gitProvenance(root = PACKAGE_ROOT): { commit: string; dirty: boolean } | undefined {
  if (!fs.existsSync(path.join(root, ".git"))) return undefined;
  try {
    const opts = { cwd: root, encoding: "utf8" as const, stdio: ["ignore", "pipe", "ignore"] as ["ignore", "pipe", "ignore"], timeout: 10_000 };
    const commit = execFileSync("git", ["rev-parse", "HEAD"], opts).trim();
    if (!/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], opts).trim() !== "";
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
