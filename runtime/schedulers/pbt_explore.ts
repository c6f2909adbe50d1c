/**
 * PBT's explore step, as Ray's `_explore`: hyperparam_mutations mirrors param_space's nesting;
 * a list is an ordered set of values (resampled, or shifted one place left or right), a search
 * primitive is a distribution (resampled, or multiplied by a perturbation factor).
 */
import type { Rng } from '../search/rng';
import { sampleDomain } from '../search/sample';
import { formatPath, parseDomain, valueKind, type SampledDomain } from '../search/space';
import { isMapping } from './saved_state';

export type Mutation =
  { kind: 'list'; values: unknown[] } | { kind: 'domain'; domain: SampledDomain } | { kind: 'nested'; entries: Mutations };

export type Mutations = Record<string, Mutation>;

/** How each mutated value was produced, keyed like the config: "resample", "* 1.2", "shift left (noop)". */
export type Operations = { [key: string]: string | Operations };

export interface ExploreSettings {
  resampleProbability: number;
  perturbationFactors: number[];
}

/** Reads tune_config.scheduler.hyperparam_mutations; throws a sentence naming the bad entry. */
export function parseMutations(raw: unknown, path: string[] = []): Mutations {
  const where = `tune_config.scheduler.hyperparam_mutations${path.length ? `.${path.join('.')}` : ''}`;
  if (!isMapping(raw))
    throw new Error(`${where} must be a mapping shaped like param_space, e.g. {train_loop_config: {lr: {loguniform: [1.0e-4, 1.0e-1]}}}`);
  const mutations: Mutations = {};
  for (const [key, value] of Object.entries(raw)) {
    mutations[key] = parseMutation(value, [...path, key]);
  }
  return mutations;
}

function parseMutation(value: unknown, path: string[]): Mutation {
  const where = `tune_config.scheduler.hyperparam_mutations.${formatPath(path)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Error(`${where} is an empty list; give the values it may take, e.g. [16, 32, 64]`);
    return { kind: 'list', values: value };
  }
  let domain;
  try {
    domain = parseDomain(value);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  if (domain?.kind === 'grid_search') throw new Error(`${where} cannot be a grid_search; write the values as a list, e.g. [16, 32, 64]`);
  if (domain) return { kind: 'domain', domain };
  if (isMapping(value)) {
    if (Object.keys(value).length === 0) throw new Error(`${where} is an empty mapping; name the parameters to mutate under it`);
    return { kind: 'nested', entries: parseMutations(value, path) };
  }
  throw new Error(
    `${where} must be a list of values, a search primitive such as {uniform: [0, 1]}, or a mapping of nested parameters; got ${JSON.stringify(value)}`,
  );
}

/**
 * A perturbed copy of `config`. The random draws come in Ray's order: the resample coin
 * first, then the choice it leads to. A value missing from the config, or a list value not
 * in its list, is resampled; so is a primitive's value that is not a number, which Ray
 * would fail to multiply. Integers stay integers, truncated as Python's int() does.
 */
export function explore(
  config: Record<string, unknown>,
  mutations: Mutations,
  settings: ExploreSettings,
  rng: Rng,
): { config: Record<string, unknown>; operations: Operations } {
  const next: Record<string, unknown> = structuredClone(config);
  const operations: Operations = {};
  for (const [key, mutation] of Object.entries(mutations)) {
    const current = config[key];
    if (mutation.kind === 'nested') {
      const inner = explore(isMapping(current) ? current : {}, mutation.entries, settings, rng);
      next[key] = inner.config;
      operations[key] = inner.operations;
      continue;
    }
    const resample = rng.next() < settings.resampleProbability;
    if (mutation.kind === 'list') {
      const at = mutation.values.findIndex((v) => sameValue(v, current));
      if (resample || at < 0) {
        next[key] = structuredClone(mutation.values[rng.int(0, mutation.values.length)]);
        operations[key] = 'resample';
      } else {
        const shift = rng.int(0, 2) === 0 ? -1 : 1;
        const to = Math.min(Math.max(at + shift, 0), mutation.values.length - 1);
        next[key] = structuredClone(mutation.values[to]);
        operations[key] = `shift ${shift < 0 ? 'left' : 'right'}${to === at ? ' (noop)' : ''}`;
      }
      continue;
    }
    let value: unknown;
    if (resample || typeof current !== 'number') {
      value = sampleDomain(mutation.domain, rng);
      operations[key] = 'resample';
    } else {
      const factor = settings.perturbationFactors[rng.int(0, settings.perturbationFactors.length)];
      value = current * factor;
      operations[key] = `* ${factor}`;
    }
    const integral = valueKind(mutation.domain) === 'int' || (valueKind(mutation.domain) === 'any' && Number.isInteger(current));
    next[key] = integral && typeof value === 'number' ? Math.trunc(value) : value;
  }
  return { config: next, operations };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Ray's on_trial_add: a mutated key the config lacks is sampled from its mutation (a list's
 * value uniformly, a primitive from its distribution), so the trial trains with it from its
 * first step. Ray looks at top-level keys only; here every level is completed, where Ray
 * would later fail to explore the missing nested key. Returns the added leaves ("a/b" paths).
 */
export function fillMissing(
  config: Record<string, unknown>,
  mutations: Mutations,
  rng: Rng,
  prefix: string[] = [],
): { config: Record<string, unknown>; added: Array<{ path: string; value: unknown }> } {
  const next: Record<string, unknown> = structuredClone(config);
  const added: Array<{ path: string; value: unknown }> = [];
  for (const [key, mutation] of Object.entries(mutations)) {
    const path = [...prefix, key];
    if (mutation.kind === 'nested') {
      const current = next[key];
      if (current !== undefined && !isMapping(current)) continue;
      const inner = fillMissing(current ?? {}, mutation.entries, rng, path);
      if (inner.added.length === 0) continue;
      next[key] = inner.config;
      added.push(...inner.added);
      continue;
    }
    if (key in next) continue;
    const value =
      mutation.kind === 'list' ? structuredClone(mutation.values[rng.int(0, mutation.values.length)]) : sampleDomain(mutation.domain, rng);
    next[key] = value;
    added.push({ path: path.join('/'), value: structuredClone(value) });
  }
  return { config: next, added };
}
