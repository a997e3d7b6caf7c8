// RBM training on the compute core (src/boltzmann/trainer.ts, gibbs.ts, negative-phase/): the
// same bytes for 1, 2 and 8 workers (CD and PCD, float64 and float32, momentum, weight decay,
// sampled or mean-field hidden units, a ragged last batch), bit-exact resume across worker
// counts, the parameter step against its formula, the exact-gradient path against the
// enumeration, AIS on the pool.
import { describe, expect, it } from "vitest";
import { aisLogPartition, baseRateBiases, raiseLogPartition, salakhutdinovMurrayBetas } from "../../src/boltzmann/ais.js";
import { BinaryRows } from "../../src/boltzmann/binary-rows.js";
import { rbmExactGradientFlat, rbmLogLikelihood } from "../../src/boltzmann/exact.js";
import { meanFreeEnergy } from "../../src/boltzmann/likelihood.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";
import { gradientToFlat, Rbm } from "../../src/boltzmann/rbm.js";
import { ptSample, temperingLadder, type PtDiagnostics } from "../../src/boltzmann/negative-phase/pt.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, validateTrainOptions, type RbmMethod, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";
import { InputError } from "../../src/errors.js";
import { Stream } from "../../src/random/stream.js";
import { testPools } from "./worker-pools.js";

const pool = testPools();

/** nRows random 0/1 rows of width nV (density 0.3). */
function data(nRows: number, nV: number, seed: string): Float64Array {
  const s = Stream.fromSeed(seed);
  return Float64Array.from({ length: nRows * nV }, () => +(s.uniform() < 0.3));
}

function bytes(...arrays: Float64Array[]): string {
  return arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")).join("|");
}

// 50 visible × 37 hidden units: several column chunks (tiles of 12/24) and W-row chunks; batch 23
// (three draw chunks, the last ragged) over 120 rows (a last batch of 5); PCD with 17 chains.
const NV = 50;
const NH = 37;
const ROWS = 120;
const X = data(ROWS, NV, "rbm-training/data");
const base: RbmTrainOptions = { ...DEFAULT_TRAIN_OPTIONS, batchSize: 23, chains: 17, learningRate: 0.1 };
const VARIANTS: [string, Partial<RbmTrainOptions>][] = [
  ["PCD-1 float64", { method: "pcd" }],
  ["CD-2 float64, momentum, weight decay", { method: "cd", k: 2, momentum: 0.6, weightDecay: 0.01 }],
  ["PCD-2 float32, sampled hidden units, momentum", { method: "pcd", k: 2, dtype: "float32", meanFieldHidden: false, momentum: 0.5 }],
  ["CD-1 float32, sampled hidden units, weight decay", { method: "cd", dtype: "float32", meanFieldHidden: false, weightDecay: 0.02 }],
  ["PT-1 float64, 4 temperatures", { method: "pt", temperatures: 4, betaMin: 0.3 }],
  ["PCD-1 float64 centered, momentum, weight decay", { method: "pcd", centering: true, offsetDecay: 0.05, momentum: 0.5, weightDecay: 0.01 }],
  ["CD-1 float32 centered", { method: "cd", centering: true, dtype: "float32" }],
  ["PT-2 float32, 3 temperatures, sampled hidden units", { method: "pt", k: 2, temperatures: 3, dtype: "float32", meanFieldHidden: false }],
];

function train(o: RbmTrainOptions, workers: number, epochs: number, from?: { model: unknown; state: unknown }): { rbm: Rbm; trainer: RbmTrainer } {
  const rbm = from ? Rbm.fromJSON(from.model) : Rbm.random(NV, NH, Stream.fromSeed("rbm-training/init"), 0.1);
  const trainer = new RbmTrainer(rbm, o, Stream.fromSeed("rbm-training/train"), pool(workers));
  if (from) trainer.restore(JSON.parse(JSON.stringify(from.state)));
  for (let e = 0; e < epochs; e++) trainer.epoch(X, ROWS);
  return { rbm, trainer };
}

describe("RBM training on the compute core", () => {
  for (const [name, opts] of VARIANTS) {
    it(`${name}: model and trainer state are byte-identical for 1, 2 and 8 workers, and resume is bit-exact across worker counts`, () => {
      const o = { ...base, ...opts };
      const runs = [1, 2, 8].map((w) => {
        const { rbm, trainer } = train(o, w, 3);
        const out = { params: bytes(rbm.W, rbm.b, rbm.c), state: JSON.stringify(trainer.toJSON()) };
        trainer.release();
        return out;
      });
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      expect(pool(2).chunksRun()[0]).toBe(0); // the worker threads, not the calling thread, ran the pooled jobs
      expect(pool(8).chunksRun()[0]).toBe(0);
      // 2 epochs on 2 workers, saved, 1 more epoch in-process = 3 epochs straight
      const first = train(o, 2, 2);
      const saved = JSON.parse(JSON.stringify({ model: first.rbm.toJSON(), state: first.trainer.toJSON() }));
      first.trainer.release();
      const resumed = train(o, 1, 1, saved);
      expect(bytes(resumed.rbm.W, resumed.rbm.b, resumed.rbm.c)).toBe(runs[0].params);
      expect(JSON.stringify(resumed.trainer.toJSON())).toBe(runs[0].state);
      resumed.trainer.release();
      if (o.dtype === "float32") for (const x of resumed.rbm.W) expect(Math.fround(x)).toBe(x);
    });
  }

  it("float32 and float64 training start alike and differ only at float32 rounding after one update", () => {
    const run = (dtype: "float32" | "float64") => {
      const rbm = Rbm.random(NV, NH, Stream.fromSeed("rbm-training/init"), 0.1);
      const t = new RbmTrainer(rbm, { ...base, method: "cd", dtype }, Stream.fromSeed("rbm-training/dtype"));
      t.step(X.subarray(0, 23 * NV), 23);
      t.release();
      return rbm.W;
    };
    const w64 = run("float64");
    const w32 = run("float32");
    let worst = 0;
    for (let k = 0; k < w64.length; k++) worst = Math.max(worst, Math.abs(w32[k] - w64[k]));
    expect(worst).toBeGreaterThan(0);
    // one update moves W by at most η·(1 + 1) = 0.2; float32 rounding of W (|W| ≲ 0.5) and of the
    // row sums (≤ 23 terms) stays far below the 1e-3 a different draw would show
    expect(worst).toBeLessThan(1e-5);
  });

  for (const method of ["cd", "pcd"] as RbmMethod[]) {
    it(`${method}: step() is Δ ← μΔ + η(∇̂ − λW), θ += Δ on the gradient estimate() gives for the same noise (to rounding)`, () => {
      const o: RbmTrainOptions = { ...base, method, momentum: 0.7, weightDecay: 0.05, learningRate: 0.3 };
      const a = new RbmTrainer(Rbm.random(NV, NH, Stream.fromSeed("i"), 0.1), o, Stream.fromSeed("s"));
      const b = new RbmTrainer(Rbm.random(NV, NH, Stream.fromSeed("i"), 0.1), o, Stream.fromSeed("s"));
      const P = NV * NH + NV + NH;
      const delta = new Float64Array(P);
      for (let t = 0; t < 4; t++) {
        const batch = X.subarray(t * 23 * NV, (t + 1) * 23 * NV);
        a.rbm.W.set(b.rbm.W);
        a.rbm.b.set(b.rbm.b);
        a.rbm.c.set(b.rbm.c);
        const before = b.rbm.toFlat();
        const g = gradientToFlat(a.estimate(batch, 23));
        b.step(batch, 23);
        const after = b.rbm.toFlat();
        let scale = 0;
        for (let q = 0; q < P; q++) {
          const decay = q < NV * NH ? o.weightDecay * before[q] : 0;
          delta[q] = o.momentum * delta[q] + o.learningRate * (g[q] - decay);
          scale = Math.max(scale, Math.abs(before[q]), Math.abs(delta[q]), o.learningRate * 2);
        }
        // the same handful of roundings in another order: within 64u of the largest term
        for (let q = 0; q < P; q++) expect(Math.abs(after[q] - before[q] - delta[q])).toBeLessThanOrEqual(64 * 2 ** -53 * scale);
        // the last step is not trivially equal: a wrong momentum would be seen
        expect(Math.max(...delta.map(Math.abs))).toBeGreaterThan(1e3 * 64 * 2 ** -53 * scale);
      }
      a.release();
      b.release();
    });
  }

  it("the exact negative phase: estimate() is the exact log-likelihood gradient of the batch, and momentum steps follow it", () => {
    const nV = 9;
    const nH = 5;
    const d = data(11, nV, "rbm-training/exact");
    const rbm = Rbm.random(nV, nH, Stream.fromSeed("rbm-training/exact-init"), 0.5);
    const o: RbmTrainOptions = { ...DEFAULT_TRAIN_OPTIONS, method: "exact", batchSize: 11, learningRate: 0.2, momentum: 0.5, weightDecay: 0.01 };
    const t = new RbmTrainer(rbm, o, Stream.fromSeed("x"));
    const ref = rbm.clone();
    const vel = new Float64Array(ref.nParams);
    for (let step = 0; step < 5; step++) {
      const want = rbmExactGradientFlat(ref, d, 11).gradient;
      const got = gradientToFlat(t.estimate(d, 11));
      for (let q = 0; q < want.length; q++) expect(Math.abs(got[q] - want[q])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(want[q])));
      t.step(d, 11);
      const th = ref.toFlat();
      for (let q = 0; q < th.length; q++) {
        vel[q] = o.momentum * vel[q] + o.learningRate * (want[q] - (q < nV * nH ? o.weightDecay * th[q] : 0));
        th[q] += vel[q];
      }
      const r2 = Rbm.fromFlat(nV, nH, th);
      ref.W.set(r2.W);
      ref.b.set(r2.b);
      ref.c.set(r2.c);
      const now = rbm.toFlat();
      for (let q = 0; q < th.length; q++) expect(Math.abs(now[q] - th[q])).toBeLessThanOrEqual(1e-12);
    }
    t.release();
  });

  it("data that is not 0/1, a batch larger than batchSize and a state of another format are InputErrors naming them", () => {
    const t = new RbmTrainer(new Rbm(4, 3), { ...DEFAULT_TRAIN_OPTIONS, batchSize: 2 }, Stream.fromSeed("x"));
    expect(() => t.epoch(new Float64Array([0, 1, 0.5, 0]), 1)).toThrow(/^data\[0\]\[2\] = 0\.5: RBM training reads 0\/1 data/);
    expect(() => t.step(new Float64Array(12), 3)).toThrow(/^batch: 3 rows exceed batchSize = 2/);
    expect(() => t.estimate(new Float64Array([0, 1, 1, 3]), 1)).toThrow(/^batch\[0\]\[3\] = 3: RBM training reads 0\/1 data/);
    expect(() => t.restore({ chainsH: [], velocity: [], stream: t.stream.toJSON(), updates: 0 } as never)).toThrow(/^training\.state\.format: expected 2, got undefined/);
    const s = t.toJSON();
    expect(() => t.restore({ ...s, sampler: { ...(s.sampler as object), chainsH: [2] } })).toThrow(InputError);
    expect(() => t.restore({ ...s, sampler: { ...(s.sampler as object), streams: [[1, 2]] } })).toThrow(/^training\.state\.sampler\.streams: expected \d+ generator states, got 1$/);
    t.release();
    expect(() => BinaryRows.fromMatrix(new Float64Array([1, 2]), 1, 2)).toThrow(/^data\[0\]\[1\] = 2/);
    // a batch or chain count too large to allocate is priced up front, never a RangeError
    expect(() => new RbmTrainer(new Rbm(4, 3), { ...DEFAULT_TRAIN_OPTIONS, batchSize: 2 ** 53 }, Stream.fromSeed("x"))).toThrow(/^batchSize: expected an integer below 2\^53, got 9007199254740992$/);
    expect(() => new RbmTrainer(new Rbm(4, 3), { ...DEFAULT_TRAIN_OPTIONS, batchSize: 2 ** 40 }, Stream.fromSeed("x"))).toThrow(/^batchSize = 1099511627776, chains = 100: the training matrices would need about .* GiB; the limit is 4 GiB/);
    expect(() => new RbmTrainer(new Rbm(4, 3), { ...DEFAULT_TRAIN_OPTIONS, chains: 2 ** 40 }, Stream.fromSeed("x"))).toThrow(InputError);
  });

  it("parallel tempering: the geometric ladder, swap counts per pair, every swap accepted when all β are 1, and bad ladders refused naming the option", () => {
    expect(Array.from(temperingLadder(3, 0.25))).toEqual([1, 0.5, 0.25]);
    const counts = (betaMin: number) => {
      const t = new RbmTrainer(Rbm.random(NV, NH, Stream.fromSeed("pt/init"), 0.5), { ...base, method: "pt", temperatures: 4, betaMin }, Stream.fromSeed("pt/train"));
      t.epoch(X, ROWS);
      const d = t.sampler.diagnostics!() as PtDiagnostics;
      t.release();
      return d;
    };
    // 120 rows / batch 23 = 6 updates, alternating even (pairs 0, 2) and odd (pair 1) rounds, 17 ladders each
    const one = counts(1);
    expect(one.attempted).toEqual([3 * 17, 3 * 17, 3 * 17]);
    expect(one.accepted).toEqual(one.attempted); // equal β: the acceptance ratio is exactly 1
    const cold = counts(0.1);
    expect(cold.betas[3]).toBeCloseTo(0.1, 15);
    for (let t = 0; t < 3; t++) expect(cold.accepted[t]).toBeLessThan(cold.attempted[t]);
    for (const [o, msg] of [
      [{ method: "pt", temperatures: 1 }, /^temperatures: parallel tempering needs an integer number of temperatures ≥ 2, got 1$/],
      [{ method: "pt", betaMin: 0 }, /^betaMin: the lowest inverse temperature β must lie in \(0, 1\], got 0$/],
      [{ method: "pt", betaMin: 1.5 }, /^betaMin: the lowest inverse temperature β must lie in \(0, 1\], got 1.5$/],
      [{ method: "pcd", temperatures: 3 }, /^temperatures: applies to parallel tempering only \(method "pt"\), the method is "pcd"$/],
    ] as [Partial<RbmTrainOptions>, RegExp][]) {
      expect(() => validateTrainOptions({ ...base, ...o })).toThrow(msg);
    }
  });

  it("ptSample: the β = 1 chains' states are the same bytes for 1, 2 and 8 workers, 0/1, and not all alike", () => {
    const rbm = Rbm.random(NV, NH, Stream.fromSeed("pt/sample"), 1);
    const draw = (w: number) => ptSample(rbm, { chains: 13, temperatures: 3, betaMin: 0.4, sweeps: 20 }, Stream.fromSeed("pt/sample/s"), pool(w));
    const one = draw(1);
    expect(bytes(draw(2).samples)).toBe(bytes(one.samples));
    expect(bytes(draw(8).samples)).toBe(bytes(one.samples));
    expect(one.samples.length).toBe(13 * NV);
    for (const x of one.samples) expect(x === 0 || x === 1).toBe(true);
    expect(new Set(Array.from({ length: 13 }, (_, c) => one.samples.subarray(c * NV, (c + 1) * NV).join(""))).size).toBe(13);
    expect(one.diagnostics.attempted).toEqual([130, 130]);
  });

  it("every registered negative phase keeps its state in plain JSON without nulls", () => {
    for (const method of Object.keys(negativePhases) as RbmMethod[]) {
      const t = new RbmTrainer(Rbm.random(6, 4, Stream.fromSeed("i"), 0.1), { ...DEFAULT_TRAIN_OPTIONS, method, batchSize: 5, chains: 3 }, Stream.fromSeed("j"));
      t.epoch(data(10, 6, "j"), 10);
      const text = JSON.stringify(t.toJSON());
      expect(text).not.toMatch(/null/);
      t.restore(JSON.parse(text));
      expect(JSON.stringify(t.toJSON())).toBe(text);
      t.release();
    }
  });
});

describe("AIS on the pool", () => {
  const rbm = Rbm.random(30, 40, Stream.fromSeed("ais/model"), 0.3);
  const d = data(200, 30, "ais/data");
  const base = baseRateBiases(d, 200, 30);
  const run = (runs: number, workers: number) => aisLogPartition(rbm, Stream.fromSeed("ais/stream"), { runs, betas: salakhutdinovMurrayBetas(300), baseBias: base, pool: pool(workers) });

  it("log-weights are byte-identical for 1, 2 and 8 workers, and the first runs do not change when more are added", () => {
    const one = run(23, 1);
    expect(bytes(run(23, 2).logWeights)).toBe(bytes(one.logWeights));
    expect(bytes(run(23, 8).logWeights)).toBe(bytes(one.logWeights));
    expect(bytes(run(40, 2).logWeights.subarray(0, 23))).toBe(bytes(one.logWeights));
    expect(new Set(one.logWeights).size).toBe(23); // runs are not copies of each other
  });

  it("RAISE: reverse log-weights are byte-identical for 1, 2 and 8 workers; a run depends on its own data row only; bad data are refused", () => {
    const raise = (rows: number, workers: number) => raiseLogPartition(rbm, d, rows, Stream.fromSeed("raise/stream"), { betas: salakhutdinovMurrayBetas(300), baseBias: base, pool: pool(workers) });
    const one = raise(23, 1);
    expect(bytes(raise(23, 2).logWeights)).toBe(bytes(one.logWeights));
    expect(bytes(raise(23, 8).logWeights)).toBe(bytes(one.logWeights));
    expect(bytes(raise(40, 2).logWeights.subarray(0, 23))).toBe(bytes(one.logWeights));
    let m = 0;
    for (const w of one.logWeights) m += w / 23;
    expect(one.logZ).toBe(one.logZBase + m);
    expect(() => raiseLogPartition(rbm, d, 1, Stream.fromSeed("x"), { betas: salakhutdinovMurrayBetas(30), baseBias: base })).toThrow(/^RAISE: needs at least 2 data vectors, got 1$/);
    const bad = d.slice(0, 60);
    bad[31] = 0.5;
    expect(() => raiseLogPartition(rbm, bad, 2, Stream.fromSeed("x"), { betas: salakhutdinovMurrayBetas(30), baseBias: base })).toThrow(/^RAISE data\[1\]\[1\] = 0.5: expected 0\/1$/);
  });

  it("with β ∈ {0, 1} (plain importance sampling) run r's weight is p*(v)/p*_A(v) on v ~ p_A drawn from stream.fork(`run/${r}`)", () => {
    const runs = 7;
    const r = aisLogPartition(rbm, Stream.fromSeed("ais/plain"), { runs, betas: new Float64Array([0, 1]), baseBias: base });
    const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
    for (let k = 0; k < runs; k++) {
      const s = Stream.fromSeed("ais/plain").fork(`run/${k}`);
      const v = Array.from(base, (ba) => +(s.uniform() < 1 / (1 + Math.exp(-ba))));
      // log w = (b − b_A)ᵀv + Σⱼ softplus(cⱼ + (vW)ⱼ) − nH·log 2
      let want = -nH * Math.LN2;
      for (let i = 0; i < nV; i++) want += v[i] * (b[i] - base[i]);
      for (let j = 0; j < nH; j++) {
        let a = c[j];
        for (let i = 0; i < nV; i++) a += v[i] * W[i * nH + j];
        want += Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
      }
      expect(Math.abs(r.logWeights[k] - want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
    }
  });
});

describe("free energies on the pool", () => {
  it("mean F over 0/1 rows: the same bytes for 1, 2 and 8 workers, and the float64 reference within the rounding bound", () => {
    const rbm = Rbm.random(40, 70, Stream.fromSeed("fe/model"), 0.5);
    Stream.fromSeed("fe/biases").normals(rbm.b);
    Stream.fromSeed("fe/hidden").normals(rbm.c);
    const n = 333; // six chunks of 64 rows, the last ragged
    const d = data(n, 40, "fe/data");
    const got = [1, 2, 8].map((w) => meanFreeEnergy(rbm, d, n, pool(w)));
    expect(new Set(got).size).toBe(1);
    const want = -rbmLogLikelihood(rbm, d, n, 0); // mean F by the JavaScript free energy
    // each row: 70 softplus terms within 8u, 110 terms summed; then the mean of 333 rows
    let mag = 0;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < 70; j++) {
        let a = rbm.c[j];
        for (let i = 0; i < 40; i++) a += d[r * 40 + i] * rbm.W[i * 70 + j];
        mag += (Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)))) / n;
      }
      for (let i = 0; i < 40; i++) mag += (d[r * 40 + i] * Math.abs(rbm.b[i])) / n;
    }
    expect(Math.abs(got[0] - want)).toBeLessThanOrEqual((8 + 110 + n) * 2 ** -53 * mag * 2);
  });
});
