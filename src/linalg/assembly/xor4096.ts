// Uniform fill from Brent's xorgens xor4096, the generator behind every stochgrad Stream
// (seedrandom's lib/xor4096.js), step for step: the same state gives the same numbers.
//
// State block at `st` (520 bytes): X[128] (i32, the circular array), then i (i32), then w (i32,
// the Weyl counter). `xor4096Fill` advances it in place, so a stream's state can move into the
// kernel and back without losing a draw.
//   kind 0: float64 uniforms (v >>> 0)·2⁻³² ∈ [0, 1), Stream.uniform() bit for bit;
//   kind 1: float32 uniforms (v >>> 8)·2⁻²⁴ ∈ [0, 1) (exact in float32; never rounds up to 1).

export function xor4096Fill(st: usize, out: usize, n: i32, kind: i32): void {
  let i = load<i32>(st + 512);
  let w = load<i32>(st + 516);
  for (let k: i32 = 0; k < n; k++) {
    w += 0x61c88647;
    let v = load<i32>(st + (<usize>((i + 34) & 127) << 2));
    i = (i + 1) & 127;
    let t = load<i32>(st + (<usize>i << 2));
    v ^= v << 13;
    t ^= t << 17;
    v ^= <i32>(<u32>v >>> 15);
    t ^= <i32>(<u32>t >>> 12);
    v ^= t;
    store<i32>(st + (<usize>i << 2), v);
    const x = <u32>(v + (w ^ <i32>(<u32>w >>> 16)));
    if (kind == 0) store<f64>(out + (<usize>k << 3), <f64>x * 2.3283064365386963e-10);
    else store<f32>(out + (<usize>k << 2), <f32>(x >>> 8) * <f32>5.9604644775390625e-8);
  }
  store<i32>(st + 512, i);
  store<i32>(st + 516, w);
}
