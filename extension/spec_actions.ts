/**
 * What Run and Resume mean for an experiment that already has results, and which lenses a
 * spec shows. A finished experiment has nothing left to resume: running it again only
 * appended a start and an end to its journal (stretching its elapsed time), so the user is
 * offered what they likely meant instead (issue 15). No vscode import: tested in plain Node.
 */
import type { ExperimentSummary } from '../protocol/runtime_api';

export type RunIntent = { kind: 'start' } | { kind: 'running'; message: string } | { kind: 'finished'; message: string };

export function runIntent(known: ExperimentSummary | undefined): RunIntent {
  if (!known) return { kind: 'start' };
  if (known.live && known.state === 'running') return { kind: 'running', message: `${known.name} is already running.` };
  if (known.state !== 'finished') return { kind: 'start' };
  const c = known.counts;
  const done = c.TERMINATED + c.ERROR;
  const total = Math.max(known.totalTrials ?? 0, done + c.PENDING + c.RUNNING + c.PAUSED);
  return {
    kind: 'finished',
    message: `${known.name} already finished (${done}/${total} trials done), so running it again would do nothing. To run it as a new experiment (after editing the script, say), give the spec a new run_config.name; or open its results, or extend a trial.`,
  };
}

export type SpecLens = '▶ Run' | 'Plan' | '■ Stop' | 'Resume' | 'Open Dashboard';

/** `resultsExist`: the spec's results folder holds an experiment the store may not know yet. */
export function specLenses(known: ExperimentSummary | undefined, resultsExist: boolean): SpecLens[] {
  const lenses: SpecLens[] = ['▶ Run', 'Plan'];
  if (known?.live && known.state === 'running') lenses.push('■ Stop');
  else if (known?.state === 'finished') lenses.push('Open Dashboard');
  else if (known || resultsExist) lenses.push('Resume');
  return lenses;
}
