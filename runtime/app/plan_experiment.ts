import type { AdmissionMode } from '../../../protocol/spec';
import type { TrialGrant } from '../../../protocol/trial';
import { planAdmission, type AdmissionPlan } from '../../resources/admission_plan';
import { loadSpec } from '../../spec/load';
import type { ParsedArgs } from '../args';
import { UsageError } from '../args';
import { formatValue } from '../format';
import { machineFor } from '../machine';
import { planOnCluster } from './plan_cluster';
import { describeRequest, describeSample, plannedTrials } from '../trial_requests';

const MAX_TRIALS = 2000;

function grantText(grant: TrialGrant): string {
  const gpus = [grant.trainable, ...grant.workers].flatMap((b) => b.gpus);
  if (gpus.length === 0) return '';
  return ` [GPU ${gpus.map((g) => (g.fraction === 1 ? `${g.index}` : `${g.index}×${formatValue(g.fraction)}`)).join(',')}]`;
}

function renderPlan(plan: AdmissionPlan, chosen: boolean, cap: number): string[] {
  const lines = [`${plan.mode} admission${chosen ? ' (this spec)' : ''}, max_concurrent_trials: ${cap > 0 ? cap : 'none'}`];
  for (const wave of plan.waves) {
    lines.push(`  wave ${wave.wave}: runs ${wave.running.map((t) => `${t.trialId}${grantText(t.grant)}`).join(', ') || 'nothing'}`);
    for (const t of wave.holding) lines.push(`    started, waiting for workers (holds its trainable's slots): ${t.trialId}: ${t.reason}`);
    const reasons = new Map<string, string[]>();
    for (const t of wave.pending) reasons.set(t.reason, [...(reasons.get(t.reason) ?? []), t.trialId]);
    for (const [reason, ids] of reasons) {
      const list = ids.length > 6 ? `${ids.slice(0, 6).join(', ')} and ${ids.length - 6} more` : ids.join(', ');
      lines.push(`    pending ${list}: ${reason}`);
    }
  }
  for (const t of plan.neverFit) lines.push(`  never fits: ${t.trialId}: ${t.reason}`);
  if (plan.stalled) lines.push(`  STALLED: ${plan.stalled}`);
  return lines;
}

/** `tunekit plan SPEC`: a seeded dry run of admission on the ledger, in both modes. */
export async function planCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: tunekit plan SPEC');
  // Trials that never fit are part of the plan, so the machine is not passed to loadSpec.
  const spec = await loadSpec(file);
  if (spec.backend?.type === 'slurm') return planOnCluster(spec, out);
  const { capacity } = await machineFor(spec);
  const { trials, adaptive } = plannedTrials(spec, MAX_TRIALS);
  const lines = [
    `Machine: ${formatValue(capacity.CPU)} CPU, ${capacity.gpus.length} GPU${capacity.simulated ? ' (simulated by the spec\'s resources)' : ''}`,
    `Trials: ${trials.length}${trials.length === MAX_TRIALS ? '+' : ''}${adaptive ? ' (the search algorithm picks configs as results arrive; random draws from the same space shown)' : ''}`,
  ];
  for (const t of trials.slice(0, 20)) lines.push(`  ${t.trialId}: ${describeRequest(t.request)}${t.variant.sampled.length ? ` — ${describeSample(t.variant)}` : ''}`);
  if (trials.length > 20) lines.push(`  … ${trials.length - 20} more`);
  const modes: AdmissionMode[] = ['coordinated', 'ray'];
  const cap = spec.tune_config.max_concurrent_trials;
  let impossible = false;
  for (const mode of modes) {
    const plan = planAdmission({ capacity, requests: trials.map((t) => ({ trialId: t.trialId, request: t.request })), mode, maxConcurrentTrials: cap });
    impossible ||= plan.neverFit.length > 0;
    lines.push('', ...renderPlan(plan, mode === spec.tune_config.admission, cap));
  }
  out.write(lines.join('\n') + '\n');
  return impossible ? 2 : 0;
}
