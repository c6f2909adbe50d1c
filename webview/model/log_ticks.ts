/**
 * Which ticks of a log axis get a label: 1, 2 and 5 of each decade when they fit, else the
 * decades, else every k-th decade, so labels never run into each other (issue 15). Labels
 * are short: `2e-5`, `0.01`, `500`.
 */

const MANTISSAS_125 = new Set([1, 2, 5]);

/** The tick's mantissa (1..9) and decade, or undefined for a value between them. */
function split(v: number): { m: number; e: number } | undefined {
  if (!(v > 0) || !Number.isFinite(v)) return undefined;
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = v / 10 ** e;
  const r = Math.round(m);
  return Math.abs(m - r) < 1e-6 * r ? { m: r, e } : undefined;
}

export function shortLogLabel(v: number): string {
  const s = split(v);
  if (!s) return '';
  if (s.e >= -3 && s.e <= 4) return String(Number((s.m * 10 ** s.e).toPrecision(1)));
  return `${s.m}e${s.e}`;
}

/**
 * The label of tick `v` on a log axis from `min` to `max` that is `lengthPx` long, where a
 * label needs about `labelPx` (horizontal: its width and a gap; vertical: its height and a gap).
 */
export function logTickLabel(v: number, min: number, max: number, lengthPx: number, labelPx: number): string {
  const s = split(v);
  if (!s || !(min > 0) || !(max > min)) return '';
  const decades = Math.max(Math.log10(max / min), 1e-9);
  const slots = Math.max(1, Math.floor(lengthPx / labelPx));
  if (decades * 3 <= slots) return MANTISSAS_125.has(s.m) ? shortLogLabel(v) : '';
  if (s.m !== 1) return '';
  const every = Math.max(1, Math.ceil((decades + 1) / slots));
  return s.e % every === 0 ? shortLogLabel(v) : '';
}
