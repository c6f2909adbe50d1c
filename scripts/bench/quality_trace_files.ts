import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRow, ProcessSpan, QualityTrace } from './quality_trace';

type Line = Record<string, unknown>;

function jsonLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

function epochRow(row: Line, where: string): EpochRow {
  const { reported_at: at, val_acc: valAcc, epoch_s: epochS } = row;
  if (typeof at !== 'number' || typeof valAcc !== 'number' || typeof epochS !== 'number') {
    throw new Error(`${where}: a result lacks reported_at, val_acc or epoch_s`);
  }
  return { at, valAcc, epochS };
}

/**
 * A Tunekit run: each trial_started opens a span that its next trial_paused or
 * trial_finished closes; rows come from every trial's result.json.
 */
export function tunekitTrace(experimentPath: string, trialDirs: readonly string[]): QualityTrace {
  const open = new Map<string, number>();
  const spans: ProcessSpan[] = [];
  let warmUps = 0;
  for (const e of jsonLines(join(experimentPath, 'events.jsonl'))) {
    const id = e.trial_id as string;
    if (e.type === 'trial_note') {
      // A driver's warm parent imports once, before its first workers fork: count it, as Optuna's start-up is.
      const warmUp = /new warm parent, which imported .* in ([\d.]+) s$/.exec(String(e.note));
      if (warmUp) {
        warmUps++;
        spans.push({ start: (e.ts as number) - Number(warmUp[1]), end: e.ts as number });
      }
    } else if (e.type === 'trial_started') open.set(id, e.ts as number);
    else if ((e.type === 'trial_paused' || e.type === 'trial_finished') && open.has(id)) {
      spans.push({ start: open.get(id)!, end: e.ts as number });
      open.delete(id);
    }
  }
  if (open.size) throw new Error(`${experimentPath}: ${open.size} trial(s) started and never ended`);
  const rows = trialDirs.flatMap((dir) => jsonLines(join(dir, 'result.json')).map((r) => epochRow(r, dir)));
  return { spans, rows, starts: spans.length - warmUps };
}

interface OptunaTrialLine {
  start: number;
  end: number;
  rows: Line[];
}

/**
 * An Optuna run from bench/optuna_digits.py's output: its one process runs every trial, so
 * its start-up (spawn until the first trial) is a span of its own, then each trial is one.
 */
export function optunaTrace(outFile: string, spawnedAt: number): QualityTrace {
  const trials = jsonLines(outFile) as unknown as OptunaTrialLine[];
  if (trials.length === 0) throw new Error(`${outFile}: Optuna recorded no trial`);
  const spans: ProcessSpan[] = [{ start: spawnedAt, end: trials[0].start }, ...trials.map((t) => ({ start: t.start, end: t.end }))];
  return { spans, rows: trials.flatMap((t) => t.rows.map((r) => epochRow(r, outFile))), starts: 1 };
}
