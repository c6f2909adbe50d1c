/**
 * What the time-to-quality benchmark compares: one search space over the digits MLP, a
 * grid drawn from it, and the tuning methods, each as a Tunekit spec or as Optuna's run.
 */

/** A domain Tunekit's param_space and bench/optuna_digits.py both read. */
export type Domain = { loguniform: [number, number] } | { choice: number[] };

export const DIGITS_SPACE: Record<string, Domain> = {
  lr: { loguniform: [1e-4, 1e-1] },
  hidden: { choice: [16, 32, 64, 128, 256] },
  batch_size: { choice: [16, 32, 64, 128] },
  weight_decay: { loguniform: [1e-6, 1e-2] },
};

/** Reported each epoch and maximised. */
export const METRIC = 'val_acc';

/** Where each of `perAxis` grid points sits in its range: the centres of equal cells (1/4 and 3/4 for two). */
function cellCentres(perAxis: number): number[] {
  return Array.from({ length: perAxis }, (_, i) => (i + 0.5) / perAxis);
}

/** Significant digits kept on a grid value, so trial names stay readable. */
const GRID_DIGITS = 2;

/**
 * A grid over the same space with `perAxis` values per parameter, placed at cell centres
 * (in log scale for loguniform, by position in the list for choice), so it is neither
 * tuned toward good values nor pushed to the extremes.
 */
export function gridSpace(space: Record<string, Domain>, perAxis: number): Record<string, { grid_search: number[] }> {
  const grid: Record<string, { grid_search: number[] }> = {};
  for (const [name, domain] of Object.entries(space)) {
    const points = cellCentres(perAxis).map((q) => {
      if ('choice' in domain) return domain.choice[Math.round(q * (domain.choice.length - 1))];
      const [lo, hi] = domain.loguniform.map(Math.log10);
      return Number((10 ** (lo + q * (hi - lo))).toPrecision(GRID_DIGITS));
    });
    grid[name] = { grid_search: [...new Set(points)] };
  }
  return grid;
}

export interface QualityBudget {
  trials: number;
  epochs: number;
  /** Successive halving's rate on both sides: ASHA's reduction_factor, Hyperband's. */
  reductionFactor: number;
}

export interface TunekitMethod {
  key: string;
  label: string;
  scheduler: 'fifo' | 'asha' | 'asha_promote';
  searchAlg: 'random' | 'grid' | 'tpe';
}

export const TUNEKIT_METHODS: readonly TunekitMethod[] = [
  { key: 'random', label: 'FIFO, random search', scheduler: 'fifo', searchAlg: 'random' },
  { key: 'grid', label: 'FIFO, grid search', scheduler: 'fifo', searchAlg: 'grid' },
  { key: 'asha', label: 'ASHA, random search', scheduler: 'asha', searchAlg: 'random' },
  { key: 'asha_promote', label: 'ASHA with promotion, random search', scheduler: 'asha_promote', searchAlg: 'random' },
  { key: 'tpe_asha', label: 'TPE + ASHA', scheduler: 'asha', searchAlg: 'tpe' },
];

export const OPTUNA_LABEL = 'Optuna 3.1: TPE + HyperbandPruner';

/** The grid that fills `trials`: as many values per axis as make perAxis^axes == trials. */
export function gridPerAxis(trials: number, axes: number): number {
  const perAxis = Math.round(trials ** (1 / axes));
  if (perAxis < 1 || perAxis ** axes !== trials) throw new Error(`${trials} trials do not make a full grid over ${axes} parameters`);
  return perAxis;
}

export interface SpecPlace {
  /** bench/digits, holding tunekit_digits.py. */
  workerDir: string;
  storagePath: string;
  seed: number;
}

/** A Tunekit spec for `method`: one single-worker trial at a time, `budget.trials` trials. */
export function tunekitSpec(method: TunekitMethod, budget: QualityBudget, place: SpecPlace): Record<string, unknown> {
  const grid = method.searchAlg === 'grid';
  const space = grid ? gridSpace(DIGITS_SPACE, gridPerAxis(budget.trials, Object.keys(DIGITS_SPACE).length)) : DIGITS_SPACE;
  const halving = { max_t: budget.epochs, grace_period: 1, reduction_factor: budget.reductionFactor };
  // Only asha_promote resumes a paused trial, so only it needs (and pays for) checkpoints.
  const checkpoints = method.scheduler === 'asha_promote';
  return {
    trainer: {
      command: ['python3', 'tunekit_digits.py'],
      working_dir: place.workerDir,
      train_loop_config: { epochs: budget.epochs, seed: place.seed, checkpoint: checkpoints },
      scaling_config: { num_workers: 1, resources_per_worker: { CPU: 1 }, trainer_resources: { CPU: 0 } },
      // train.py's imports are found only at run time (digits_training.py edits sys.path), so name them.
      warm_start: { imports: ['torch', 'torch.utils.data', 'sklearn.datasets'] },
    },
    param_space: { train_loop_config: space },
    tune_config: {
      num_samples: grid ? 1 : budget.trials,
      max_concurrent_trials: 1,
      metric: METRIC,
      mode: 'max',
      seed: place.seed,
      scheduler: method.scheduler === 'fifo' ? 'fifo' : { type: method.scheduler, ...halving },
      search_alg: method.searchAlg,
    },
    run_config: {
      name: `${method.key}-seed${place.seed}`,
      storage_path: place.storagePath,
      ...(checkpoints ? { checkpoint_config: { num_to_keep: 1 } } : {}),
    },
  };
}
