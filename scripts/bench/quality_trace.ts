/**
 * Time to quality from one tuning run, whatever ran it: the wall-clock spans during which a
 * training process existed, and every per-epoch result with the moment it was reported.
 */

/** A training process from spawn (or trial start) to exit, in epoch seconds. */
export interface ProcessSpan {
  start: number;
  end: number;
}

export interface EpochRow {
  /** Epoch seconds when the result was reported. */
  at: number;
  valAcc: number;
  /** Time the worker spent on this epoch itself (training and validation). */
  epochS: number;
}

export interface QualityTrace {
  /** Time some training process existed; spans of one process may follow each other. */
  spans: ProcessSpan[];
  rows: EpochRow[];
  /** Training processes started (a paused and resumed trial starts more than one). */
  starts: number;
}

export interface QualityFigures {
  /** Spent until the first result at or above the target; undefined when none reached it. */
  reached: { workerS: number; trainingS: number } | undefined;
  bestValAcc: number;
  totalWorkerS: number;
  totalTrainingS: number;
  epochs: number;
  starts: number;
}

/** Worker-seconds spent before `until`: every process's wall time, cut off at that moment. */
function workerSecondsUntil(spans: readonly ProcessSpan[], until: number): number {
  return spans.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, until) - s.start), 0);
}

export function qualityFigures(trace: QualityTrace, target: number): QualityFigures {
  if (trace.rows.length === 0) throw new Error('the run reported no result');
  const rows = [...trace.rows].sort((a, b) => a.at - b.at);
  const first = rows.find((r) => r.valAcc >= target);
  const trainingUntil = (until: number) => rows.filter((r) => r.at <= until).reduce((sum, r) => sum + r.epochS, 0);
  return {
    reached: first && { workerS: workerSecondsUntil(trace.spans, first.at), trainingS: trainingUntil(first.at) },
    bestValAcc: Math.max(...rows.map((r) => r.valAcc)),
    totalWorkerS: workerSecondsUntil(trace.spans, Infinity),
    totalTrainingS: trainingUntil(Infinity),
    epochs: rows.length,
    starts: trace.starts,
  };
}
