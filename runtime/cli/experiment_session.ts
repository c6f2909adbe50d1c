import { join } from 'node:path';
import type { ParsedArgs } from '../app/command_line';
import { formatValue } from '../../protocol/format';
import { openExperiment, type ExperimentStart } from '../app/start_experiment';
import type { TrialRecord } from '../tuner/trial_record';
import { bestTrial, paramsText, renderStatus } from './status_view';

const REDRAW_MS = 1000;
const PLAIN_STATUS_MS = 10_000;

function trialSummary(t: TrialRecord) {
  return {
    trial_id: t.id,
    trial_name: t.name,
    status: t.status,
    config: t.config,
    iterations: t.iteration,
    last_result: t.lastResult ?? null,
    end_reason: t.endReason ?? null,
    failures: t.trainFailures + t.tuneFailures,
    latest_checkpoint: t.checkpoints.length ? join(t.dir, t.checkpoints[t.checkpoints.length - 1].name) : null,
    path: t.dir,
  };
}

/** Drives one experiment to its end with a live status block; returns the exit code. */
export async function driveExperiment(start: ExperimentStart, args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const { tuner, spec, capacity, lock, notes } = await openExperiment(start, { say: (line) => err.write(`${line}\n`) });
  const json = args.flags.has('json');
  const view = json ? err : out;
  for (const note of notes) view.write(`${note}\n`);
  const { metric, mode } = spec.tune_config;
  const status = () =>
    renderStatus({ name: spec.run_config.name, elapsedS: Date.now() / 1000 - tuner.startedAt, trials: tuner.trials, capacity, metric, mode });

  const live = view.isTTY === true;
  let drawn = 0;
  const redraw = () => {
    const lines = status();
    if (drawn) view.write(`\x1b[${drawn}A\x1b[J`);
    view.write(lines.join('\n') + '\n');
    drawn = lines.length;
  };
  const plain = () => view.write(status().join('\n') + '\n\n');
  const say = (text: string) => {
    if (live) drawn = 0;
    view.write(text + '\n');
  };

  const printed = new Map<string, string>();
  tuner.on('trial', (t: TrialRecord) => {
    const shownAs = t.status === 'RUNNING' && t.waitingReason ? 'WAITING' : t.status;
    if (printed.get(t.id) === shownAs) return;
    printed.set(t.id, shownAs);
    if (t.status === 'ERROR') {
      const tail = t.exit?.logTail?.slice(-10) ?? [];
      say([`Trial ${t.id} errored: ${t.endReason}`, ...tail.map((l) => `  | ${l}`), `  error file: ${join(t.dir, 'error.txt')}`].join('\n'));
    } else if (!live && (t.status === 'TERMINATED' || t.status === 'PAUSED' || (t.status === 'RUNNING' && !t.waitingReason))) {
      say(`Trial ${t.id} ${t.status}${t.status !== 'RUNNING' && (t.endReason ?? t.waitingReason) ? `: ${t.endReason ?? t.waitingReason}` : ''}`);
    }
  });
  tuner.on('restore', (t: TrialRecord, context: { from_checkpoint: string | null; after_failure: string; failures: number }) =>
    say(`Trial ${t.id} restored from ${context.from_checkpoint ?? 'scratch'} after: ${context.after_failure} (failure ${context.failures})`),
  );
  tuner.on('warning', (message: string) => say(`warning: ${message}`));
  tuner.on('rejected', (t: TrialRecord, what: string) => say(`Trial ${t.id}: rejected a report: ${what}`));

  const timer = setInterval(live ? redraw : plain, live ? REDRAW_MS : PLAIN_STATUS_MS);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${signal}: stopping every trial (results so far are kept; resume with: tunekit resume ${tuner.experimentPath})`);
    tuner.stop(`interrupted by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome;
  try {
    outcome = await tuner.run();
  } finally {
    clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.release();
  }
  if (live) redraw();
  else plain();

  const best = bestTrial(outcome.trials, metric, mode);
  const errored = outcome.trials.filter((t) => t.status === 'ERROR');
  const lines = [`Experiment ${outcome.status}: ${outcome.reason}`];
  if (best && metric) {
    lines.push(`Best trial: ${best.id} with ${metric}=${formatValue(best.lastResult?.[metric])} {${paramsText(best)}}`);
    const ckpt = best.checkpoints[best.checkpoints.length - 1];
    if (ckpt) lines.push(`Best trial's checkpoint: ${join(best.dir, ckpt.name)}`);
  }
  if (errored.length) lines.push(`${errored.length} trial(s) errored; see error.txt in their directories.`);
  lines.push(`Results: ${outcome.experimentPath}`);
  view.write(lines.join('\n') + '\n');
  if (json) {
    out.write(
      JSON.stringify({
        status: outcome.status,
        reason: outcome.reason,
        experiment_path: outcome.experimentPath,
        best_trial: best ? trialSummary(best) : null,
        trials: outcome.trials.map(trialSummary),
      }) + '\n',
    );
  }
  if (interrupted) return 130;
  return errored.length || outcome.status === 'failed' ? 1 : 0;
}
