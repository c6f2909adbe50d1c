/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the points that
 * carry a curve's visual shape, so 1,000 trials × 200 points stay smooth to draw.
 */
import type { XY } from './series';

/** At most `threshold` points (never fewer than 2), always the first and the last; shorter input passes through. */
export function lttb<P extends XY>(points: readonly P[], threshold: number): P[] {
  const n = points.length;
  if (threshold >= n || n <= 2) return points.slice();
  if (threshold < 3) return [points[0], points[n - 1]];
  const out: P[] = [points[0]];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * bucketSize) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += points[j].x;
      avgY += points[j].y;
    }
    const count = Math.max(nextEnd - nextStart, 1);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * bucketSize) + 1;
    const end = Math.floor((i + 1) * bucketSize) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((points[a].x - avgX) * (points[j].y - points[a].y) - (points[a].x - points[j].x) * (avgY - points[a].y));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]);
    a = best;
  }
  out.push(points[n - 1]);
  return out;
}

/** Points per curve so that all curves together stay near `budget` points, never below `floor`. */
export function pointsPerCurve(curves: number, budget = 60_000, floor = 40): number {
  return curves === 0 ? budget : Math.max(floor, Math.floor(budget / curves));
}
