/**
 * Rebuilding an estimator instance on another thread. The registry attaches to every instance it
 * creates the recipe that made it (`recipeOf`: spec id, options, θ at creation, the problem); its
 * text form (`recipeText`) travels through the shared memory, and a worker thread rebuilds the
 * same instance from it (`instanceFor`), once per thread and recipe. Only offline instances are
 * rebuilt (an online instance's state is its history), and only on problems whose JSON rebuilds
 * the same problem (the built-in kinds of PROBLEM_KINDS).
 *
 * The cache of rebuilt instances (a few per thread, most recently used first) is one of the
 * documented caches of ARCHITECTURE.md: a rebuilt instance computes what the original computes
 * (the determinism tests compare 1, 2 and 8 workers byte for byte), so its entries never change a
 * result. The calling thread keeps the original instance under its recipe (`keepInstance`), so a
 * pool of one worker runs exactly the code of an in-process run.
 */
import { problemFromJSON } from "../problems/json.js";
import type { BinaryProblem } from "../problems/types.js";
import { estimators, isEstimatorId } from "./registry.js";
import { isOnline, recipeOf, uncheckedInstance, type EstimatorInstance } from "./types.js";

/** How many rebuilt instances a thread keeps. */
const CACHE = 8;
const cache = new Map<string, EstimatorInstance>();

/**
 * The text a worker rebuilds `inst` from, or null when it cannot be rebuilt: no recipe (not made
 * by the registry), online state, or a problem whose JSON does not rebuild it (a kind outside
 * PROBLEM_KINDS, or one whose parser gives a different problem).
 */
export function recipeText(inst: EstimatorInstance): string | null {
  const r = recipeOf(inst);
  if (!r || isOnline(inst) || !isEstimatorId(r.id)) return null;
  const problemJson = problemText(r.problem);
  if (problemJson === null) return null;
  return `{"id":${JSON.stringify(r.id)},"options":${JSON.stringify(r.options)},"theta":${JSON.stringify(Array.from(r.theta))},"problem":${problemJson}}`;
}

/**
 * The JSON text another thread rebuilds `problem` from (`problemFromJSON`), or null when that
 * would not give the same problem (a kind outside PROBLEM_KINDS, or one whose parser gives a
 * different problem).
 */
export function problemText(problem: BinaryProblem): string | null {
  try {
    const text = JSON.stringify(problem.toJSON());
    const rebuilt = problemFromJSON(JSON.parse(text));
    return rebuilt.constructor === problem.constructor && JSON.stringify(rebuilt.toJSON()) === text ? text : null;
  } catch {
    return null;
  }
}

function remember(text: string, inst: EstimatorInstance): EstimatorInstance {
  cache.delete(text);
  cache.set(text, inst);
  while (cache.size > CACHE) cache.delete(cache.keys().next().value!);
  return inst;
}

/** On the calling thread: chunks of jobs with this recipe run on `inst` itself (its unchecked form). */
export function keepInstance(text: string, inst: EstimatorInstance): void {
  remember(text, uncheckedInstance(inst));
}

/** The (unchecked) instance of a recipe on this thread: kept, or rebuilt from the text and kept. */
export function instanceFor(text: string): EstimatorInstance {
  const hit = cache.get(text);
  if (hit) return remember(text, hit);
  const r = JSON.parse(text) as { id: string; options: Record<string, number>; theta: number[]; problem: unknown };
  if (!isEstimatorId(r.id)) throw new Error(`recipe: unknown estimator ${r.id}`);
  const inst = estimators[r.id].create(problemFromJSON(r.problem), Float64Array.from(r.theta), r.options);
  return remember(text, uncheckedInstance(inst));
}
