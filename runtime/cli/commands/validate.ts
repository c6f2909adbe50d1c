import { detectHardware } from '../../hardware/detect';
import { loadSpec } from '../../spec/load';
import { countTrials } from '../../search/variants';
import { UsageError, type ParsedArgs } from '../../app/command_line';
import { describeRequest, describeSample, plannedTrials } from '../../app/trial_requests';

const SHOWN = 50;

/** `tunekit validate SPEC`: the spec is valid, how many trials it makes, and what each asks for. */
export async function validateCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: tunekit validate SPEC');
  const spec = await loadSpec(file, { hardware: await detectHardware() });
  const total = countTrials(spec.param_space, spec.tune_config.num_samples);
  const { trials, adaptive } = plannedTrials(spec, SHOWN);
  const lines = [`${spec.file}: valid; ${total} trial${total === 1 ? '' : 's'}${adaptive ? ' (configs chosen by the search algorithm as results arrive; random draws shown)' : ''}.`];
  for (const t of trials) lines.push(`  trial ${t.trialId}: ${describeRequest(t.request)}${t.variant.sampled.length ? ` — ${describeSample(t.variant)}` : ''}`);
  if (total > trials.length) lines.push(`  … ${total - trials.length} more`);
  out.write(lines.join('\n') + '\n');
  return 0;
}
