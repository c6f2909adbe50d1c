/**
 * Rules the JSON Schema cannot say well: values that must agree with each other, and
 * values whose allowed shape depends on their size. Every check tolerates data that
 * also broke the schema, since both kinds of problem are reported together.
 */
import { splitCommandLine } from '../../protocol/spec_rules';
import type { PathProblem, SpecPath } from './positions';
import { pathText } from './wording';

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(data: unknown, path: SpecPath): unknown {
  let node = data;
  for (const key of path) node = isMapping(node) || Array.isArray(node) ? (node as Mapping)[key] : undefined;
  return node;
}

export function semanticProblems(data: unknown): PathProblem[] {
  return [
    ...commandProblems(data),
    ...envProblems(data),
    ...gpuProblems(data, ['trainer', 'scaling_config', 'resources_per_worker', 'GPU']),
    ...gpuProblems(data, ['trainer', 'scaling_config', 'trainer_resources', 'GPU']),
    ...useGpuProblems(data),
    ...metricModeProblems(data),
    ...schedulerProblems(data),
    ...pointsProblems(data),
    ...runNameProblems(data),
    ...failFastProblems(data),
    ...checkpointProblems(data),
  ];
}

const EMPTY_COMMAND = 'trainer.command is empty; give the program each worker runs, e.g. command: [python3, train.py]';

function commandProblems(data: unknown): PathProblem[] {
  const path = ['trainer', 'command'];
  const command = get(data, path);
  if (typeof command === 'string') {
    const split = splitCommandLine(command);
    if ('error' in split) return [{ path, message: `trainer.command ${split.error}` }];
    return split.argv.length === 0 ? [{ path, message: EMPTY_COMMAND }] : [];
  }
  if (Array.isArray(command)) {
    if (command.length === 0) return [{ path, message: EMPTY_COMMAND }];
    if (command[0] === '') return [{ path: [...path, 0], message: 'trainer.command[0] is empty; it must name the program to run, e.g. python3' }];
  }
  return [];
}

function envProblems(data: unknown): PathProblem[] {
  const env = get(data, ['trainer', 'env']);
  if (!isMapping(env)) return [];
  return Object.keys(env)
    .filter((name) => name === '' || name.includes('='))
    .map((name) => ({
      path: ['trainer', 'env', name],
      message: `trainer.env has the variable name ${JSON.stringify(name)}; a name must be non-empty and contain no "="`,
      at: 'key' as const,
    }));
}

function gpuProblems(data: unknown, path: SpecPath): PathProblem[] {
  const gpu = get(data, path);
  if (typeof gpu !== 'number' || gpu <= 1 || Number.isInteger(gpu)) return [];
  const message = `${pathText(path)} is ${gpu}; a share of one GPU must be below 1, and more than one GPU must be a whole number (${Math.floor(gpu)} or ${Math.ceil(gpu)})`;
  return [{ path, message }];
}

function useGpuProblems(data: unknown): PathProblem[] {
  // When the search space picks use_gpu or the resources, only the sampled trial can tell.
  const searched = get(data, ['param_space', 'scaling_config']);
  if (isMapping(searched) && ('use_gpu' in searched || 'resources_per_worker' in searched)) return [];
  const useGpu = get(data, ['trainer', 'scaling_config', 'use_gpu']);
  const gpuPath = ['trainer', 'scaling_config', 'resources_per_worker', 'GPU'];
  const gpu = get(data, gpuPath);
  if (typeof gpu !== 'number') return [];
  if (gpu > 0 && useGpu !== true) {
    const message = `${pathText(gpuPath)} asks for ${gpu} GPU per worker but trainer.scaling_config.use_gpu is not true; set use_gpu: true (or GPU: 0)`;
    return [{ path: gpuPath, message }];
  }
  if (gpu === 0 && useGpu === true) {
    const message = `trainer.scaling_config.use_gpu is true but ${pathText(gpuPath)} is 0; give each worker a GPU share above 0, or set use_gpu: false`;
    return [{ path: gpuPath, message }];
  }
  return [];
}

function metricModeProblems(data: unknown): PathProblem[] {
  const tune = get(data, ['tune_config']);
  // An empty metric or mode already fails the schema; pairing it would say the same twice.
  if (!isMapping(tune) || tune.metric === null || tune.mode === null) return [];
  const hasMetric = tune.metric !== undefined;
  const hasMode = tune.mode !== undefined;
  if (hasMetric && !hasMode) {
    const message = 'tune_config.metric is set without tune_config.mode; add mode: max if higher is better, or mode: min';
    return [{ path: ['tune_config', 'metric'], message }];
  }
  if (hasMode && !hasMetric) {
    const message = 'tune_config.mode is set without tune_config.metric; add metric: with the name of the reported metric to compare trials on';
    return [{ path: ['tune_config', 'mode'], message }];
  }
  return [];
}

function schedulerProblems(data: unknown): PathProblem[] {
  const scheduler = get(data, ['tune_config', 'scheduler']);
  if (!isMapping(scheduler) || scheduler.type !== 'fifo') return [];
  return Object.keys(scheduler)
    .filter((key) => key !== 'type')
    .map((key) => ({
      path: ['tune_config', 'scheduler', key],
      message: `the fifo scheduler takes no options; remove tune_config.scheduler.${key} or pick a scheduler that uses it`,
      at: 'key' as const,
    }));
}

const PARAM_SPACE_KEYS = ['train_loop_config', 'scaling_config'];

/** Points are whole configurations, so they share param_space's top-level shape. */
function pointsProblems(data: unknown): PathProblem[] {
  const points = get(data, ['tune_config', 'search_alg', 'points_to_evaluate']);
  if (!Array.isArray(points)) return [];
  return points.flatMap((point, i) =>
    isMapping(point)
      ? Object.keys(point)
          .filter((key) => !PARAM_SPACE_KEYS.includes(key))
          .map((key) => ({
            path: ['tune_config', 'search_alg', 'points_to_evaluate', i, key],
            message: `points_to_evaluate[${i}].${key} is outside param_space's shape; put training hyperparameters under train_loop_config (e.g. train_loop_config: {${key}: ...})`,
            at: 'key' as const,
          }))
      : [],
  );
}

function runNameProblems(data: unknown): PathProblem[] {
  const path = ['run_config', 'name'];
  const name = get(data, path);
  if (typeof name !== 'string' || name === '') return [];
  let why: string | undefined;
  if (name === '.' || name === '..') why = `cannot be "${name}"`;
  else if (/[\\/]/.test(name)) why = 'cannot contain "/" or "\\" (it names one directory under storage_path, not a path)';
  else if (name.includes('\0')) why = 'cannot contain a NUL character';
  else if (name.trim() !== name) why = 'cannot start or end with spaces';
  return why ? [{ path, message: `run_config.name ${why}; use a plain directory name such as "quickstart"` }] : [];
}

function failFastProblems(data: unknown): PathProblem[] {
  const config = get(data, ['run_config', 'failure_config']);
  if (!isMapping(config) || config.fail_fast !== true) return [];
  const retries = config.max_failures;
  if (retries === undefined || retries === 0) return [];
  const message = `run_config.failure_config.fail_fast stops the experiment at the first failure, so max_failures must be 0, got ${String(retries)}; set max_failures: 0 or fail_fast: false`;
  return [{ path: ['run_config', 'failure_config', 'fail_fast'], message }];
}

function checkpointProblems(data: unknown): PathProblem[] {
  const config = get(data, ['run_config', 'checkpoint_config']);
  if (!isMapping(config) || config.checkpoint_score_order === undefined || config.checkpoint_score_attribute !== undefined) return [];
  const message = 'run_config.checkpoint_config.checkpoint_score_order has no effect without checkpoint_score_attribute; name the metric that ranks checkpoints';
  return [{ path: ['run_config', 'checkpoint_config', 'checkpoint_score_order'], message, severity: 'warning' }];
}
