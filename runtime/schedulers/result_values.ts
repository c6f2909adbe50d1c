/** Reading the numbers a scheduler compares out of a result, and writing them in reasons. */
import { metricNumber } from '../report/metric_value';

/**
 * The number under `key`, NaN included; undefined when it is missing or not numeric. A boolean
 * reads as 1 or 0, since Ray compares it as Python does (True * 1.0 == 1.0).
 */
export function resultNumber(result: Record<string, unknown> | undefined, key: string): number | undefined {
  if (result === undefined) return undefined;
  const value = result[key];
  return typeof value === 'boolean' ? Number(value) : metricNumber(value);
}

/** A number for JSON: NaN and the infinities become the strings workers use for them. */
export function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** The inverse of encodeNumber; undefined for anything else. */
export function decodeNumber(value: unknown): number | undefined {
  return metricNumber(value);
}
