/**
 * Reads a reported metric as a number. Workers spell non-finite floats as the strings
 * "NaN", "Infinity" and "-Infinity" (strict JSON has no such numbers); everything else
 * that is not a number is not a numeric metric.
 */
export function metricNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}
