/**
 * Where to mark a trial's curve: restores from a checkpoint (after a failure, a promotion
 * or a PBT exploit), early stops by a scheduler and stops by the user (each its own mark,
 * issue 15), each with the sentence its tooltip shows.
 */
import type { PointColumns } from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';
import { stoppedByUser } from '../../protocol/trial';
import { valueAt, xAt, xColumn, type XAxis } from './series';

export interface CurveMarker {
  x: number;
  y: number;
  trialId: string;
  kind: 'restore' | 'stop' | 'user-stop';
  text: string;
}

/** The standing row at `iteration` (with a value of `metric`); with `orBefore`, else the last one before it, else the first. */
function rowAt(columns: PointColumns, current: readonly number[], iteration: number, metric: string, orBefore: boolean): number | undefined {
  let found: number | undefined;
  for (const row of current) {
    if (valueAt(columns, metric, row) === undefined) continue;
    if (columns.iteration[row] === iteration) return row;
    if (orBefore && (columns.iteration[row] < iteration || found === undefined)) found = row;
    if (columns.iteration[row] > iteration) break;
  }
  return found;
}

function restoreText(r: TrialSummary['restores'][number]): string {
  const from = r.source ? `from ${r.source}` : r.fromCheckpoint ? `from checkpoint ${r.fromCheckpoint}` : 'from scratch';
  return `restored ${from} at iteration ${r.iteration}: ${r.reason}`;
}

/** Decisions that ended a trial early; reaching max_t is a normal end, as in Ray. */
function earlyStops(trial: TrialSummary): Array<{ iteration: number; text: string }> {
  const stops = trial.decisions.filter((d) => d.kind === 'stop' && !d.reason.includes('max_t'));
  if (stops.length) return stops.map((d) => ({ iteration: d.iteration, text: `stopped early: ${d.reason}` }));
  if (trial.stoppedEarly) return [{ iteration: trial.iteration, text: `stopped early: ${trial.endReason ?? 'by the scheduler'}` }];
  return [];
}

/** `current`: the indices of the trial's standing rows. */
export function curveMarkers(trial: TrialSummary, columns: PointColumns, current: readonly number[], metric: string, axis: XAxis): CurveMarker[] {
  const markers: CurveMarker[] = [];
  // A stop sits on the result it was decided on, or waits for it to arrive; a restore from
  // scratch (iteration 0) has no row of its own and sits on the first.
  const place = (iteration: number, kind: CurveMarker['kind'], text: string) => {
    const row = rowAt(columns, current, iteration, metric, kind !== 'stop');
    const x = row === undefined ? undefined : xAt(xColumn(columns, axis), row);
    if (row !== undefined && x !== undefined) markers.push({ x, y: valueAt(columns, metric, row)!, trialId: trial.id, kind, text });
  };
  for (const r of trial.restores) place(r.iteration, 'restore', restoreText(r));
  for (const s of earlyStops(trial)) place(s.iteration, 'stop', s.text);
  // The user's stop sits on the last result the trial reported before it.
  if (stoppedByUser(trial)) place(trial.iteration, 'user-stop', `stopped by the user at iteration ${trial.iteration}`);
  return markers;
}
