/**
 * Ray's MedianStoppingRule (the Vizier paper's): past grace_period, a trial whose best result
 * so far is strictly worse than the median of the other trials' running means at the same
 * time is stopped, or paused for good measure when hard_stop is false. The running mean of a
 * trial at time t averages its results with grace_period <= time <= t; only trials whose
 * latest result has reached t count. Two deliberate departures, both about NaN: a trial with
 * no usable result in that window is not a sample, and NaN results are left out of means and
 * bests, because in Ray one NaN turns the median into NaN and stops every trial
 * (ray-project/ray#24809). A trial whose results are all NaN is still stopped, as in Ray.
 */
import type { SchedulerSpec, TuneConfig } from '../../protocol/spec';
import { median } from './nanpercentile';
import { formatNumber } from '../../protocol/format';
import { decodeNumber, encodeNumber, resultNumber } from './result_values';
import { isArray, openState, sealState, statePart } from './saved_state';
import { readObjective, readOptions, requireOption, type Objective } from './scheduler_options';
import type { ResultContext, SchedulerDecision, SchedulerEvent, SchedulerTrial, TrialScheduler } from './trial_scheduler';

export interface MedianStoppingOptions {
  time_attr: string;
  grace_period: number;
  min_samples_required: number;
  min_time_slice: number;
  hard_stop: boolean;
}

export const MEDIAN_STOPPING_DEFAULTS: MedianStoppingOptions = {
  time_attr: 'time_total_s',
  grace_period: 60,
  min_samples_required: 3,
  min_time_slice: 0,
  hard_stop: true,
};

/** One reported point: [time, metric]. */
type Point = [number, number];

type PausedChoice = ReturnType<NonNullable<TrialScheduler['choosePaused']>>;

export class MedianStoppingScheduler implements TrialScheduler {
  readonly name = 'median_stopping';
  readonly options: MedianStoppingOptions & Objective;
  /** Every result of every trial that reported, finished ones included, as in Ray. */
  private readonly points = new Map<string, Point[]>();
  /** Trials judged worse than the median; with hard_stop false they later run on unjudged. */
  private readonly judged = new Set<string>();
  private readonly lastYield = new Map<string, number>();
  private events: SchedulerEvent[] = [];

  constructor(spec: SchedulerSpec, tune: Pick<TuneConfig, 'metric' | 'mode'>) {
    const options = readOptions(spec, { ...MEDIAN_STOPPING_DEFAULTS });
    const where = 'tune_config.scheduler (median_stopping)';
    requireOption(options.grace_period >= 0, `${where}: grace_period must be at least 0, got ${options.grace_period}`);
    requireOption(
      Number.isInteger(options.min_samples_required) && options.min_samples_required >= 1,
      `${where}: min_samples_required must be a whole number of at least 1, got ${options.min_samples_required}`,
    );
    requireOption(options.min_time_slice >= 0, `${where}: min_time_slice must be at least 0, got ${options.min_time_slice}`);
    this.options = { ...options, ...readObjective(spec, tune) };
  }

  onTrialAdd(_trial: SchedulerTrial): void {}

  onTrialResult(trial: SchedulerTrial, result: Record<string, unknown>, context?: ResultContext): SchedulerDecision {
    const { time_attr: timeAttr, grace_period: grace, metric } = this.options;
    const time = resultNumber(result, timeAttr);
    const value = resultNumber(result, metric);
    if (time === undefined || value === undefined) return { action: 'continue' };
    if (this.judged.has(trial.id)) return { action: 'continue' };
    this.append(trial.id, [time, value]);
    if (time < grace) return { action: 'continue' };
    const means = this.otherMeansAt(trial.id, time);
    if (means.length < this.options.min_samples_required) return this.onTooFewSamples(trial.id, time, means.length, context);
    const middle = median(means);
    const best = this.best(trial.id);
    const worse = Number.isNaN(best) || (this.options.mode === 'max' ? best < middle : best > middle);
    if (!worse) return { action: 'continue' };
    this.judged.add(trial.id);
    const sign = this.options.mode === 'max' ? '<' : '>';
    const words = `at ${timeAttr} ${formatNumber(time)}: best ${metric} ${formatNumber(best)} ${sign} median ${formatNumber(middle)} of ${means.length} other trials' running means`;
    const kind = this.options.hard_stop ? 'stop' : 'pause';
    const reason = `${kind === 'stop' ? 'stopped' : 'paused'} by the median stopping rule ${words}`;
    this.events.push({ trialId: trial.id, kind, reason, detail: { time, best, median: middle, samples: means.length } });
    return { action: kind, reason };
  }

  /**
   * Ray appends the last result at completion even when onTrialResult already saw it, so a
   * finished trial's final result weighs twice in its running mean; so does it here.
   */
  onTrialComplete(trial: SchedulerTrial, result: Record<string, unknown> | undefined): void {
    const time = resultNumber(result, this.options.time_attr);
    const value = resultNumber(result, this.options.metric);
    if (time === undefined || value === undefined) return;
    this.append(trial.id, [time, value]);
  }

  onTrialError(): void {}

  /** Ray's FIFO order: paused trials run again, oldest first, once no new trial waits to start. */
  choosePaused(paused: SchedulerTrial[], noMorePending: boolean): PausedChoice {
    if (!noMorePending || paused.length === 0) return {};
    const first = [...paused].sort((a, b) => a.index - b.index)[0];
    const reason = this.judged.has(first.id)
      ? 'resumed after the median stopping rule paused it: no new trial is left to run, so it runs on unjudged (hard_stop: false)'
      : 'resumed: it yielded for lack of comparison samples and no new trial is left to run';
    return { resume: { id: first.id, reason } };
  }

  drainEvents(): SchedulerEvent[] {
    return this.events.splice(0);
  }

  saveState(): unknown {
    return sealState(
      this.name,
      { ...this.options },
      {
        points: [...this.points].map(([id, points]) => [id, points.map(([t, v]) => [encodeNumber(t), encodeNumber(v)])]),
        judged: [...this.judged],
        last_yield: [...this.lastYield],
      },
    );
  }

  restoreState(state: unknown): void {
    const body = openState(state, this.name, { ...this.options });
    const fail = (what: string): never => {
      throw new Error(`cannot restore the ${this.name} scheduler's state: ${what}`);
    };
    const points = new Map<string, Point[]>();
    for (const entry of statePart(body, this.name, 'points', isArray)) {
      const [id, list] = Array.isArray(entry) ? entry : [];
      if (typeof id !== 'string' || !Array.isArray(list)) return fail(`a trial's results are malformed (${JSON.stringify(entry)})`);
      points.set(
        id,
        list.map((pair: unknown) => decodePoint(pair) ?? fail(`a result of ${id} is malformed (${JSON.stringify(pair)})`)),
      );
    }
    const judged = statePart(body, this.name, 'judged', isArray);
    if (!judged.every((id) => typeof id === 'string')) fail('"judged" is malformed');
    const lastYield = pairs(statePart(body, this.name, 'last_yield', isArray)) ?? fail('"last_yield" is malformed');
    this.points.clear();
    for (const [id, list] of points) this.points.set(id, list);
    this.judged.clear();
    for (const id of judged as string[]) this.judged.add(id);
    this.lastYield.clear();
    for (const [id, t] of lastYield) this.lastYield.set(id, t);
  }

  /**
   * Ray yields (pauses) a trial it cannot judge yet when trials wait for resources, at most
   * once per min_time_slice; without the Tuner's word that some wait, it continues.
   */
  private onTooFewSamples(id: string, time: number, samples: number, context: ResultContext | undefined): SchedulerDecision {
    const since = time - (this.lastYield.get(id) ?? -Infinity);
    if (!context?.trialsWaiting || !(since > this.options.min_time_slice)) return { action: 'continue' };
    this.lastYield.set(id, time);
    const reason = `paused so waiting trials can run: only ${samples} other trials reached ${this.options.time_attr} ${formatNumber(time)}, the median stopping rule needs ${this.options.min_samples_required}`;
    this.events.push({ trialId: id, kind: 'pause', reason, detail: { time, samples } });
    return { action: 'pause', reason };
  }

  private append(id: string, point: Point): void {
    const list = this.points.get(id);
    if (list) list.push(point);
    else this.points.set(id, [point]);
  }

  /** Running means at `time` of the other trials whose latest result has reached it. */
  private otherMeansAt(id: string, time: number): number[] {
    const means: number[] = [];
    for (const [other, points] of this.points) {
      if (other === id || points[points.length - 1][0] < time) continue;
      const window = points.filter(([t, v]) => t >= this.options.grace_period && t <= time && !Number.isNaN(v)).map(([, v]) => v);
      if (window.length > 0) means.push(window.reduce((a, b) => a + b, 0) / window.length);
    }
    return means;
  }

  private best(id: string): number {
    const values = (this.points.get(id) ?? []).map(([, v]) => v).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return Number.NaN;
    return this.options.mode === 'max' ? Math.max(...values) : Math.min(...values);
  }
}

function decodePoint(pair: unknown): Point | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const time = decodeNumber(pair[0]);
  const value = decodeNumber(pair[1]);
  return time === undefined || value === undefined ? undefined : [time, value];
}

function pairs(list: unknown[]): Array<[string, number]> | undefined {
  const out: Array<[string, number]> = [];
  for (const entry of list) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') return undefined;
    const value = decodeNumber(entry[1]);
    if (value === undefined) return undefined;
    out.push([entry[0], value]);
  }
  return out;
}
