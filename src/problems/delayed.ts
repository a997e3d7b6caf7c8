/**
 * Delayed-reward problem (Bengio 2013, §3: Theorem 1 "also applies when L is a delayed,
 * non-differentiable reward"). A binary stochastic policy acts for T ≥ 3 steps in a
 * deterministic corridor of S states:
 *   a_t = θ[s_t]  (tabular logits),  h_t = 1[u_t < σ(a_t)],  s_{t+1} = clamp(s_t + 2h_t − 1, 0, S−1).
 * The reward r(s_T) arrives only after the last step; L = −r(s_T). Nothing is differentiable:
 * the state moves through discrete jumps and r is a table.
 */
import { sigmoid } from "../numerics.js";
import { type BinaryProblem, type Workspace } from "./types.js";
import { describeValue, InputError } from "../errors.js";
import { MAX_FLOAT64_ENTRIES } from "../limits.js";
import { requireInteger, requireNumbers } from "../validate.js";

export interface DelayedRewardSpec {
  kind: "delayed";
  /** T, the number of decisions (≥ 3) */
  steps: number;
  /** S, corridor length (≥ 2) */
  states: number;
  /** s_0 */
  start: number;
  /** logit per state (length S) */
  policy: number[];
  /** reward per final state (length S); default: 1 at the right end, 0 elsewhere */
  reward?: number[];
}

export class DelayedReward implements BinaryProblem {
  readonly kind = "delayed";
  readonly nUnits: number;
  readonly nParams: number;
  readonly steps: number;
  readonly states: number;
  readonly start: number;
  readonly reward: Float64Array;
  private readonly theta0: Float64Array;

  constructor(spec: DelayedRewardSpec) {
    const T = spec.steps;
    if (typeof T !== "number" || !Number.isInteger(T) || T < 3) throw new InputError(`steps: the reward must be delayed over T ≥ 3 steps, got ${describeValue(T)}`);
    if (T > 24) throw new InputError(`steps: at most 24 (the exact engine enumerates 2^T paths), got ${T}`);
    const S = requireInteger(spec.states, "states", 2, MAX_FLOAT64_ENTRIES);
    const start = requireInteger(spec.start, "start", 0, S - 1);
    const policy = requireNumbers(spec.policy, "policy", S, "one logit per state");
    const r = spec.reward === undefined ? Array.from({ length: S }, (_, k) => (k === S - 1 ? 1 : 0)) : requireNumbers(spec.reward, "reward", S, "one per final state");
    this.steps = T;
    this.states = S;
    this.start = start;
    this.reward = Float64Array.from(r);
    this.nUnits = T;
    this.nParams = S;
    this.theta0 = Float64Array.from(policy);
  }

  initialParams(): Float64Array {
    return this.theta0.slice();
  }

  paramLabels(): string[] {
    return Array.from({ length: this.states }, (_, k) => `policy[${k}]`);
  }

  createWorkspace(): Workspace {
    const T = this.steps;
    // scratch[t] = s_t, the state in which decision t was taken
    return { h: new Float64Array(T), a: new Float64Array(T), s: new Float64Array(T), c: new Float64Array(T), scratch: new Float64Array(T + 1) };
  }

  forward(theta: Float64Array, u: Float64Array, ws: Workspace): number {
    let st = this.start;
    const last = this.states - 1;
    for (let t = 0; t < this.steps; t++) {
      ws.scratch[t] = st;
      const a = theta[st];
      const p = sigmoid(a);
      ws.a[t] = a;
      ws.s[t] = p;
      ws.c[t] = sigmoid(-a);
      const h = +(u[t] < p);
      ws.h[t] = h;
      st += 2 * h - 1;
      st = st < 0 ? 0 : st > last ? last : st;
    }
    ws.scratch[this.steps] = st;
    return -this.reward[st];
  }

  evaluate(theta: Float64Array, ws: Workspace): number {
    let st = this.start;
    const last = this.states - 1;
    for (let t = 0; t < this.steps; t++) {
      ws.scratch[t] = st;
      ws.a[t] = theta[st];
      ws.s[t] = sigmoid(theta[st]);
      ws.c[t] = sigmoid(-theta[st]);
      st += 2 * ws.h[t] - 1;
      st = st < 0 ? 0 : st > last ? last : st;
    }
    ws.scratch[this.steps] = st;
    return -this.reward[st];
  }

  addLogitGradient(_theta: Float64Array, ws: Workspace, i: number, scale: number, g: Float64Array): void {
    g[ws.scratch[i]] += scale;
  }

  /** {policy: [...]} */
  nest(v: ArrayLike<number>): { policy: number[] } {
    return { policy: Array.from(v) };
  }

  toJSON(): unknown {
    return { kind: "delayed", steps: this.steps, states: this.states, start: this.start, policy: Array.from(this.theta0), reward: Array.from(this.reward) };
  }
}
