import type { HardwareReport } from '../hardware/report';
import { countTrials } from '../search/variants';
import { loadSpec } from '../spec/load';
import { describeRequest, describeSample, plannedTrials } from './trial_requests';

const SHOWN = 50;

/** The spec is valid on this machine, how many trials it makes, and what each asks for. */
export async function validateSpec(specPath: string, hardware: HardwareReport): Promise<string[]> {
  const spec = await loadSpec(specPath, { hardware });
  const total = countTrials(spec.param_space, spec.tune_config.num_samples);
  const { trials, adaptive } = plannedTrials(spec, SHOWN);
  const lines = [`${spec.file}: valid; ${total} trial${total === 1 ? '' : 's'}${adaptive ? ' (configs chosen by the search algorithm as results arrive; random draws shown)' : ''}.`];
  for (const t of trials) lines.push(`  trial ${t.trialId}: ${describeRequest(t.request)}${t.variant.sampled.length ? ` — ${describeSample(t.variant)}` : ''}`);
  if (total > trials.length) lines.push(`  … ${total - trials.length} more`);
  return lines;
}
