// Lane helpers shared by the kernels: one generic body serves float64 (f64x2, 2 lanes) and
// float32 (f32x4, 4 lanes); `sizeof<T>()` is a compile-time constant, so each instance keeps
// one branch. Pointers are byte addresses in the shared linear memory; strides are in elements.

export function vadd<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return f64x2.add(a, b);
  return f32x4.add(a, b);
}

export function vsub<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return f64x2.sub(a, b);
  return f32x4.sub(a, b);
}

export function vmul<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return f64x2.mul(a, b);
  return f32x4.mul(a, b);
}

export function vsplat<T>(x: f64): v128 {
  if (sizeof<T>() == 8) return f64x2.splat(x);
  return f32x4.splat(<f32>x);
}

export function vlt<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return f64x2.lt(a, b);
  return f32x4.lt(a, b);
}

/** 1.0 in every lane where the mask is set, 0.0 elsewhere (the mask is all-ones or all-zeros per lane). */
export function vone<T>(mask: v128): v128 {
  return v128.and(mask, vsplat<T>(1.0));
}

/** Lanes per 128-bit vector: 2 (float64) or 4 (float32). */
export function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}
