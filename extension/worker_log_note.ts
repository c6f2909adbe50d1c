/**
 * What opening a worker's log shows: the file when it has something in it, else a sentence
 * saying why it is empty, so a blank editor never has to be guessed at (issue 15).
 * No vscode import: tested in plain Node.
 */
import { basename } from 'node:path';
import type { TrialSummary } from '../protocol/runtime_api';

export type WorkerLogView = { kind: 'file'; file: string } | { kind: 'note'; title: string; text: string };

/** `bytes` is the log's size, undefined when the file is not there. */
export function workerLogView(trial: Pick<TrialSummary, 'id' | 'status' | 'waitingReason' | 'iteration'>, file: string, bytes: number | undefined): WorkerLogView {
  if (bytes !== undefined && bytes > 0) return { kind: 'file', file };
  const name = basename(file);
  const rank = /^worker_(\d+)\.log$/.exec(name)?.[1];
  const who = rank === undefined ? `Trial ${trial.id}` : `Worker ${rank} of trial ${trial.id}`;
  return { kind: 'note', title: `${name} of trial ${trial.id} (empty)`, text: `${emptyReason(trial, who, bytes !== undefined)}\n\n${file}\n` };
}

function emptyReason(trial: Pick<TrialSummary, 'id' | 'status' | 'waitingReason' | 'iteration'>, who: string, exists: boolean): string {
  const waiting = trial.waitingReason ? `: ${trial.waitingReason}` : '';
  switch (trial.status) {
    case 'PENDING':
      return trial.iteration === 0
        ? `Trial ${trial.id} has not started yet; it is waiting for a slot${waiting}. Its workers' logs appear when it starts.`
        : `Trial ${trial.id} is waiting to start again${waiting}. ${exists ? `${who} printed nothing before it stopped.` : 'Its log was removed.'}`;
    case 'PAUSED':
      return `Trial ${trial.id} is paused by the scheduler. ${exists ? `${who} printed nothing before it was paused.` : 'Its log was removed.'}`;
    case 'RUNNING':
      if (trial.waitingReason) return `Trial ${trial.id} is waiting for its workers' slots${waiting}. The log fills when its workers start.`;
      return exists
        ? `${who} has printed nothing so far. Output appears here as it is printed; open the log again to see it (Python buffers print output unless it is flushed, e.g. print(..., flush=True)).`
        : `${who} has not started yet. Its log appears when it starts; open it again then.`;
    case 'TERMINATED':
    case 'ERROR':
      return exists ? `${who} printed nothing while the trial ran.` : `The log was removed: the file is not there any more.`;
  }
}
