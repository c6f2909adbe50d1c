/**
 * What a Tuner needs from where its trials run, prepared before anything is written: this
 * machine's capacity and ledger (local), or the cluster's checks, a preflight job, a queue
 * ledger and a job launcher (slurm). Both shells (CLI and daemon) start Tuners through this.
 */
import { readFileSync } from 'node:fs';
import type { ExperimentSpec } from '../../protocol/spec';
import { SpecError } from '../spec/spec_error';
import { readSpecSource } from '../spec/yaml_source';
import { checkRequestsFit, ImpossibleRequestError, machineFor } from './local_machine';
import type { TrialLedger } from '../resources/machine_ledger';
import { driverEntry } from '../tuner/driver_pool';
import type { LauncherFactory } from '../tuner/trial_launcher';
import type { Capacity } from '../tuner/tuner';
import { resolveWorkerCommand } from '../tuner/worker_command';
import { choosePartition, clusterProblems, type ClusterProblem } from './slurm/cluster_fit';
import { runPreflight } from './slurm/preflight';
import { SlurmCommands } from './slurm/slurm_commands';
import { SlurmLauncher } from './slurm/slurm_launcher';
import { QueueLedger } from './slurm/queue_ledger';

export interface PreparedBackend {
  /** Described in experiment.json. */
  machine: unknown;
  capacity: Capacity;
  /** Set for a cluster backend; local runs use the machine's (possibly shared) ledger. */
  ledger?: TrialLedger;
  launcher?: LauncherFactory;
}

export interface PrepareOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (a queued preflight job). */
  say?: (line: string) => void;
  /** Skip the preflight job (a resume whose trials already ran there). */
  skipPreflight?: boolean;
}

export async function prepareBackend(spec: ExperimentSpec, options: PrepareOptions = {}): Promise<PreparedBackend> {
  const backend = spec.backend;
  if (backend?.type !== 'slurm') {
    const { hardware, capacity } = await machineFor(spec);
    checkRequestsFit(spec, capacity);
    return { machine: hardware, capacity };
  }
  const env = options.env ?? process.env;
  const commands = new SlurmCommands(env);
  await commands.check();
  const partitions = await commands.partitions();
  const problems = clusterProblems(spec, backend, partitions);
  if (problems.length) throw located(spec, problems);
  const partition = choosePartition(backend, partitions) as Exclude<ReturnType<typeof choosePartition>, { message: string }>;
  const node = backend.node ?? process.execPath;
  const entry = driverEntry();
  if (!options.skipPreflight) {
    const program = resolveWorkerCommand(spec.trainer.command, spec.trainer.working_dir, env)[0];
    await runPreflight({ backend, commands, storagePath: spec.run_config.storage_path, node, driverEntry: entry, program, partition: partition.name, say: options.say });
  }
  const cpus = partition.nodes * partition.cpusPerNode;
  const gpus = partition.nodes * partition.gpusPerNode;
  return {
    machine: { backend: 'slurm', partition: partition.name, nodes: partition.nodes, cpus_per_node: partition.cpusPerNode, gpus_per_node: partition.gpusPerNode },
    capacity: { CPU: cpus, gpus: Array.from({ length: gpus }, (_, i) => i), simulated: false },
    ledger: new QueueLedger(),
    launcher: (hooks) => new SlurmLauncher({ spec, backend, commands, node, driverEntry: entry }, hooks),
  };
}

/** Cluster problems placed at their spec line, as every other spec problem is. */
function located(spec: ExperimentSpec, problems: ClusterProblem[]): Error {
  let text: string;
  try {
    text = readFileSync(spec.file, 'utf8');
  } catch {
    return new ImpossibleRequestError(`${spec.file}: ${problems.map((p) => p.message).join('; ')}`);
  }
  const { locator } = readSpecSource(text, spec.file);
  return new SpecError(problems.map((p) => locator.place(p)));
}
