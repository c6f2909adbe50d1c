/**
 * numpy's nanpercentile and median with its default 'linear' method, so cutoffs match Ray's
 * to the last bit: numpy interpolates from the upper neighbour once the fraction reaches 0.5.
 */

/** `np.nanpercentile(values, percent)`: NaN values are left out; NaN when none is left. */
export function nanPercentile(values: readonly number[], percent: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * (percent / 100);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return lerp(sorted[below], sorted[above], position - below);
}

/** `np.median` of values already free of NaN: the mean of the two middle values when even. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function lerp(a: number, b: number, t: number): number {
  // Infinite neighbours give NaN here, as they do in numpy.
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}
