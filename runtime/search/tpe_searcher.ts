/**
 * Tree-structured Parzen Estimator search, native and seeded, after Optuna's TPESampler.
 *
 * Order of trials: points_to_evaluate first (leaves they leave open are drawn at random),
 * then random trials until n_startup_trials trials have reported the metric, then TPE.
 * Random trial i is exactly random search's trial i for the same seed.
 *
 * What TPE learns from: each trial's latest reported value of the metric, whether the
 * trial is still running, finished, or was stopped early by a scheduler, so long trials
 * inform the search before they end. Failed trials are left out, as Optuna does.
 * Trials still running without a result are "constant liars": they count as worse than
 * every observed trial, which keeps concurrent suggestions from piling onto one spot.
 *
 * Determinism: the draws of trial i come from an RNG seeded by (seed, i) alone, so the
 * suggestions depend only on the seed and on the results known when each was made; the
 * saved state (every trial's coordinates, latest value and status) fixes the RNG position.
 */
import { getAt, setAt } from './config_paths';
import { ParamSpaceError } from './space';
import { applyPresets, readPoint, type Preset } from './points_to_evaluate';
import { createRng, hashString } from './rng';
import type { TpeOptions } from './search_alg_options';
import type { Searcher, Suggestion } from './searcher';
import { identityOf, SearcherStateError, unwrapState, wrapState, type SearcherIdentity } from './searcher_state';
import { coordinateOf, dimensionOf, valueAt, type Dimension } from './tpe/dimension';
import { proposePoint, type ProposalSettings } from './tpe/propose';
import { tpeSpaceProblems } from './tpe/space_problems';
import type { Observation } from './tpe/split';
import { countTrials, planSearch, variantAt, type SearchPlan } from './variants';

export interface TpeSearcherOptions extends TpeOptions {
  /** -1 searches without end. Points to evaluate count among these trials. */
  numSamples: number;
}

type TrialState = 'running' | 'finished' | 'failed';
const TRIAL_STATES: readonly TrialState[] = ['running', 'finished', 'failed'];

interface TrialRecord {
  /** Coordinate per dimension: the value, or a category's index. */
  point: number[];
  /** Latest finite value of the metric the trial reported. */
  value?: number;
  state: TrialState;
}

const MODEL_STREAM = hashString('tpe');

export class TpeSearcher implements Searcher {
  readonly name = 'tpe';
  readonly total: number | undefined;
  private readonly plan: SearchPlan;
  private readonly dimensions: Dimension[];
  private readonly points: Preset[][];
  private readonly settings: ProposalSettings;
  private readonly identity: SearcherIdentity;
  private trials: TrialRecord[] = [];

  /** Throws ParamSpaceError for a space TPE cannot search, Error for a point it cannot model. */
  constructor(
    space: Record<string, unknown>,
    private readonly options: TpeSearcherOptions,
  ) {
    countTrials(space, options.numSamples);
    const problems = tpeSpaceProblems(space);
    if (problems.length > 0) throw new ParamSpaceError(problems);
    this.plan = planSearch(space);
    this.dimensions = this.plan.random.map((leaf) => dimensionOf(leaf.domain));
    this.points = options.points.map((point, p) => this.presetsOf(point, p));
    this.total = options.numSamples === -1 ? undefined : options.numSamples;
    const { priorWeight, considerEndpoints, multivariate, gamma, nEiCandidates } = options;
    this.settings = { priorWeight, considerEndpoints, multivariate, gamma, candidates: nEiCandidates };
    // max_concurrent is left out: changing it on resume changes no suggestion.
    const { maxConcurrent: _, seed, numSamples, type, ...modelOptions } = options;
    this.identity = identityOf(type, seed, numSamples, space, modelOptions);
  }

  suggest(index: number): Suggestion | undefined | null {
    if (index !== this.trials.length) throw new RangeError(`the search algorithm expects trial ${this.trials.length} next; got ${index}`);
    if (this.total !== undefined && index >= this.total) return undefined;
    const running = this.trials.filter((trial) => trial.state === 'running').length;
    if (this.options.maxConcurrent > 0 && running >= this.options.maxConcurrent) return null;
    const presets = this.points[index] ?? [];
    let point: number[];
    if (index < this.points.length) point = this.pointWithPresets(index, presets);
    else if (this.observed().length < this.options.nStartupTrials) point = this.randomPoint(index);
    else point = proposePoint(this.dimensions, this.observations(), this.settings, createRng(this.options.seed, index, MODEL_STREAM));
    this.trials.push({ point, state: 'running' });
    return this.suggestionOf(point, presets);
  }

  onTrialResult(index: number, result: Record<string, unknown>): void {
    const trial = this.trials[index];
    if (trial?.state !== 'running') return;
    const value = result[this.options.metric];
    if (typeof value === 'number' && Number.isFinite(value)) trial.value = value;
  }

  onTrialComplete(index: number, result: Record<string, unknown> | undefined, error: boolean): void {
    const trial = this.trials[index];
    if (trial?.state !== 'running') return;
    if (result && !error) this.onTrialResult(index, result);
    trial.state = error ? 'failed' : 'finished';
  }

  saveState(): unknown {
    return wrapState(this.identity, { trials: this.trials });
  }

  restoreState(state: unknown): void {
    const { trials } = unwrapState(state, this.identity);
    if (!Array.isArray(trials)) throw new SearcherStateError('it has no list of trials');
    trials.forEach((trial, index) => this.checkRecord(trial, index));
    this.trials = trials as TrialRecord[];
  }

  /** Trials that reported the metric, as losses (the metric, negated for mode max). */
  private observed(): Observation[] {
    const sign = this.options.mode === 'max' ? -1 : 1;
    return this.trials.flatMap((trial, index) =>
      trial.state !== 'failed' && trial.value !== undefined ? [{ index, point: trial.point, loss: sign * trial.value }] : [],
    );
  }

  /** Observed trials plus the constant liars; Infinity ranks a liar after every observed trial. */
  private observations(): Observation[] {
    const observed = this.observed();
    if (observed.length === 0) return [];
    const liars = this.trials.flatMap((trial, index) =>
      trial.state === 'running' && trial.value === undefined ? [{ index, point: trial.point, loss: Infinity }] : [],
    );
    return [...observed, ...liars];
  }

  private randomPoint(index: number): number[] {
    const { config } = variantAt(this.plan, index, this.options.seed);
    return this.plan.random.map((leaf, d) => coordinateOf(this.dimensions[d], getAt(config, leaf.keys)));
  }

  private pointWithPresets(index: number, presets: Preset[]): number[] {
    const point = this.randomPoint(index);
    for (const preset of presets) {
      const d = this.plan.random.findIndex((leaf) => leaf.keys.join('\0') === preset.keys.join('\0'));
      if (d >= 0) point[d] = coordinateOf(this.dimensions[d], preset.value);
    }
    return point;
  }

  private suggestionOf(point: number[], presets: Preset[]): Suggestion {
    const config = structuredClone(this.plan.space) as Record<string, unknown>;
    this.plan.random.forEach((leaf, d) => setAt(config, leaf.keys, valueAt(this.dimensions[d], point[d])));
    applyPresets(config, presets);
    const sampled = this.plan.random.map((leaf) => ({ path: leaf.keys.join('/'), value: structuredClone(getAt(config, leaf.keys)) }));
    return { config, sampled };
  }

  private presetsOf(point: Record<string, unknown>, p: number): Preset[] {
    const { presets, problems } = readPoint(this.plan.space as Record<string, unknown>, point, true);
    const error = problems.find((problem) => problem.severity === 'error');
    if (error) throw new Error(`tune_config.search_alg.points_to_evaluate[${p}] ${error.message}`);
    return presets;
  }

  private checkRecord(trial: unknown, index: number): void {
    const record = trial as Partial<TrialRecord> | null;
    const fail = (why: string) => new SearcherStateError(`trial ${index} ${why}`);
    if (typeof record !== 'object' || record === null) throw fail('is not a record');
    if (!TRIAL_STATES.includes(record.state as TrialState)) throw fail(`has the unknown status ${JSON.stringify(record.state)}`);
    if (record.value !== undefined && !(typeof record.value === 'number' && Number.isFinite(record.value)))
      throw fail('has a value that is not a finite number');
    const point = record.point;
    if (!Array.isArray(point) || point.length !== this.dimensions.length)
      throw fail(`does not have one coordinate for each of the ${this.dimensions.length} searched parameters`);
    point.forEach((coordinate, d) => {
      const dimension = this.dimensions[d];
      const valid =
        dimension.kind === 'categorical'
          ? Number.isInteger(coordinate) && coordinate >= 0 && coordinate < dimension.categories.length
          : typeof coordinate === 'number' && Number.isFinite(coordinate);
      if (!valid) throw fail(`has an impossible value for ${this.plan.random[d].keys.join('.')}`);
    });
  }
}
