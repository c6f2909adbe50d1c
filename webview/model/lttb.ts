/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the points that
 * carry a curve's visual shape, so 1,000 trials × 200 points stay smooth to draw.
 */
import type { XY } from './series';

/**
 * Which of `xs.length` points to keep: at most `threshold` (never fewer than 2), always
 * the first and the last; a shorter curve keeps every point.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = xs.length;
  if (threshold >= n || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (threshold < 3) return [0, n - 1];
  const out = [0];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * bucketSize) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    const count = Math.max(nextEnd - nextStart, 1);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * bucketSize) + 1;
    const end = Math.floor((i + 1) * bucketSize) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((xs[a] - avgX) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avgY - ys[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

export function lttb<P extends XY>(points: readonly P[], threshold: number): P[] {
  return lttbIndices(
    points.map((p) => p.x),
    points.map((p) => p.y),
    threshold,
  ).map((i) => points[i]);
}

/** Points per curve so that all curves together stay near `budget` points, never below `floor`. */
export function pointsPerCurve(curves: number, budget = 40_000, floor = 30): number {
  return curves === 0 ? budget : Math.max(floor, Math.floor(budget / curves));
}
