/**
 * The one health state the status bar shows, computed from the store and the connection.
 * Pure, so every wording is tested without VS Code.
 */
import type { RuntimeStore } from './store';

export type ConnectionState = 'starting' | 'connected' | 'reconnecting' | 'crashed';

export interface Health {
  text: string;
  tooltip: string;
  /** 'warning' and 'error' colour the status bar item's background. */
  severity: 'ok' | 'warning' | 'error';
  /** Codicon shown before the text. */
  icon: string;
}

export function healthOf(store: RuntimeStore, connection: ConnectionState, trusted: boolean): Health {
  if (connection === 'crashed') {
    return {
      text: 'Tunekit: runtime stopped',
      tooltip: 'The Tunekit runtime crashed too often and was not restarted. Run "Tunekit: Show Runtime Log" to see why.',
      severity: 'error',
      icon: 'error',
    };
  }
  if (connection === 'starting' || connection === 'reconnecting') {
    return {
      text: connection === 'starting' ? 'Tunekit: starting' : 'Tunekit: reconnecting',
      tooltip: 'Connecting to the Tunekit runtime of this workspace.',
      severity: 'ok',
      icon: 'sync~spin',
    };
  }
  const live = store.experiments().filter((e) => e.live);
  const running = live.reduce((n, e) => n + e.counts.RUNNING, 0);
  const waiting = store.resources().waiting.length;
  const gpus = store.resources().gpus;
  const busyGpus = gpus.filter((g) => g.holders.length > 0).length;
  const errored = live.filter((e) => e.counts.ERROR > 0);
  const failed = store.failedExperiments().map((p) => store.experiment(p)?.name ?? p);

  const jobs = store.resources().cluster?.jobs ?? [];
  const queued = jobs.filter((j) => j.state === 'PENDING').length;

  // A Slurm trial counts as RUNNING from submission; the queue tells running from queued.
  const local = running - jobs.length;
  const waitingHere = waiting - queued;

  const parts: string[] = [];
  if (local > 0) parts.push(`${local} running`);
  if (jobs.length) parts.push(`Slurm: ${jobs.length - queued} running, ${queued} queued`);
  if (waitingHere > 0) parts.push(`${waitingHere} waiting`);
  if (parts.length && gpus.length) parts.push(`GPU ${busyGpus}/${gpus.length}`);
  const text = `Tunekit: ${parts.length ? parts.join(' · ') : 'idle'}${trusted ? '' : ' (restricted)'}`;

  const tooltip: string[] = [];
  if (failed.length) tooltip.push(`Failed: ${failed.join(', ')}.`);
  for (const e of errored) tooltip.push(`${e.name}: ${e.counts.ERROR} trial${e.counts.ERROR === 1 ? '' : 's'} errored.`);
  if (!trusted) tooltip.push('This workspace is not trusted: results can be browsed, nothing runs.');
  tooltip.push('Click to show the experiments.');

  const severity = failed.length ? 'error' : errored.length ? 'warning' : 'ok';
  return { text, tooltip: tooltip.join('\n'), severity, icon: severity === 'ok' ? 'beaker' : 'warning' };
}
