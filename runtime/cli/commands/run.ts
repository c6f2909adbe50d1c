import { join } from 'node:path';
import { loadSpec } from '../../spec/load';
import { Tuner } from '../../tuner/tuner';
import type { TrialRecord } from '../../tuner/trial_record';
import type { ParsedArgs } from '../args';
import { formatValue } from '../format';
import { checkRequestsFit, machineFor } from '../machine';
import { bestTrial, paramsText, renderStatus } from '../status_view';

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
    latest_checkpoint: t.checkpoints.length ? join(t.dir, t.checkpoints[t.checkpoints.length - 1].name) : null,
    path: t.dir,
  };
}

/** `tunekit run SPEC`: runs a tuning experiment with a live status block. */
export async function runCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new Error('usage: tunekit run SPEC [--json]');
  const spec = await loadSpec(file);
  const { hardware, capacity } = await machineFor(spec);
  checkRequestsFit(spec, capacity);
  const json = args.flags.has('json');
  const view = json ? err : out;
  const tuner = new Tuner({ spec, capacity, machine: hardware });
  const { metric, mode } = spec.tune_config;
  const status = () =>
    renderStatus({
      name: spec.run_config.name,
      elapsedS: Date.now() / 1000 - tuner.startedAt,
      trials: tuner.trials,
      capacity,
      metric,
      mode,
    });

  const live = view.isTTY === true;
  let drawn = 0;
  const redraw = () => {
    const lines = status();
    if (drawn) view.write(`\x1b[${drawn}A\x1b[J`);
    view.write(lines.join('\n') + '\n');
    drawn = lines.length;
  };
  const plain = () => view.write(status().join('\n') + '\n\n');

  const printed = new Map<string, string>();
  tuner.on('trial', (t: TrialRecord) => {
    const shownAs = t.status === 'RUNNING' && t.waitingReason ? 'WAITING' : t.status;
    if (printed.get(t.id) === shownAs) return;
    printed.set(t.id, shownAs);
    if (t.status === 'ERROR') {
      const tail = t.exit?.logTail?.slice(-10) ?? [];
      const text = [`Trial ${t.id} errored: ${t.endReason}`, ...tail.map((l) => `  | ${l}`), `  error file: ${join(t.dir, 'error.txt')}`];
      if (live) drawn = 0;
      view.write(text.join('\n') + '\n');
    } else if (!live && (t.status === 'TERMINATED' || (t.status === 'RUNNING' && !t.waitingReason))) {
      view.write(`Trial ${t.id} ${t.status}${t.endReason ? `: ${t.endReason}` : ''}\n`);
    }
  });
  tuner.on('warning', (message: string) => view.write(`warning: ${message}\n`));
  tuner.on('rejected', (t: TrialRecord, what: string) => view.write(`Trial ${t.id}: rejected a report: ${what}\n`));

  const timer = setInterval(live ? redraw : plain, live ? REDRAW_MS : PLAIN_STATUS_MS);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    view.write(`\n${signal}: stopping every trial (results so far are kept)…\n`);
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
