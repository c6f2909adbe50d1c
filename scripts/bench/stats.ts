/** Order statistics for benchmark samples; nearest-rank, so every figure is a real sample. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples to summarise');
  return [...values].sort((a, b) => a - b);
}

/** The p-th percentile (0 < p <= 100) by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const s = sorted(values);
  return s[Math.ceil((p / 100) * s.length) - 1];
}

/** The middle sample, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
