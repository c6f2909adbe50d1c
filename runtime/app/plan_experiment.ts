import type { AdmissionMode, ExperimentSpec, SlurmBackend } from '../../protocol/spec';
import type { TrialGrant } from '../../protocol/trial';
import { planAdmission, type AdmissionPlan } from '../resources/admission_plan';
import { loadSpec } from '../spec/load';
import { machineFor } from '../backends/local_machine';
import { choosePartition, clusterProblems, gangProblem, gangs } from '../backends/slurm/cluster_fit';
import { SlurmCommands } from '../backends/slurm/slurm_commands';
import { formatValue } from '../../protocol/format';
import type { PlanRequest } from './requests';
import { describeRequest, describeSample, plannedTrials } from './trial_requests';

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

/** A plan as text, and whether some trial could never run (the CLI's exit code 2). */
export interface PlanText {
  lines: string[];
  neverRuns: boolean;
}

/** `tunekit plan SPEC`: a seeded dry run of admission on the ledger, in both modes. */
export async function planExperiment(request: PlanRequest): Promise<PlanText> {
  // Trials that never fit are part of the plan, so the machine is not passed to loadSpec.
  const spec = await loadSpec(request.specPath);
  if (spec.backend?.type === 'slurm') return planOnCluster(spec);
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
  return { lines, neverRuns: impossible };
}

/**
 * `tunekit plan` for a Slurm spec: Slurm places the jobs, so the plan says which partitions each
 * trial's gang fits, where it will be submitted, and how many jobs may queue at once.
 */
async function planOnCluster(spec: ExperimentSpec): Promise<PlanText> {
  const backend = spec.backend as SlurmBackend;
  const slurm = new SlurmCommands();
  await slurm.check();
  const partitions = await slurm.partitions();
  const chosen = choosePartition(backend, partitions);
  const { trials } = plannedTrials(spec, MAX_TRIALS);
  const cap = spec.tune_config.max_concurrent_trials;
  const lines = [
    `Cluster: ${partitions.map((p) => `${p.name}${p.isDefault ? '*' : ''} (${p.nodes} nodes × ${p.cpusPerNode} CPU, ${p.gpusPerNode} GPU)`).join(', ')}`,
    `Trials: ${trials.length}${trials.length === MAX_TRIALS ? '+' : ''}, each one job of ${backend.nodes} node(s); at most ${cap > 0 ? cap : 'all'} in the queue at once (max_concurrent_trials)`,
    `Submitted to: ${'message' in chosen ? `nothing: ${chosen.message}` : chosen.name}`,
  ];
  for (const gang of gangs(spec)) {
    const count = trials.filter((t) => t.request.workers.length === gang.ntasks && t.request.workers[0]?.CPU === gang.CPU && t.request.workers[0]?.GPU === gang.GPU).length;
    const fits = partitions.filter((p) => gangProblem(gang, backend, p) === undefined).map((p) => p.name);
    lines.push(`  ${count} trial(s) of ${gang.ntasks} worker(s) × ${gang.CPU} CPU, ${gang.GPU} GPU (e.g. ${gang.trialId}): fit ${fits.join(', ') || 'no partition'}`);
  }
  const problems = clusterProblems(spec, backend, partitions);
  for (const p of problems) lines.push(`  never runs: ${p.message}`);
  return { lines, neverRuns: problems.length > 0 };
}
