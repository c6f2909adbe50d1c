/** Two or more trials side by side: one row per field, optionally only the fields that differ. */
import type { TrialSummary } from '../../protocol/runtime_api';
import { formatValue } from '../../protocol/format';
import { statusLabel } from './trial_table';

export interface CompareRow {
  label: string;
  values: string[];
  differs: boolean;
}

/** `a.b.c` leaves of a nested config. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
}

export function compareTrials(trials: readonly TrialSummary[], differencesOnly: boolean): CompareRow[] {
  const configs = trials.map((t) => {
    const m = new Map<string, unknown>();
    leaves(t.config, '', m);
    return m;
  });
  const fields: Array<[string, (t: TrialSummary, i: number) => unknown]> = [
    ['status', (t) => statusLabel(t)],
    ['iteration', (t) => t.iteration],
    ['failures', (t) => t.failures],
    ['restores', (t) => t.restores.length],
    ['end reason', (t) => t.endReason],
  ];
  const configKeys = [...new Set(configs.flatMap((m) => [...m.keys()]))].sort();
  for (const key of configKeys) fields.push([`config.${key}`, (_t, i) => configs[i].get(key)]);
  const metricKeys = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  for (const key of metricKeys) fields.push([key, (t) => t.metrics[key]]);
  const rows = fields.map(([label, get]) => {
    const raw = trials.map((t, i) => get(t, i));
    // Compared unrounded: two learning rates can differ beyond the digits shown.
    const keys = raw.map((v) => JSON.stringify(v) ?? 'undefined');
    return { label, values: raw.map(formatValue), differs: keys.some((k) => k !== keys[0]) };
  });
  return differencesOnly ? rows.filter((r) => r.differs) : rows;
}
