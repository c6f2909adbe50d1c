/**
 * Ray's AsyncHyperBandScheduler (ASHA), decision for decision: a trial is judged once per rung,
 * at the highest milestone it has reached and not yet been recorded at, against the
 * (1 - 1/rf) percentile of the values recorded there before it; a missing metric never stops.
 */
import type { SchedulerSpec, TuneConfig } from '../../protocol/spec';
import { createRng, hashString } from '../search/rng';
import { formatNumber } from '../../protocol/format';
import { resultNumber } from './result_values';
import { createBrackets, drawBracket, readAshaOptions, rungCutoff, type AshaOptions, type Rung } from './rungs';
import { readObjective, type Objective } from './scheduler_options';
import { isArray, openState, sealState, statePart } from './saved_state';
import { restoreRungs, saveRungs } from './rung_state';
import type { SchedulerDecision, SchedulerEvent, SchedulerTrial, TrialScheduler } from './trial_scheduler';

const BRACKET_STREAM = hashString('asha/bracket');

export class AshaScheduler implements TrialScheduler {
  readonly name = 'asha';
  readonly options: AshaOptions & Objective;
  private readonly brackets: Rung[][];
  /** Live trials and their bracket; a completed trial leaves, as in Ray. */
  private readonly bracketOf = new Map<string, number>();
  private events: SchedulerEvent[] = [];

  constructor(
    spec: SchedulerSpec,
    tune: Pick<TuneConfig, 'metric' | 'mode'>,
    private readonly seed: number,
  ) {
    this.options = { ...readAshaOptions(spec), ...readObjective(spec, tune) };
    this.brackets = createBrackets(this.options);
  }

  /** Milestones of each bracket, highest first. */
  milestones(): number[][] {
    return this.brackets.map((rungs) => rungs.map((rung) => rung.milestone));
  }

  bracketOfTrial(id: string): number | undefined {
    return this.bracketOf.get(id);
  }

  onTrialAdd(trial: SchedulerTrial): void {
    if (this.bracketOf.has(trial.id)) return;
    // One draw per trial, seeded by its index, so a resumed experiment draws the same.
    this.bracketOf.set(trial.id, drawBracket(this.brackets, createRng(this.seed, BRACKET_STREAM, trial.index)));
  }

  onTrialResult(trial: SchedulerTrial, result: Record<string, unknown>): SchedulerDecision {
    const { time_attr: timeAttr, max_t: maxT, metric } = this.options;
    const time = resultNumber(result, timeAttr);
    const value = resultNumber(result, metric);
    if (time === undefined || value === undefined) return { action: 'continue' };
    if (time >= maxT && this.options.stop_last_trials) {
      const reason = `stopped by ASHA: reached max_t (${timeAttr} ${formatNumber(time)} >= ${formatNumber(maxT)})`;
      this.events.push({ trialId: trial.id, kind: 'stop', reason, detail: { max_t: maxT, time } });
      return { action: 'stop', reason };
    }
    this.onTrialAdd(trial);
    const judged = this.judge(trial.id, time, this.signed(value));
    if (!judged) return { action: 'continue' };
    const detail = {
      rung: judged.rung.milestone,
      bracket: this.bracketOf.get(trial.id),
      time,
      value,
      cutoff: this.unsigned(judged.cutoff) ?? null,
    };
    if (judged.stop) {
      const reason = `stopped by ASHA at rung ${formatNumber(judged.rung.milestone)}: ${this.comparison(value, judged.cutoff)}`;
      this.events.push({ trialId: trial.id, kind: 'stop', reason, detail });
      return { action: 'stop', reason };
    }
    const reason = `passed rung ${formatNumber(judged.rung.milestone)}: ${this.comparison(value, judged.cutoff)}`;
    this.events.push({ trialId: trial.id, kind: 'continue_at_rung', reason, detail });
    return { action: 'continue' };
  }

  /** Ray records the final result at a rung too, then forgets the trial. */
  onTrialComplete(trial: SchedulerTrial, result: Record<string, unknown> | undefined): void {
    if (!this.bracketOf.has(trial.id)) return;
    const time = resultNumber(result, this.options.time_attr);
    const value = resultNumber(result, this.options.metric);
    if (time !== undefined && value !== undefined) this.judge(trial.id, time, this.signed(value));
    this.bracketOf.delete(trial.id);
  }

  /** A failed trial may be retried, so it keeps its bracket and its records (Ray does nothing here either). */
  onTrialError(): void {}

  drainEvents(): SchedulerEvent[] {
    return this.events.splice(0);
  }

  saveState(): unknown {
    return sealState(
      this.name,
      { ...this.options, seed: this.seed },
      {
        trials: [...this.bracketOf],
        brackets: this.brackets.map(saveRungs),
      },
    );
  }

  restoreState(state: unknown): void {
    const body = openState(state, this.name, { ...this.options, seed: this.seed });
    const trials = statePart(body, this.name, 'trials', isArray);
    const brackets = statePart(body, this.name, 'brackets', isArray);
    const restored = restoreRungs(this.name, brackets, this.brackets);
    const bracketOf = new Map<string, number>();
    for (const entry of trials) {
      const [id, bracket] = Array.isArray(entry) ? entry : [];
      if (typeof id !== 'string' || !Number.isInteger(bracket) || bracket < 0 || bracket >= this.brackets.length) {
        throw new Error(`cannot restore the ${this.name} scheduler's state: a trial's bracket is malformed (${JSON.stringify(entry)})`);
      }
      bracketOf.set(id, bracket as number);
    }
    this.brackets.splice(0, this.brackets.length, ...restored);
    this.bracketOf.clear();
    for (const [id, bracket] of bracketOf) this.bracketOf.set(id, bracket);
  }

  /** Ray's _Bracket.on_result: the first rung, from the top, that the trial reached and is not recorded at. */
  private judge(id: string, time: number, value: number): { rung: Rung; cutoff: number | undefined; stop: boolean } | undefined {
    const rungs = this.brackets[this.bracketOf.get(id) ?? 0];
    for (const rung of rungs) {
      // Without stop_last_trials, a trial already judged at a reached rung is not judged at a lower one.
      if (time >= rung.milestone && rung.recorded.has(id) && !this.options.stop_last_trials) return undefined;
      if (time < rung.milestone || rung.recorded.has(id)) continue;
      const cutoff = rungCutoff(rung, this.options.reduction_factor);
      rung.recorded.set(id, value);
      return { rung, cutoff, stop: cutoff !== undefined && value < cutoff };
    }
    return undefined;
  }

  private signed(value: number): number {
    return this.options.mode === 'max' ? value : -value;
  }

  private unsigned(value: number | undefined): number | undefined {
    return value === undefined ? undefined : this.signed(value);
  }

  /** "val_acc 0.71 < cutoff 0.83", in the metric's own direction. */
  private comparison(value: number, cutoff: number | undefined): string {
    const { metric, mode } = this.options;
    const shown = `${metric} ${formatNumber(value)}`;
    if (cutoff === undefined) return `${shown}, the first result recorded there`;
    const plain = this.signed(cutoff);
    if (Number.isNaN(value) || Number.isNaN(plain))
      return `${shown} is not compared with cutoff ${formatNumber(plain)} (NaN never stops a trial)`;
    const worse = this.signed(value) < cutoff;
    const sign = mode === 'max' ? (worse ? '<' : '>=') : worse ? '>' : '<=';
    return `${shown} ${sign} cutoff ${formatNumber(plain)}`;
  }
}
