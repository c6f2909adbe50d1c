/**
 * Smoothing of learning curves as TensorBoard does it: an exponential moving average with
 * weight `w` in [0, 1), debiased so the first points are not pulled towards zero. 0 leaves
 * the curve as it is. TensorBoard's scalar dashboard computes exactly this
 * (`last = last * w + (1 - w) * y; smoothed = last / (1 - w ** n)`).
 */
export const MAX_SMOOTHING = 0.99;

export function clampSmoothing(w: unknown): number {
  return typeof w === 'number' && Number.isFinite(w) ? Math.min(MAX_SMOOTHING, Math.max(0, w)) : 0;
}

export function smoothEma(ys: readonly number[], weight: number): number[] {
  const w = clampSmoothing(weight);
  if (w === 0) return [...ys];
  const out: number[] = new Array<number>(ys.length);
  let last = 0;
  for (let i = 0; i < ys.length; i++) {
    last = last * w + (1 - w) * ys[i];
    out[i] = last / (1 - w ** (i + 1));
  }
  return out;
}
