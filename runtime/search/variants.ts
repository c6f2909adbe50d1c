/**
 * Trial configs from a param_space, as Ray's BasicVariantGenerator makes them: grid_search
 * leaves form a cross product, the whole grid is repeated num_samples times, and every other
 * primitive is drawn afresh for each trial.
 *
 * Order: trial i takes grid combination i mod (grid size). Grid leaves are ordered by their
 * key path (as Ray sorts them) and the first one varies fastest, so with
 * `a: {grid_search: [1, 2]}, b: {grid_search: [x, y]}` the trials are a1 bx, a2 bx, a1 by, a2 by.
 *
 * Seeding: a sampled leaf of trial i draws from an RNG derived from (seed, i, the leaf's path)
 * alone, so trial i's config is the same whichever trials were made before it, and adding a
 * parameter does not change the values drawn for the others.
 */
import { isMapping, primitiveNameOf, readDomain, type SampledDomain } from './domain';
import { createRng, hashString } from './rng';
import { sampleDomain } from './sample';
import { ParamSpaceError, validateParamSpace } from './space';

export interface SampledLeaf {
  /** Keys joined with '/', e.g. `train_loop_config/lr`. */
  path: string;
  value: unknown;
}

export interface Variant {
  /** 0-based trial number within the experiment. */
  index: number;
  config: Record<string, unknown>;
  /** The leaves that came from primitives (grid and sampled), ordered by path, for trial names and tables. */
  sampled: SampledLeaf[];
}

export interface VariantOptions {
  /** Repetitions of the whole grid; -1 repeats forever, as Ray's num_samples = -1. */
  numSamples: number;
  seed: number;
}

interface Leaf {
  keys: string[];
  id: string;
}

interface GridLeaf extends Leaf {
  values: unknown[];
}

interface RandomLeaf extends Leaf {
  domain: SampledDomain;
  stream: number;
}

/** A validated param_space, ready to produce the config of any trial number. */
export interface SearchPlan {
  readonly space: Readonly<Record<string, unknown>>;
  /** Ordered by key path; the first varies fastest. */
  readonly grid: readonly GridLeaf[];
  readonly random: readonly RandomLeaf[];
  /** Grid combinations; 1 when there is no grid. */
  readonly gridSize: number;
}

/** Throws ParamSpaceError listing every problem when the space cannot be searched. */
export function planSearch(space: unknown): SearchPlan {
  const problems = validateParamSpace(space);
  if (problems.length > 0) throw new ParamSpaceError(problems);
  const root = (space ?? {}) as Record<string, unknown>;
  const grid: GridLeaf[] = [];
  const random: RandomLeaf[] = [];
  collectLeaves(root, [], grid, random);
  grid.sort(byKeys);
  random.sort(byKeys);
  const gridSize = grid.reduce((size, leaf) => size * leaf.values.length, 1);
  return { space: root, grid, random, gridSize };
}

/** Trials an experiment will run; Infinity when numSamples is -1. */
export function countTrials(space: unknown, numSamples: number): number {
  checkNumSamples(numSamples);
  const { gridSize } = planSearch(space);
  return numSamples === -1 ? Infinity : gridSize * numSamples;
}

/** Validates eagerly (throws ParamSpaceError or RangeError), then yields trials lazily in order. */
export function generateVariants(space: unknown, options: VariantOptions): Generator<Variant> {
  checkNumSamples(options.numSamples);
  const plan = planSearch(space);
  const total = options.numSamples === -1 ? Infinity : plan.gridSize * options.numSamples;
  return (function* () {
    for (let index = 0; index < total; index++) yield variantAt(plan, index, options.seed);
  })();
}

/** The config of trial `index`, independent of any other trial. */
export function variantAt(plan: SearchPlan, index: number, seed: number): Variant {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`trial index must be a whole number >= 0; got ${index}`);
  const values = new Map<string, unknown>();
  let rest = index % plan.gridSize;
  for (const leaf of plan.grid) {
    values.set(leaf.id, leaf.values[rest % leaf.values.length]);
    rest = Math.floor(rest / leaf.values.length);
  }
  for (const leaf of plan.random) {
    values.set(leaf.id, sampleDomain(leaf.domain, createRng(seed, index, leaf.stream)));
  }
  const config = resolve(plan.space, [], values) as Record<string, unknown>;
  const leaves: Leaf[] = [...plan.grid, ...plan.random].sort(byKeys);
  const sampled = leaves.map((leaf) => ({ path: leaf.keys.join('/'), value: structuredClone(values.get(leaf.id)) }));
  return { index, config, sampled };
}

function checkNumSamples(numSamples: number): void {
  if (numSamples !== -1 && !(Number.isSafeInteger(numSamples) && numSamples >= 1)) {
    throw new RangeError(`num_samples must be a whole number >= 1, or -1 for no limit; got ${numSamples}`);
  }
}

function collectLeaves(node: Record<string, unknown>, keys: string[], grid: GridLeaf[], random: RandomLeaf[]): void {
  for (const [key, child] of Object.entries(node)) {
    const childKeys = [...keys, key];
    if (primitiveNameOf(child)) {
      const domain = readDomain(child as Record<string, unknown>, childKeys).domain;
      const id = leafId(childKeys);
      if (domain?.kind === 'grid_search') grid.push({ keys: childKeys, id, values: domain.values });
      else if (domain) random.push({ keys: childKeys, id, domain, stream: hashString(id) });
    } else if (isMapping(child)) {
      collectLeaves(child, childKeys, grid, random);
    }
  }
}

/** A copy of the space with each primitive replaced by its value; constants are copied, never shared. */
function resolve(node: unknown, keys: string[], values: Map<string, unknown>): unknown {
  if (keys.length > 0 && primitiveNameOf(node)) return structuredClone(values.get(leafId(keys)));
  if (isMapping(node)) {
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, resolve(child, [...keys, key], values)]));
  }
  return structuredClone(node);
}

function leafId(keys: string[]): string {
  return keys.join('\u0000');
}

function byKeys(a: Leaf, b: Leaf): number {
  const length = Math.min(a.keys.length, b.keys.length);
  for (let i = 0; i < length; i++) {
    if (a.keys[i] !== b.keys[i]) return a.keys[i] < b.keys[i] ? -1 : 1;
  }
  return a.keys.length - b.keys.length;
}
