/**
 * Checkpoints of long reproductions: one JSON file, rewritten atomically (temporary file and
 * rename) after each unit of work, holding a fingerprint of the settings and the saved units by
 * key. A run finds its finished units and the state of the unfinished one there and resumes; a
 * file written under other settings is refused (one InputError), never mixed in.
 */
import fs from "node:fs";
import { InputError } from "../../src/errors.js";
import { readJsonFile, toJsonText, writeFileAtomic } from "../io.js";

interface CheckpointFile {
  kind: "stochgrad.checkpoint";
  reproduction: string;
  settings: string;
  units: Record<string, unknown>;
}

export class CheckpointStore {
  private units: Record<string, unknown> = {};
  private fingerprint = "";
  private id = "";
  /** number of saves since open (tests interrupt a run after a given number) */
  saves = 0;
  /**
   * @param file the checkpoint file (created on the first save)
   * @param stopAfter if set, `save` throws a CheckpointStop after that many saves (to test resume)
   * @param from other checkpoint files (of runs split across processes) whose units are taken in
   *   too: each must hold the same settings; a unit this file lacks, or holds unfinished while
   *   another holds it done, is taken from the first that has it done (else the first that has it)
   */
  constructor(
    readonly file: string,
    readonly stopAfter?: number,
    readonly from: readonly string[] = [],
  ) {}

  /** Open for a reproduction with these settings: loads the saved units if the file holds the same settings, refuses it otherwise. */
  open(reproduction: string, settings: unknown): void {
    this.id = reproduction;
    this.fingerprint = JSON.stringify(settings);
    this.units = {};
    if (fs.existsSync(this.file)) this.units = this.read(this.file, reproduction).units;
    const isDone = (u: unknown) => typeof u === "object" && u !== null && (u as { done?: unknown }).done === true;
    for (const f of this.from) {
      for (const [key, unit] of Object.entries(this.read(f, reproduction).units)) if (!(key in this.units) || (!isDone(this.units[key]) && isDone(unit))) this.units[key] = unit;
    }
  }

  /** A checkpoint file of this reproduction with these settings (InputError otherwise). */
  private read(file: string, reproduction: string): CheckpointFile {
    const v = readJsonFile(file, "checkpoint") as CheckpointFile;
    if (!v || v.kind !== "stochgrad.checkpoint" || typeof v.units !== "object") throw new InputError(`checkpoint ${file}: not a stochgrad checkpoint`);
    if (v.reproduction !== reproduction || v.settings !== this.fingerprint) throw new InputError(`checkpoint ${file}: written by ${v.reproduction} with other settings; resume with the same command, or use another --out`);
    return v;
  }

  get<T>(key: string): T | undefined {
    return this.units[key] as T | undefined;
  }

  /** Save one unit and rewrite the file atomically. */
  save(key: string, value: unknown): void {
    this.units[key] = value;
    const file: CheckpointFile = { kind: "stochgrad.checkpoint", reproduction: this.id, settings: this.fingerprint, units: this.units };
    writeFileAtomic(this.file, toJsonText(file));
    this.saves++;
    if (this.stopAfter !== undefined && this.saves >= this.stopAfter) throw new CheckpointStop(this.saves);
  }
}

/** Thrown by a store opened with stopAfter: the run stops as if interrupted right after a save. */
export class CheckpointStop extends Error {
  constructor(readonly saves: number) {
    super(`stopped after ${saves} checkpoint saves`);
    this.name = "CheckpointStop";
  }
}
