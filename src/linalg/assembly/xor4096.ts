// Uniform fill from Brent's xorgens xor4096, the generator behind every stochgrad Stream
// (seedrandom's lib/xor4096.js), step for step: the same state gives the same numbers.
//
// State block at `st` (520 bytes): X[128] (i32, the circular array), then i (i32), then w (i32,
// the Weyl counter). `xor4096Fill` advances it in place, so a stream's state can move into the
// kernel and back without losing a draw.
//   kind 0: float64 uniforms (v >>> 0)·2⁻³² ∈ [0, 1), Stream.uniform() bit for bit;
//   kind 1: float32 uniforms (v >>> 8)·2⁻²⁴ ∈ [0, 1) (exact in float32; never rounds up to 1).
//
// Step k reads X[i+1] (written 128 steps earlier) and X[i+34] (written 94 steps earlier), so four
// consecutive steps are independent: they run as one i32x4 step whenever their four X[i+1] form
// an aligned block and their X[i+34] do not wrap around the array (31 of every 32 blocks).

const WEYL: i32 = 0x61c88647;

@inline function step(st: usize, i: i32, w: i32): i32 {
  let v = load<i32>(st + (<usize>((i + 34) & 127) << 2));
  const j = (i + 1) & 127;
  let t = load<i32>(st + (<usize>j << 2));
  v ^= v << 13;
  t ^= t << 17;
  v ^= <i32>(<u32>v >>> 15);
  t ^= <i32>(<u32>t >>> 12);
  v ^= t;
  store<i32>(st + (<usize>j << 2), v);
  return v + (w ^ <i32>(<u32>w >>> 16));
}

@inline function put(out: usize, k: i32, x: i32, kind: i32): void {
  if (kind == 0) store<f64>(out + (<usize>k << 3), <f64><u32>x * 2.3283064365386963e-10);
  else store<f32>(out + (<usize>k << 2), <f32>(<u32>x >>> 8) * <f32>5.9604644775390625e-8);
}

export function xor4096Fill(st: usize, out: usize, n: i32, kind: i32): void {
  let i = load<i32>(st + 512);
  let w = load<i32>(st + 516);
  let k: i32 = 0;
  const lanesW = i32x4(WEYL, 2 * WEYL, 3 * WEYL, 4 * WEYL);
  while (k < n) {
    // vector step: writes X[i+1 … i+4] as one aligned block, reads X[i+34 … i+37] unwrapped
    if ((i & 3) == 3 && k + 4 <= n && ((i + 34) & 127) <= 124) {
      const j = (i + 1) & 127;
      let t = v128.load(st + (<usize>j << 2));
      let v = v128.load(st + (<usize>((i + 34) & 127) << 2));
      v = v128.xor(v, i32x4.shl(v, 13));
      t = v128.xor(t, i32x4.shl(t, 17));
      v = v128.xor(v, i32x4.shr_u(v, 15));
      t = v128.xor(t, i32x4.shr_u(t, 12));
      v = v128.xor(v, t);
      v128.store(st + (<usize>j << 2), v);
      const wv = i32x4.add(i32x4.splat(w), lanesW);
      const x = i32x4.add(v, v128.xor(wv, i32x4.shr_u(wv, 16)));
      if (kind == 0) {
        const o = out + (<usize>k << 3);
        v128.store(o, f64x2.mul(f64x2.convert_low_i32x4_u(x), f64x2.splat(2.3283064365386963e-10)));
        v128.store(o, f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(x, x, 2, 3, 0, 1)), f64x2.splat(2.3283064365386963e-10)), 16);
      } else {
        v128.store(out + (<usize>k << 2), f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(x, 8)), f32x4.splat(<f32>5.9604644775390625e-8)));
      }
      w += 4 * WEYL;
      i = (i + 4) & 127;
      k += 4;
      continue;
    }
    w += WEYL;
    put(out, k, step(st, i, w), kind);
    i = (i + 1) & 127;
    k++;
  }
  store<i32>(st + 512, i);
  store<i32>(st + 516, w);
}
