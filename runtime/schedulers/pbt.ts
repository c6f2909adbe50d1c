/**
 * Ray's PopulationBasedTraining (asynchronous mode). Each time a trial has trained
 * perturbation_interval more (after burn_in_period), its score is updated and the live
 * population ranked: a trial in the top quantile remembers its latest checkpoint as something
 * to clone, a trial in the bottom quantile clones a random top trial that has one (exploit)
 * with a mutated copy of that trial's config (explore). Ray's custom_explore_fn is not
 * supported: a spec holds no code.
 */
import type { SchedulerSpec, TuneConfig } from '../../protocol/spec';
import { createRng, hashString } from '../search/rng';
import { explore, fillMissing, parseMutations, type Mutations, type Operations } from './pbt_explore';
import { restorePbtTrials, savePbtTrials, type PbtTrial } from './pbt_state';
import { formatNumber } from '../../protocol/format';
import { resultNumber } from './result_values';
import { isArray, openState, sealState, statePart } from './saved_state';
import { readObjective, readOptions, requireOption, type Objective } from './scheduler_options';
import type { ResultContext, SchedulerDecision, SchedulerEvent, SchedulerTrial, TrialScheduler } from './trial_scheduler';

export interface PbtOptions {
  time_attr: string;
  perturbation_interval: number;
  burn_in_period: number;
  hyperparam_mutations: Record<string, unknown>;
  quantile_fraction: number;
  resample_probability: number;
  perturbation_factors: number[];
  require_attrs: boolean;
}

export const PBT_DEFAULTS: PbtOptions = {
  time_attr: 'time_total_s',
  perturbation_interval: 60,
  burn_in_period: 0,
  hyperparam_mutations: {},
  quantile_fraction: 0.25,
  resample_probability: 0.25,
  perturbation_factors: [1.2, 0.8],
  require_attrs: true,
};

/** One exploit, as written to pbt_policy_log.jsonl. */
export interface PolicyLogEntry {
  trial_id: string;
  donor_id: string;
  iteration: number;
  donor_iteration: number;
  donor_checkpoint: string;
  old_config: Record<string, unknown>;
  donor_config: Record<string, unknown>;
  new_config: Record<string, unknown>;
  operations: Operations;
}

const EXPLOIT_STREAM = hashString('pbt/exploit');
const FILL_STREAM = hashString('pbt/fill');

type PausedChoice = ReturnType<NonNullable<TrialScheduler['choosePaused']>>;

export class PbtScheduler implements TrialScheduler {
  readonly name = 'pbt';
  readonly options: PbtOptions & Objective;
  private readonly mutations: Mutations;
  private readonly trials = new Map<string, PbtTrial>();
  private policyLog: PolicyLogEntry[] = [];
  /** Bottom-quantile moments so far; each one's random draws come from its own stream. */
  private exploitDraws = 0;
  private events: SchedulerEvent[] = [];

  constructor(
    spec: SchedulerSpec,
    tune: Pick<TuneConfig, 'metric' | 'mode'>,
    private readonly seed: number,
  ) {
    const options = readOptions(spec, { ...PBT_DEFAULTS });
    const where = 'tune_config.scheduler (pbt)';
    requireOption(
      Object.keys(options.hyperparam_mutations).length > 0,
      `${where} needs hyperparam_mutations: the parameters PBT may change, shaped like param_space, e.g. {train_loop_config: {lr: {loguniform: [1.0e-4, 1.0e-1]}}}`,
    );
    requireOption(
      options.perturbation_interval > 0,
      `${where}: perturbation_interval must be greater than 0, got ${options.perturbation_interval}`,
    );
    requireOption(options.burn_in_period >= 0, `${where}: burn_in_period must be at least 0, got ${options.burn_in_period}`);
    requireOption(
      options.quantile_fraction >= 0 && options.quantile_fraction <= 0.5,
      `${where}: quantile_fraction must be between 0 and 0.5, got ${options.quantile_fraction}`,
    );
    requireOption(
      options.resample_probability >= 0 && options.resample_probability <= 1,
      `${where}: resample_probability must be between 0 and 1, got ${options.resample_probability}`,
    );
    requireOption(
      options.perturbation_factors.length > 0 && options.perturbation_factors.every((f) => typeof f === 'number'),
      `${where}: perturbation_factors must be a non-empty list of numbers, e.g. [1.2, 0.8]`,
    );
    this.mutations = parseMutations(options.hyperparam_mutations);
    this.options = { ...options, ...readObjective(spec, tune) };
  }

  /** Every exploit so far, oldest first. */
  policy(): PolicyLogEntry[] {
    return structuredClone(this.policyLog);
  }

  /** Ray's on_trial_add fills mutated keys the trial's config lacks; one stream per trial, so a resume draws the same. */
  completeConfig(trial: SchedulerTrial): ReturnType<NonNullable<TrialScheduler['completeConfig']>> {
    const filled = fillMissing(trial.config, this.mutations, createRng(this.seed, FILL_STREAM, trial.index));
    return filled.added.length ? filled : undefined;
  }

  onTrialAdd(trial: SchedulerTrial): void {
    if (!this.trials.has(trial.id))
      this.trials.set(trial.id, { index: trial.index, config: trial.config, lastPerturbationTime: 0, lastTrainTime: 0, finished: false });
  }

  onTrialResult(trial: SchedulerTrial, result: Record<string, unknown>, context?: ResultContext): SchedulerDecision {
    this.onTrialAdd(trial);
    const state = this.trials.get(trial.id)!;
    state.config = trial.config;
    state.finished = false;
    const time = resultNumber(result, this.options.time_attr);
    const value = resultNumber(result, this.options.metric);
    if (time === undefined || value === undefined)
      return this.onMissing(trial, time === undefined ? this.options.time_attr : this.options.metric);
    if (time < this.options.burn_in_period || time - state.lastPerturbationTime < this.options.perturbation_interval)
      return { action: 'continue' };
    state.lastScore = this.options.mode === 'max' ? value : -value;
    state.lastTrainTime = time;
    state.lastPerturbationTime = time;
    state.lastIteration = resultNumber(result, 'training_iteration') ?? 0;
    const { lower, upper } = this.quantiles();
    if (upper.includes(trial.id) && trial.latestCheckpoint !== undefined) {
      state.checkpoint = { name: trial.latestCheckpoint, iteration: state.lastIteration };
    } else {
      state.checkpoint = undefined;
    }
    const exploit = lower.includes(trial.id) ? this.exploit(trial, state, upper) : undefined;
    if (exploit) return exploit;
    if (!context?.trialsWaiting) return { action: 'continue' };
    const reason = `paused at ${this.options.time_attr} ${formatNumber(time)} so waiting trials of the population can train (PBT takes turns when the population exceeds the resources)`;
    this.events.push({ trialId: trial.id, kind: 'pause', reason, detail: { time } });
    return { action: 'pause', reason };
  }

  onTrialComplete(trial: SchedulerTrial): void {
    const state = this.trials.get(trial.id);
    if (state) state.finished = true;
  }

  onTrialError(trial: SchedulerTrial): void {
    this.onTrialComplete(trial);
  }

  /** Ray's choose_trial_to_run: new trials first, then the paused trial that trained least. */
  choosePaused(paused: SchedulerTrial[], noMorePending: boolean): PausedChoice {
    if (!noMorePending || paused.length === 0) return {};
    const trainTime = (t: SchedulerTrial): number => this.trials.get(t.id)?.lastTrainTime ?? 0;
    const next = [...paused].sort((a, b) => trainTime(a) - trainTime(b) || a.index - b.index)[0];
    return {
      resume: {
        id: next.id,
        reason: `resumed: it has trained least of the paused population (${this.options.time_attr} ${formatNumber(trainTime(next))})`,
      },
    };
  }

  drainEvents(): SchedulerEvent[] {
    return this.events.splice(0);
  }

  saveState(): unknown {
    return sealState(
      this.name,
      { ...this.options, seed: this.seed },
      {
        trials: savePbtTrials(this.trials),
        policy_log: structuredClone(this.policyLog),
        exploit_draws: this.exploitDraws,
      },
    );
  }

  restoreState(state: unknown): void {
    const body = openState(state, this.name, { ...this.options, seed: this.seed });
    const trials = restorePbtTrials(this.name, statePart(body, this.name, 'trials', isArray));
    const policyLog = statePart(body, this.name, 'policy_log', isArray) as PolicyLogEntry[];
    const draws = statePart(body, this.name, 'exploit_draws', (v): v is number => Number.isInteger(v) && (v as number) >= 0);
    this.trials.clear();
    for (const [id, trial] of trials) this.trials.set(id, trial);
    this.policyLog = structuredClone(policyLog);
    this.exploitDraws = draws;
  }

  /** Ray raises when a result lacks time_attr or the metric, unless require_attrs is false. */
  private onMissing(trial: SchedulerTrial, key: string): SchedulerDecision {
    if (!this.options.require_attrs) return { action: 'continue' };
    return {
      action: 'fail',
      reason: `pbt: a result of ${trial.id} has no numeric ${JSON.stringify(key)}, which PBT needs to rank trials; report it, or set require_attrs: false to let such results pass`,
    };
  }

  /** Ray's _quantiles: live trials with a score, worst first (NaN worst, ties in trial order). */
  private quantiles(): { lower: string[]; upper: string[] } {
    const scored = [...this.trials].filter(([, t]) => t.lastScore !== undefined && !t.finished);
    if (scored.length <= 1) return { lower: [], upper: [] };
    const key = (t: PbtTrial): number => (Number.isNaN(t.lastScore) ? -Infinity : t.lastScore!);
    scored.sort(([, a], [, b]) => key(a) - key(b) || a.index - b.index);
    let size = Math.ceil(scored.length * this.options.quantile_fraction);
    if (size > scored.length / 2) size = Math.floor(scored.length / 2);
    const ids = scored.map(([id]) => id);
    return { lower: ids.slice(0, size), upper: size === 0 ? [] : ids.slice(-size) };
  }

  private exploit(trial: SchedulerTrial, state: PbtTrial, upper: string[]): SchedulerDecision | undefined {
    const rng = createRng(this.seed, EXPLOIT_STREAM, this.exploitDraws++);
    const donorId = upper[rng.int(0, upper.length)];
    const donor = this.trials.get(donorId)!;
    // Ray skips the exploit when the chosen donor saved no checkpoint while in the top quantile.
    if (!donor.checkpoint) return undefined;
    const settings = { resampleProbability: this.options.resample_probability, perturbationFactors: this.options.perturbation_factors };
    const explored = explore(donor.config, this.mutations, settings, rng);
    const entry: PolicyLogEntry = {
      trial_id: trial.id,
      donor_id: donorId,
      iteration: state.lastIteration ?? 0,
      donor_iteration: donor.checkpoint.iteration,
      donor_checkpoint: donor.checkpoint.name,
      old_config: structuredClone(trial.config),
      donor_config: structuredClone(donor.config),
      new_config: explored.config,
      operations: explored.operations,
    };
    this.policyLog.push(entry);
    state.config = explored.config;
    state.lastPerturbationTime = donor.lastPerturbationTime;
    state.lastTrainTime = donor.lastTrainTime;
    const { metric } = this.options;
    const score = (t: PbtTrial): string => formatNumber(this.options.mode === 'max' ? t.lastScore! : -t.lastScore!);
    const reason = `exploit: cloning ${donorId} (${metric} ${score(donor)}, checkpoint ${donor.checkpoint.name}) into ${trial.id} (${metric} ${score(state)}), config perturbed: ${describeOperations(explored.operations)}`;
    this.events.push({ trialId: trial.id, kind: 'exploit', reason, detail: { ...structuredClone(entry) } });
    return {
      action: 'exploit',
      reason,
      donorId,
      donorCheckpoint: donor.checkpoint.name,
      donorIteration: donor.checkpoint.iteration,
      oldConfig: entry.old_config,
      newConfig: structuredClone(explored.config),
    };
  }
}

/** "train_loop_config.lr * 1.2, train_loop_config.batch_size shift left". */
function describeOperations(operations: Operations, prefix = ''): string {
  return Object.entries(operations)
    .map(([key, op]) => (typeof op === 'string' ? `${prefix}${key} ${op}` : describeOperations(op, `${prefix}${key}.`)))
    .join(', ');
}
