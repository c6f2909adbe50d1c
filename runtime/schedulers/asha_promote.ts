/**
 * ASHA with promotion (Li et al. 2018, "get_job"), the variant Ray lacks (ray-project/ray#44256).
 * A trial that reaches a rung milestone is recorded there and paused; it trains on only when
 * promoted. Whenever resources free up, the paper's rule picks the work: from the highest
 * rung down, the best paused trial ranked in the top floor(n/rf) of its rung and not yet
 * promoted from it is resumed; failing that, a new trial starts (the Tuner's pending ones).
 * When no new trial remains and nothing runs, no ranking can change any more, so every paused
 * trial that is still not promotable is stopped, with its rank in the reason. With fewer than
 * rf results at a rung nobody is promoted from it: the paper's rule, kept on purpose.
 * Pausing releases the trial's slots; that is the Tuner's part (ray-project/ray#17720).
 */
import type { SchedulerSpec, TuneConfig } from '../../protocol/spec';
import { createRng, hashString } from '../search/rng';
import { formatNumber } from '../../protocol/format';
import { resultNumber } from './result_values';
import { restoreRungs, saveRungs } from './rung_state';
import { createBrackets, drawBracket, readAshaOptions, type AshaOptions, type Rung } from './rungs';
import { isArray, openState, sealState, statePart } from './saved_state';
import { readObjective, type Objective } from './scheduler_options';
import type { SchedulerDecision, SchedulerEvent, SchedulerTrial, TrialScheduler } from './trial_scheduler';

const BRACKET_STREAM = hashString('asha_promote/bracket');

interface TrialInfo {
  index: number;
  bracket: number;
  finished: boolean;
}

interface Standing {
  rank: number;
  of: number;
  top: number;
}

type PausedChoice = ReturnType<NonNullable<TrialScheduler['choosePaused']>>;

export class AshaPromotionScheduler implements TrialScheduler {
  readonly name = 'asha_promote';
  readonly options: AshaOptions & Objective;
  private readonly brackets: Rung[][];
  /** Per bracket and rung, the trials already promoted from it. */
  private readonly promoted: Set<string>[][];
  private readonly trials = new Map<string, TrialInfo>();
  private events: SchedulerEvent[] = [];

  constructor(
    spec: SchedulerSpec,
    tune: Pick<TuneConfig, 'metric' | 'mode'>,
    private readonly seed: number,
  ) {
    this.options = { ...readAshaOptions(spec), ...readObjective(spec, tune) };
    this.brackets = createBrackets(this.options);
    this.promoted = this.brackets.map((rungs) => rungs.map(() => new Set<string>()));
  }

  onTrialAdd(trial: SchedulerTrial): void {
    if (this.trials.has(trial.id)) return;
    const bracket = drawBracket(this.brackets, createRng(this.seed, BRACKET_STREAM, trial.index));
    this.trials.set(trial.id, { index: trial.index, bracket, finished: false });
  }

  onTrialResult(trial: SchedulerTrial, result: Record<string, unknown>): SchedulerDecision {
    const { time_attr: timeAttr, max_t: maxT, metric } = this.options;
    const time = resultNumber(result, timeAttr);
    const value = resultNumber(result, metric);
    if (time === undefined || value === undefined) return { action: 'continue' };
    this.onTrialAdd(trial);
    const info = this.trials.get(trial.id)!;
    info.finished = false;
    const rung = this.newRungReached(info, trial.id, time);
    if (rung) rung.recorded.set(trial.id, this.signed(value));
    if (time >= maxT && this.options.stop_last_trials) {
      const reason = `stopped by ASHA: reached max_t (${timeAttr} ${formatNumber(time)} >= ${formatNumber(maxT)})`;
      this.events.push({ trialId: trial.id, kind: 'stop', reason, detail: { max_t: maxT, time } });
      info.finished = true;
      return { action: 'stop', reason };
    }
    if (!rung) return { action: 'continue' };
    const reason = `paused at rung ${formatNumber(rung.milestone)} (${metric} ${formatNumber(value)})`;
    this.events.push({ trialId: trial.id, kind: 'pause', reason, detail: { rung: rung.milestone, bracket: info.bracket, time, value } });
    return { action: 'pause', reason };
  }

  onTrialComplete(trial: SchedulerTrial): void {
    const info = this.trials.get(trial.id);
    if (info) info.finished = true;
  }

  /** A failed trial stops competing for promotion until a retry reports again. */
  onTrialError(trial: SchedulerTrial): void {
    this.onTrialComplete(trial);
  }

  choosePaused(paused: SchedulerTrial[], noMorePending: boolean): PausedChoice {
    const waiting = new Set(paused.map((t) => t.id));
    for (const { bracket, level } of this.rungsFromTheTop()) {
      const rung = this.brackets[bracket][level];
      const ranking = this.ranking(rung);
      const top = Math.floor(ranking.length / this.options.reduction_factor);
      const choice = ranking
        .slice(0, top)
        .find((id) => waiting.has(id) && !this.promoted[bracket][level].has(id) && this.currentLevel(id) === level);
      if (choice === undefined) continue;
      this.promoted[bracket][level].add(choice);
      const standing = { rank: ranking.indexOf(choice) + 1, of: ranking.length, top };
      const next =
        level > 0 ? `rung ${formatNumber(this.brackets[bracket][level - 1].milestone)}` : `max_t ${formatNumber(this.options.max_t)}`;
      const reason = `promoted from rung ${formatNumber(rung.milestone)} to ${next}: ${this.standingWords(rung, choice, standing)}`;
      this.events.push({ trialId: choice, kind: 'promote', reason, detail: { rung: rung.milestone, bracket, ...standing } });
      return { resume: { id: choice, reason } };
    }
    if (!noMorePending || this.anyRunning(waiting)) return {};
    const stop = paused.map((trial) => ({ id: trial.id, reason: this.notPromotedReason(trial.id) }));
    for (const { id, reason } of stop) {
      this.events.push({ trialId: id, kind: 'stop', reason });
      const info = this.trials.get(id);
      if (info) info.finished = true;
    }
    return { stop };
  }

  drainEvents(): SchedulerEvent[] {
    return this.events.splice(0);
  }

  saveState(): unknown {
    return sealState(
      this.name,
      { ...this.options, seed: this.seed },
      {
        trials: [...this.trials].map(([id, info]) => [id, info.index, info.bracket, info.finished]),
        brackets: this.brackets.map(saveRungs),
        promoted: this.promoted.map((rungs) => rungs.map((ids) => [...ids])),
      },
    );
  }

  restoreState(state: unknown): void {
    const body = openState(state, this.name, { ...this.options, seed: this.seed });
    const fail = (what: string): never => {
      throw new Error(`cannot restore the ${this.name} scheduler's state: ${what}`);
    };
    const restored = restoreRungs(this.name, statePart(body, this.name, 'brackets', isArray), this.brackets);
    const promoted = statePart(body, this.name, 'promoted', isArray);
    const trials = new Map<string, TrialInfo>();
    for (const entry of statePart(body, this.name, 'trials', isArray)) {
      const [id, index, bracket, finished] = Array.isArray(entry) ? entry : [];
      const valid =
        typeof id === 'string' &&
        Number.isInteger(index) &&
        Number.isInteger(bracket) &&
        bracket >= 0 &&
        bracket < this.brackets.length &&
        typeof finished === 'boolean';
      if (!valid) fail(`a trial entry is malformed (${JSON.stringify(entry)})`);
      trials.set(id as string, { index: index as number, bracket: bracket as number, finished: finished as boolean });
    }
    const promotedSets = this.brackets.map((rungs, b) =>
      rungs.map((_, r) => {
        const ids = (promoted[b] as unknown[] | undefined)?.[r];
        if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
          return fail(`the promotions of bracket ${b} rung ${r} are malformed`);
        return new Set(ids as string[]);
      }),
    );
    this.brackets.splice(0, this.brackets.length, ...restored);
    this.promoted.splice(0, this.promoted.length, ...promotedSets);
    this.trials.clear();
    for (const [id, info] of trials) this.trials.set(id, info);
  }

  /** The highest rung at or below `time` if the trial has no record there or above; else undefined. */
  private newRungReached(info: TrialInfo, id: string, time: number): Rung | undefined {
    const rungs = this.brackets[info.bracket];
    const reached = rungs.findIndex((rung) => rung.milestone <= time);
    if (reached < 0) return undefined;
    return rungs.slice(0, reached + 1).some((rung) => rung.recorded.has(id)) ? undefined : rungs[reached];
  }

  /** Index, in its bracket's rungs (highest first), of the highest rung the trial is recorded at. */
  private currentLevel(id: string): number | undefined {
    const info = this.trials.get(id);
    if (!info || info.finished) return undefined;
    const level = this.brackets[info.bracket].findIndex((rung) => rung.recorded.has(id));
    return level < 0 ? undefined : level;
  }

  private rungsFromTheTop(): Array<{ bracket: number; level: number }> {
    const all = this.brackets.flatMap((rungs, bracket) => rungs.map((_, level) => ({ bracket, level })));
    return all.sort(
      (a, b) => this.brackets[b.bracket][b.level].milestone - this.brackets[a.bracket][a.level].milestone || a.bracket - b.bracket,
    );
  }

  /** Ids at a rung, best first; NaN last, ties by trial order. */
  private ranking(rung: Rung): string[] {
    const order = (id: string): number => this.trials.get(id)?.index ?? Infinity;
    const score = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
    return [...rung.recorded].sort(([a, va], [b, vb]) => score(vb) - score(va) || order(a) - order(b)).map(([id]) => id);
  }

  private anyRunning(paused: Set<string>): boolean {
    return [...this.trials].some(([id, info]) => !info.finished && !paused.has(id));
  }

  private notPromotedReason(id: string): string {
    const info = this.trials.get(id);
    const level = this.currentLevel(id);
    if (!info || level === undefined) return 'not promoted: it never reached a rung';
    const rung = this.brackets[info.bracket][level];
    const ranking = this.ranking(rung);
    const standing = { rank: ranking.indexOf(id) + 1, of: ranking.length, top: Math.floor(ranking.length / this.options.reduction_factor) };
    return `not promoted from rung ${formatNumber(rung.milestone)}: ${this.standingWords(rung, id, standing)}`;
  }

  private standingWords(rung: Rung, id: string, { rank, of, top }: Standing): string {
    const value = this.signed(rung.recorded.get(id)!);
    return `rank ${rank} of ${of} (${this.options.metric} ${formatNumber(value)}), top ${top} promoted`;
  }

  private signed(value: number): number {
    return this.options.mode === 'max' ? value : -value;
  }
}
