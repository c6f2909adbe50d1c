/** The search algorithm an experiment spec asks for, in tune_config.search_alg. */
import type { ExperimentSpec } from '../../protocol/spec';
import { BasicVariantSearcher } from './basic_variant_searcher';
import { readSearchAlgOptions } from './search_alg_options';
import type { Searcher } from './searcher';
import { TpeSearcher } from './tpe_searcher';

/**
 * Takes the whole spec or just the two parts it reads. Throws when the options, param_space
 * or points cannot make a searcher, saying which and why.
 */
export function createSearcher(spec: Pick<ExperimentSpec, 'param_space' | 'tune_config'>): Searcher {
  const { tune_config: tune, param_space: space } = spec;
  const options = readSearchAlgOptions(tune.search_alg, tune);
  if (options.type === 'tpe') return new TpeSearcher(space, { ...options, numSamples: tune.num_samples });
  return new BasicVariantSearcher(space, { ...options, numSamples: tune.num_samples });
}
