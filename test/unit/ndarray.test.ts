// ndarray at the library boundary: inputs in any layout give the same numbers as the plain
// Float64Array; outputs are zero-copy views with the right shapes (writes go both ways).
import ndarray from "ndarray";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { estimators } from "../../src/estimators/registry.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { isNdArray, matrixView, toMatrix, toVector, vectorView } from "../../src/ndarray.js";
import { referenceNet } from "../../src/problems/reference.js";
import { sampleConfigurations } from "../../src/problems/sample.js";
import { rbmExactGradientFlat, rbmLogLikelihood } from "../../src/boltzmann/exact.js";
import { baseRateBiases } from "../../src/boltzmann/ais.js";
import { gibbsSample, gradientViews, Rbm } from "../../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer } from "../../src/boltzmann/trainer.js";
import { barsAndStripes } from "../../src/data/bars-and-stripes.js";
import { loadDataSet } from "../../src/data/datasets.js";
import { binarize, binarizedBatch, loadMnist } from "../../src/data/mnist.js";
import { Stream } from "../../src/random/stream.js";

describe("toVector / toMatrix", () => {
  it("a Float64Array passes through; a contiguous Float64 ndarray is a zero-copy view of the same buffer", () => {
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    expect(toVector(x, "x")).toBe(x);
    const buf = new Float64Array(10);
    const nd = ndarray(buf, [6], [1], 2);
    const v = toVector(nd, "x");
    v[0] = 7;
    expect(buf[2]).toBe(7);
    expect(v.buffer).toBe(buf.buffer);
    const m = toMatrix(ndarray(buf, [2, 4]), 4, "m");
    expect(m.rows).toBe(2);
    expect(m.data.buffer).toBe(buf.buffer);
  });

  it("strided, transposed and non-Float64 ndarrays are gathered in row order (one copy)", () => {
    const a = Float64Array.from({ length: 6 }, (_, k) => k); // 2×3 row-major
    const t = ndarray(a, [2, 3]).transpose(1, 0); // 3×2 view
    const m = toMatrix(t, 2, "t");
    expect(Array.from(m.data)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(m.data.buffer).not.toBe(a.buffer);
    expect(Array.from(toVector(ndarray(a).step(2), "s"))).toEqual([0, 2, 4]);
    expect(Array.from(toVector(ndarray(Float32Array.of(1.5, 2.5)), "f"))).toEqual([1.5, 2.5]);
  });

  it("shape mismatches are InputErrors naming the input", () => {
    expect(() => toVector(ndarray(new Float64Array(3)), "θ", 4)).toThrow(InputError);
    expect(() => toVector(ndarray(new Float64Array(3)), "θ", 4)).toThrow(/^θ: expected 4 entries, got 3 \(ndarray of shape \[3\]\)/);
    expect(() => toMatrix(ndarray(new Float64Array(6), [2, 3]), 4, "batch")).toThrow(/^batch: expected an ndarray of shape \[n, 4\], got \[2, 3\]/);
    expect(() => toMatrix(new Float64Array(7), 4, "data")).toThrow(/^data: /);
    expect(isNdArray(new Float64Array(2))).toBe(false);
    expect(isNdArray(ndarray(new Float64Array(2)))).toBe(true);
  });

  it("views are zero-copy and carry the shape", () => {
    const d = new Float64Array(12);
    const m = matrixView(d, 3, 4);
    expect(m.shape).toEqual([3, 4]);
    m.set(2, 1, 5);
    expect(d[2 * 4 + 1]).toBe(5);
    expect(vectorView(d).shape).toEqual([12]);
  });
});

describe("θ as an ndarray", () => {
  it("exactAnalysis and sampleMoments give bit-identical numbers for θ as Float64Array, contiguous ndarray and strided ndarray", () => {
    const p = referenceNet();
    const th = p.initialParams();
    const entry = () => ({ corr: estimatorEntry(estimators.correlation, p, th) });
    const ref = exactAnalysis(p, th, entry());
    const big = new Float64Array(2 * th.length);
    for (let k = 0; k < th.length; k++) big[2 * k] = th[k];
    for (const t of [ndarray(th.slice()), ndarray(big, [th.length], [2], 0)]) {
      const r = exactAnalysis(p, t, entry());
      expect(Array.from(r.gradient)).toEqual(Array.from(ref.gradient));
      expect(Array.from(r.estimators.corr.variance)).toEqual(Array.from(ref.estimators.corr.variance));
    }
    const inst = estimators.correlation.create(p, th);
    const a = sampleMoments(inst, th, 2000, Stream.fromSeed("nd"));
    const b = sampleMoments(inst, ndarray(th.slice()), 2000, Stream.fromSeed("nd"));
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(() => exactAnalysis(p, ndarray(new Float64Array(3)))).toThrow(/^θ: expected 56 entries/);
  });

  it("gradients come back as per-layer views: weights nₗ×nₗ₋₁ and bias nₗ over the same buffer", () => {
    const p = referenceNet();
    const g = exactAnalysis(p, p.initialParams()).gradient;
    const views = p.paramViews(g);
    expect(views.map((v) => v.weights.shape)).toEqual([
      [4, 3],
      [4, 4],
      [4, 4],
    ]);
    const nested = p.nest(g) as { weights: number[][][]; bias: number[][] };
    for (let l = 0; l < 3; l++) {
      for (let i = 0; i < 4; i++) {
        expect(views[l].bias.get(i)).toBe(nested.bias[l][i]);
        for (let j = 0; j < views[l].weights.shape[1]; j++) expect(views[l].weights.get(i, j)).toBe(nested.weights[l][i][j]);
      }
    }
    views[1].weights.set(0, 0, 123);
    expect(g[p.weightOffset[1]]).toBe(123);
  });

  it("sampled configurations are an n×nUnits ndarray whose rows reproduce forward() on the same stream", () => {
    const p = referenceNet();
    const th = p.initialParams();
    const s = sampleConfigurations(p, ndarray(th), 5, Stream.fromSeed("cfg"));
    expect(s.h.shape).toEqual([5, p.nUnits]);
    const st = Stream.fromSeed("cfg");
    const u = new Float64Array(p.nUnits);
    const ws = p.createWorkspace();
    for (let r = 0; r < 5; r++) {
      st.uniforms(u);
      expect(s.loss[r]).toBe(p.forward(th, u, ws));
      for (let i = 0; i < p.nUnits; i++) expect(s.h.get(r, i)).toBe(ws.h[i]);
    }
  });
});

describe("RBM arrays as ndarrays", () => {
  it("weights are a zero-copy nVisible×nHidden view; fromFlat takes an ndarray", () => {
    const r = Rbm.random(5, 3, Stream.fromSeed("w"), 0.3);
    const w = r.weights;
    expect(w.shape).toEqual([5, 3]);
    expect(w.get(4, 2)).toBe(r.W[4 * 3 + 2]);
    w.set(1, 2, 9);
    expect(r.W[1 * 3 + 2]).toBe(9);
    const back = Rbm.fromFlat(5, 3, ndarray(r.toFlat()));
    expect(Array.from(back.W)).toEqual(Array.from(r.W));
  });

  it("data sets and batches as ndarrays train, score and differentiate bit-identically to Float64Arrays", () => {
    const { data, count: n, dim: nV } = barsAndStripes(2);
    const nd = ndarray(data.slice(), [n, nV]);
    const train = (x: Float64Array | ReturnType<typeof ndarray>) => {
      const r = Rbm.random(nV, 3, Stream.fromSeed("init"), 0.1);
      const t = new RbmTrainer(r, { ...DEFAULT_TRAIN_OPTIONS, method: "pcd", chains: 4, batchSize: 4 }, Stream.fromSeed("train"));
      for (let e = 0; e < 3; e++) t.epoch(x as Float64Array, x instanceof Float64Array ? n : undefined);
      return r;
    };
    const a = train(data);
    const b = train(nd as never);
    expect(Array.from(b.W)).toEqual(Array.from(a.W));
    expect(rbmLogLikelihood(a, nd)).toBe(rbmLogLikelihood(a, data, n));
    expect(Array.from(rbmExactGradientFlat(a, nd).gradient)).toEqual(Array.from(rbmExactGradientFlat(a, data, n).gradient));
    expect(Array.from(baseRateBiases(nd, undefined, nV))).toEqual(Array.from(baseRateBiases(data, n, nV)));
    const g = gradientViews(rbmExactGradientFlat(a, data, n).gradient, nV, 3);
    expect(g.W.shape).toEqual([nV, 3]);
    expect(g.c.shape).toEqual([3]);
  });

  it("Gibbs samples come back as n×nV and n×nH ndarrays of 0/1", () => {
    const r = Rbm.random(6, 4, Stream.fromSeed("g"), 1);
    const s = gibbsSample(r, 7, 3, Stream.fromSeed("chain"));
    expect(s.v.shape).toEqual([7, 6]);
    expect(s.h.shape).toEqual([7, 4]);
    for (const x of [...s.v.data, ...s.h.data]) expect(x === 0 || x === 1).toBe(true);
    const again = gibbsSample(r, 7, 3, Stream.fromSeed("chain"));
    expect(Array.from(again.v.data)).toEqual(Array.from(s.v.data));
  });

  it("MNIST batches are n×784 ndarrays over the binarised pixels; data sets carry row views", () => {
    const tr = loadMnist("test");
    const b = binarizedBatch(tr.images, "threshold", undefined, 10, 5);
    expect(b.shape).toEqual([10, 784]);
    expect(Array.from(b.data)).toEqual(Array.from(binarize(tr.images, "threshold", undefined, 10, 5)));
    const d = loadDataSet("bars-and-stripes-3");
    expect(d.trainRows.shape).toEqual([14, 9]);
    expect(d.trainRows.data).toBe(d.train);
  });
});
