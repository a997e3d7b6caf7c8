/**
 * Sampled configurations of a problem's units: n forward passes hᵢ = 1[uᵢ < σ(aᵢ)] (or the units'
 * own noise for injected-noise nets) with uniforms from a keyed stream, returned as an n×nUnits
 * ndarray (row s is the s-th configuration) and the n losses. Row s reads the s-th block of
 * nUnits uniforms of `stream`, so the same stream gives the same configurations.
 */
import { matrixView, toFiniteVector, type NdArray, type VectorInput } from "../ndarray.js";
import { InputError } from "../errors.js";
import type { Stream } from "../random/stream.js";
import type { BinaryProblem } from "./types.js";

/** n sampled configurations h (n×nUnits, zero-copy ndarray) and their losses L(h) (n). Shapes: θ (nParams). */
export function sampleConfigurations(problem: BinaryProblem, theta: VectorInput, n: number, stream: Stream): { h: NdArray<Float64Array>; loss: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`n: expected an integer number of samples ≥ 1, got ${n}`);
  const th = toFiniteVector(theta, "θ", problem.nParams);
  const m = problem.nUnits;
  const ws = problem.createWorkspace();
  const u = new Float64Array(m);
  const h = new Float64Array(n * m);
  const loss = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    stream.uniforms(u);
    loss[s] = problem.forward(th, u, ws);
    h.set(ws.h, s * m);
  }
  return { h: matrixView(h, n, m), loss };
}
