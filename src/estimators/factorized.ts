/**
 * Factorised binary layers: problems whose unit logits a = a(θ) do not depend on other units
 * (a single unit, or a one-layer sigmoid belief net with constant input x: a = Wx + b).
 * The antithetic estimators (AR, ARM, DisARM; Yin & Zhou 2019, Dong, Mnih & Tucker 2020) and the
 * conditional reparameterisation of REBAR/RELAX (Tucker et al. 2017; Grathwohl et al. 2018) are
 * defined for such layers: ∇θ E[f(b)] = Σᵢ (∂E/∂aᵢ) ∂aᵢ/∂θ with ∂aᵢ/∂θ independent of b.
 */
import { SigmoidBeliefNet } from "../problems/sbn.js";
import { type BinaryProblem, type Workspace } from "../problems/types.js";
import { InputError } from "../errors.js";

/** null when the problem's logits are independent of its units, else the reason. */
export function factorizedReason(problem: BinaryProblem): string | null {
  if (problem instanceof SigmoidBeliefNet && problem.nLayers === 1) return null;
  return `needs a factorised binary layer (kind "single" or a one-layer "sbn"); problem kind "${problem.kind}"${problem instanceof SigmoidBeliefNet ? ` has ${problem.nLayers} stochastic layers` : ""}`;
}

/**
 * A factorised problem viewed as f(b) with logits a(θ): `logits` fills ws.a, ws.s for θ;
 * `loss` evaluates f at the configuration in ws.h; `chain` adds Σᵢ gᵢ ∂aᵢ/∂θ to out.
 */
export class FactorizedView {
  readonly n: number;
  readonly ws: Workspace;
  constructor(readonly problem: BinaryProblem) {
    const why = factorizedReason(problem);
    if (why) throw new InputError(why);
    this.n = problem.nUnits;
    this.ws = problem.createWorkspace();
  }
  /** Fill ws.a and ws.s = σ(a) at θ (the configuration in ws.h is irrelevant for a factorised layer). */
  logits(theta: Float64Array): void {
    this.problem.evaluate(theta, this.ws);
  }
  /** f(h) for h (length n); copies h into ws.h. */
  loss(theta: Float64Array, h: Float64Array): number {
    this.ws.h.set(h);
    return this.problem.evaluate(theta, this.ws);
  }
  /** out = Σᵢ gᵢ ∂aᵢ/∂θ (overwrites out). Shapes: g (n), out (nParams). */
  chain(theta: Float64Array, g: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.n; i++) if (g[i] !== 0) this.problem.addLogitGradient(theta, this.ws, i, g[i], out);
  }
}
