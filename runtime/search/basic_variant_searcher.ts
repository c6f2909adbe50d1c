/**
 * random and grid: Ray's BasicVariantGenerator. Without points_to_evaluate, trial i is
 * exactly `variantAt(planSearch(space), i, seed)`, the config `tunekit plan` shows.
 *
 * points_to_evaluate go first and, as in Ray, each point takes the place of one of the
 * num_samples repetitions: a point expands over the grid_search leaves it leaves open, and
 * after the points come max(0, num_samples − points) repetitions of the whole grid. Points
 * beyond num_samples still run (Ray pops points before it counts samples).
 */
import { compareKeys, getAt } from './config_paths';
import { applyPresets, coveredByPreset, readPoint, spaceWithout, type Preset } from './points_to_evaluate';
import { createRng, hashString } from './rng';
import type { CommonOptions } from './search_alg_options';
import type { Searcher, Suggestion } from './searcher';
import { identityOf, unwrapState, wrapState, SearcherStateError, type SearcherIdentity } from './searcher_state';
import { countTrials, planSearch, variantAt, type SearchPlan } from './variants';

interface PointPlan {
  presets: Preset[];
  /** The space with the preset places made constant. */
  plan: SearchPlan;
  /** Trial number of the point's first variant. */
  first: number;
  /** Its own seed, so its draws are not those of any generated trial. */
  seed: number;
}

export interface BasicVariantOptions extends CommonOptions {
  type: 'random' | 'grid';
  /** -1 repeats the grid without end, as Ray's num_samples = -1. */
  numSamples: number;
}

export class BasicVariantSearcher implements Searcher {
  readonly name: 'random' | 'grid';
  /** undefined when num_samples is -1. */
  readonly total: number | undefined;
  private readonly plan: SearchPlan;
  private readonly leaves: string[][];
  private readonly points: PointPlan[] = [];
  private readonly pointTrials: number;
  private readonly generated: number;
  private readonly identity: SearcherIdentity;
  private next = 0;
  private readonly live = new Set<number>();

  /** Throws ParamSpaceError for a bad space, RangeError for a bad num_samples, Error for a bad point. */
  constructor(
    space: Record<string, unknown>,
    private readonly options: BasicVariantOptions,
  ) {
    this.name = options.type;
    countTrials(space, options.numSamples);
    this.plan = planSearch(space);
    this.leaves = [...this.plan.grid, ...this.plan.random].map((leaf) => leaf.keys).sort(compareKeys);
    let first = 0;
    options.points.forEach((point, p) => {
      const { presets, problems } = readPoint(space, point);
      const error = problems.find((problem) => problem.severity === 'error');
      if (error) throw new Error(`tune_config.search_alg.points_to_evaluate[${p}] ${error.message}`);
      const plan = planSearch(spaceWithout(space, presets));
      this.points.push({ presets, plan, first, seed: pointSeed(options.seed, p) });
      first += plan.gridSize;
    });
    this.pointTrials = first;
    const repetitions = options.numSamples === -1 ? Infinity : Math.max(0, options.numSamples - options.points.length);
    this.generated = repetitions * this.plan.gridSize;
    this.total = Number.isFinite(this.generated) ? this.pointTrials + this.generated : undefined;
    // max_concurrent is left out: changing it on resume changes no config.
    this.identity = identityOf(options.type, options.seed, options.numSamples, space, { points: options.points });
  }

  /** The config of trial `index` without starting it (for `tunekit plan`); undefined past the end. */
  configAt(index: number): Suggestion | undefined {
    if (index < this.pointTrials) return this.pointConfig(index);
    const generatedIndex = index - this.pointTrials;
    if (generatedIndex >= this.generated) return undefined;
    const { config, sampled } = variantAt(this.plan, generatedIndex, this.options.seed);
    return { config, sampled };
  }

  suggest(index: number): Suggestion | undefined | null {
    if (index !== this.next) throw new RangeError(`the search algorithm expects trial ${this.next} next; got ${index}`);
    if (this.options.maxConcurrent > 0 && this.live.size >= this.options.maxConcurrent) return null;
    const suggestion = this.configAt(index);
    if (!suggestion) return undefined;
    this.live.add(index);
    this.next++;
    return suggestion;
  }

  onTrialResult(): void {
    // Random and grid search do not learn.
  }

  onTrialComplete(index: number): void {
    this.live.delete(index);
  }

  saveState(): unknown {
    return wrapState(this.identity, { next: this.next, live: [...this.live].sort((a, b) => a - b) });
  }

  restoreState(state: unknown): void {
    const { next, live } = unwrapState(state, this.identity);
    if (!Number.isSafeInteger(next) || (next as number) < 0)
      throw new SearcherStateError(`its trial count ${JSON.stringify(next)} is not a whole number`);
    const valid = Array.isArray(live) && live.every((i) => Number.isSafeInteger(i) && i >= 0 && i < (next as number));
    if (!valid) throw new SearcherStateError('its list of running trials is malformed');
    this.next = next as number;
    this.live.clear();
    for (const index of live as number[]) this.live.add(index);
  }

  private pointConfig(index: number): Suggestion {
    const point = [...this.points].reverse().find((candidate) => candidate.first <= index) as PointPlan;
    const { config } = variantAt(point.plan, index - point.first, point.seed);
    applyPresets(config, point.presets);
    const sampled = this.leaves
      .filter((keys) => !coveredByPreset(keys, point.presets))
      .map((keys) => ({ path: keys.join('/'), value: structuredClone(getAt(config, keys)) }));
    return { config, sampled };
  }
}

/** Negative, so it never equals an experiment's own seed (the schema asks for seed >= 0). */
function pointSeed(seed: number, point: number): number {
  return -1 - createRng(seed, point, hashString('points_to_evaluate')).nextUint32();
}
