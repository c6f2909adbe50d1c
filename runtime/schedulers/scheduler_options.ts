/**
 * A scheduler's options as written under tune_config.scheduler, with Ray's defaults filled
 * in and checked again here: createScheduler may be handed a spec that skipped validation.
 */
import type { SchedulerSpec, TuneConfig } from '../../protocol/spec';
import { isMapping } from './saved_state';

export type Mode = 'min' | 'max';

/** What every non-FIFO scheduler compares: the metric and whether higher or lower is better. */
export interface Objective {
  metric: string;
  mode: Mode;
}

/** `defaults` lists every option but metric and mode; a value must have its default's kind. */
export function readOptions<T extends Record<string, unknown>>(spec: SchedulerSpec, defaults: T): T {
  const options: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'type' || key === 'metric' || key === 'mode') continue;
    if (!(key in defaults)) {
      throw new Error(`the ${spec.type} scheduler has no option ${key}; its options are metric, mode, ${Object.keys(defaults).join(', ')}`);
    }
    const expected = kindOf(defaults[key]);
    if (kindOf(value) !== expected) {
      throw new Error(`tune_config.scheduler.${key} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
    }
    options[key] = value;
  }
  return options as T;
}

/** The scheduler's metric and mode, each falling back to tune_config's. */
export function readObjective(spec: SchedulerSpec, tune: Pick<TuneConfig, 'metric' | 'mode'>): Objective {
  const metric = pick(spec, tune, 'metric');
  const mode = pick(spec, tune, 'mode');
  if (metric === undefined) {
    throw new Error(
      `the ${spec.type} scheduler needs a metric to compare trials on; set tune_config.metric (or tune_config.scheduler.metric) to a reported metric`,
    );
  }
  if (mode !== 'min' && mode !== 'max') {
    const got = mode === undefined ? '' : `, got ${JSON.stringify(mode)}`;
    throw new Error(
      `the ${spec.type} scheduler needs to know whether ${metric} is better high or low; set tune_config.mode to max or min${got}`,
    );
  }
  return { metric, mode };
}

/** Throws `message` unless `holds`; for ranges the schema cannot tie together, such as grace_period <= max_t. */
export function requireOption(holds: boolean, message: string): void {
  if (!holds) throw new Error(message);
}

function pick(spec: SchedulerSpec, tune: Pick<TuneConfig, 'metric' | 'mode'>, key: 'metric' | 'mode'): string | undefined {
  const own = (spec as Record<string, unknown>)[key];
  const shared = tune[key];
  if (own !== undefined && typeof own !== 'string')
    throw new Error(`tune_config.scheduler.${key} must be a string, got ${JSON.stringify(own)}`);
  if (own !== undefined && shared !== undefined && own !== shared) {
    throw new Error(`tune_config.scheduler.${key} (${own}) differs from tune_config.${key} (${shared}); set it in one place only`);
  }
  return own ?? shared;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return 'a value';
}
