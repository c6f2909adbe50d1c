/**
 * One experiment this runtime drives: the run lock, a Tuner, and the journal read back as
 * it grows (restores, decisions, worker pids). Opened as `tunekit run` opens one, by the
 * application layer's openExperiment.
 */
import { join } from 'node:path';
import type { ExperimentState } from '../../protocol/runtime_api';
import type { ExperimentSpec } from '../../protocol/spec';
import { openExperiment, type ExperimentStart } from '../app/start_experiment';
import type { TrialLedger } from '../resources/machine_ledger';
import { countTrials } from '../search/variants';
import { JOURNAL_FILE } from '../storage/experiment_dir';
import type { RunLock } from '../tuner/run_lock';
import type { TrialRecord } from '../tuner/trial_record';
import { Tuner, type Capacity, type ExperimentOutcome } from '../tuner/tuner';
import { JournalHistory, schedulerTimeAttr } from './journal_history';
import { JournalTail } from './journal_tail';
import type { ExperimentView, LiveResources } from './state_projection';

export interface RunListeners {
  trial(run: HostedRun, trial: TrialRecord): void;
  result(run: HostedRun, trial: TrialRecord, row: Record<string, unknown>): void;
  warning(run: HostedRun, message: string): void;
  finished(run: HostedRun): void;
}

export interface StartOptions {
  /** Which experiment, and what its Tuner starts from (built under the lock). */
  start: ExperimentStart;
  listeners: RunListeners;
  /** The seat on the machine's ledger that this runtime's experiments share. */
  ledgerFor: (capacity: Capacity) => TrialLedger;
}

/** Opens the experiment and starts its Tuner; resolves once it runs. */
export async function startHostedRun(options: StartOptions): Promise<HostedRun> {
  const opened = await openExperiment(options.start, { ledgerFor: options.ledgerFor });
  let run: HostedRun;
  try {
    run = new HostedRun(opened.tuner, opened.spec, opened.lock, opened.capacity, options.listeners);
  } catch (err) {
    opened.tuner.ledger.close();
    opened.lock.release();
    throw err;
  }
  run.notes.push(...opened.notes);
  run.start();
  return run;
}

export class HostedRun {
  readonly path: string;
  readonly history: JournalHistory;
  readonly notes: string[] = [];
  state: ExperimentState = 'running';
  endedAt: number | undefined;
  reason: string | undefined;
  outcome: ExperimentOutcome | undefined;
  /** Settles once the Tuner has ended and the lock is released. */
  done: Promise<void> = Promise.resolve();
  private readonly tail: JournalTail;

  constructor(
    readonly tuner: Tuner,
    readonly spec: ExperimentSpec,
    private readonly lock: RunLock,
    readonly capacity: Capacity,
    private readonly listeners: RunListeners,
  ) {
    this.path = tuner.experimentPath;
    this.tail = new JournalTail(join(this.path, JOURNAL_FILE));
    const byId = new Map<string, TrialRecord>();
    this.history = new JournalHistory(schedulerTimeAttr(this.spec.tune_config.scheduler), (id) => {
      if (!byId.has(id)) for (const t of tuner.trials) byId.set(t.id, t);
      return byId.get(id)?.iteration ?? 0;
    });
  }

  get live(): boolean {
    return this.state === 'running';
  }

  start(): void {
    const { tuner, listeners } = this;
    tuner.on('trial', (t: TrialRecord) => listeners.trial(this, t));
    tuner.on('result', (t: TrialRecord, row: Record<string, unknown>) => listeners.result(this, t, row));
    tuner.on('warning', (message: string) => listeners.warning(this, message));
    tuner.on('rejected', (t: TrialRecord, what: string) => listeners.warning(this, `trial ${t.id} rejected a report: ${what}`));
    this.done = tuner.run().then(
      (outcome) => {
        this.outcome = outcome;
        this.state = outcome.status;
        this.reason = outcome.reason;
      },
      (err: Error) => {
        this.state = 'failed';
        this.reason = `the runtime failed: ${err.message}`;
      },
    ).finally(async () => {
      tuner.ledger.close(); // a Tuner that failed must not keep its slots from the others
      this.endedAt = Date.now() / 1000;
      this.lock.release();
      await this.poll().catch(() => undefined);
      listeners.finished(this);
    });
  }

  /** Reads what the journal gained; returns the trials it touched. */
  async poll(): Promise<Set<string>> {
    return this.history.apply(await this.tail.read());
  }

  view(): ExperimentView {
    const spec = this.spec;
    const { metric, mode, num_samples } = spec.tune_config;
    return {
      path: this.path,
      name: spec.run_config.name,
      specPath: spec.file,
      state: this.state,
      live: this.live,
      startedAt: this.history.startedAt ?? this.tuner.startedAt,
      endedAt: this.endedAt,
      reason: this.reason,
      metric,
      mode,
      totalTrials: this.tuner.searcher.total ?? countTrials(spec.param_space, num_samples),
      trials: this.tuner.trials,
      history: (id) => this.history.of(id),
    };
  }

  resources(): LiveResources {
    return { experimentPath: this.path, ledger: this.tuner.ledger.snapshot(), trials: this.tuner.trials };
  }
}
