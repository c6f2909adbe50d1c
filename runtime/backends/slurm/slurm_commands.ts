/**
 * Slurm's command-line tools, run asynchronously with deadlines (sinfo and squeue block for
 * ~10 s per call when slurmctld is down). Only what every Slurm cluster has is used: sbatch,
 * squeue, scancel, sinfo and scontrol; sacct is often disabled, so nothing depends on it.
 */
import { ImpossibleRequestError } from '../local_machine';
import { runBounded } from '../../hardware/bounded_run';
import { findExecutable } from '../../hardware/find_executable';

const CALL_TIMEOUT_MS = 30_000;

/** Slurm refused or could not be reached: a sentence for the user, exit 2 before anything ran. */
export class SlurmError extends ImpossibleRequestError {}

/** One of our jobs as squeue shows it. */
export interface QueuedJob {
  id: string;
  name: string;
  /** PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED, FAILED, TIMEOUT, PREEMPTED, REQUEUED… */
  state: string;
  /** Slurm's reason for a pending job (Priority, Resources, QOSMaxJobsPerUserLimit…); "None" otherwise. */
  reason: string;
  nodes: string;
}

export interface Partition {
  name: string;
  isDefault: boolean;
  up: boolean;
  nodes: number;
  cpusPerNode: number;
  /** GPUs per node from GRES (gpu:4, gpu:a100:8), 0 when none. */
  gpusPerNode: number;
  timeLimit: string;
  nodeList: string;
}

export interface ClusterNode {
  name: string;
  state: string;
  cpus: number;
  cpusAllocated: number;
  gpus: number;
  gpusAllocated: number;
  partitions: string[];
}

export class SlurmCommands {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The sentence a user sees when this machine cannot submit jobs. */
  async check(): Promise<void> {
    for (const tool of ['sbatch', 'squeue', 'scancel', 'sinfo']) {
      if (!(await findExecutable(tool, this.env))) {
        throw new SlurmError(`backend: slurm needs Slurm's ${tool} on PATH, and it is not there: run Tunekit on a login node of the cluster (or load Slurm's module first)`);
      }
    }
  }

  async run(tool: string, args: string[], input?: { cwd?: string }): Promise<string> {
    const file = (await findExecutable(tool, this.env)) ?? tool;
    const outcome = await runBounded(file, args, { env: this.env, timeoutMs: CALL_TIMEOUT_MS, cwd: input?.cwd });
    if (outcome.kind === 'timed-out') throw new SlurmError(`${tool} did not answer within ${CALL_TIMEOUT_MS / 1000} s (is slurmctld up?)`);
    if (outcome.kind === 'output-too-large') throw new SlurmError(`${tool} printed more than expected`);
    if (outcome.kind === 'not-started') throw new SlurmError(`could not run ${tool}: ${outcome.message}`);
    if (outcome.code !== 0) {
      const said = outcome.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${outcome.code}`;
      throw new SlurmError(`${tool} failed: ${said.replace(/^(sbatch|squeue|scancel|sinfo|scontrol): (error: )?/, '')}`);
    }
    return outcome.stdout;
  }

  /** Submits a batch script; the job id. */
  async sbatch(script: string, cwd: string): Promise<string> {
    const out = await this.run('sbatch', ['--parsable', script], { cwd });
    const id = out.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch answered without a job id: ${out.trim()}`);
    return id;
  }

  /** Every job of this user that Slurm still knows, finished ones included until MinJobAge. */
  async squeue(): Promise<Map<string, QueuedJob>> {
    const user = this.env.USER ?? this.env.LOGNAME;
    const args = ['-h', '-t', 'all', '-o', '%i|%j|%T|%r|%N'];
    if (user) args.push('-u', user);
    const out = await this.run('squeue', args);
    return parseSqueue(out);
  }

  async scancel(jobIds: string[], signal?: string): Promise<void> {
    if (jobIds.length === 0) return;
    const args = signal ? ['--signal', signal, ...jobIds] : jobIds;
    await this.run('scancel', args).catch((err: Error) => {
      // A job that already ended is what we wanted.
      if (!/Invalid job id|already completing|Job\/step already completing or completed/i.test(err.message)) throw err;
    });
  }

  async partitions(): Promise<Partition[]> {
    const out = await this.run('sinfo', ['-h', '-o', '%P|%a|%D|%c|%G|%l|%N']);
    return parseSinfo(out);
  }

  async nodes(): Promise<ClusterNode[]> {
    const out = await this.run('scontrol', ['show', 'node', '-o']);
    return parseNodes(out);
  }
}

export function parseSqueue(out: string): Map<string, QueuedJob> {
  const jobs = new Map<string, QueuedJob>();
  for (const line of out.split('\n')) {
    const [id, name, state, reason, nodes] = line.trim().split('|');
    if (!id || name === undefined) continue;
    jobs.set(id, { id, name, state: state ?? '', reason: reason ?? '', nodes: nodes ?? '' });
  }
  return jobs;
}

/** `gpu:4`, `gpu:a100:8(S:0-1)`, `gpu:2,shard:8` → GPUs per node. */
export function gpusInGres(gres: string): number {
  let total = 0;
  for (const part of gres.split(',')) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(part.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}

export function parseSinfo(out: string): Partition[] {
  const byName = new Map<string, Partition>();
  for (const line of out.split('\n')) {
    const [rawName, avail, nodes, cpus, gres, limit, nodeList] = line.trim().split('|');
    if (!rawName || avail === undefined) continue;
    const isDefault = rawName.endsWith('*');
    const name = isDefault ? rawName.slice(0, -1) : rawName;
    const cpusPerNode = Number.parseInt(cpus ?? '0', 10) || 0;
    const partition: Partition = {
      name,
      isDefault,
      up: avail === 'up',
      nodes: Number(nodes) || 0,
      cpusPerNode,
      gpusPerNode: gpusInGres(gres ?? ''),
      timeLimit: limit ?? '',
      nodeList: nodeList ?? '',
    };
    // sinfo prints one line per node configuration: keep the biggest, since a trial fits there.
    const known = byName.get(name);
    if (!known) byName.set(name, partition);
    else {
      known.nodes += partition.nodes;
      known.cpusPerNode = Math.max(known.cpusPerNode, partition.cpusPerNode);
      known.gpusPerNode = Math.max(known.gpusPerNode, partition.gpusPerNode);
    }
  }
  return [...byName.values()];
}

export function parseNodes(out: string): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('NodeName=')) continue;
    const field = (key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1] ?? '';
    const allocTres = field('AllocTRES');
    const allocGpus = /gres\/gpu=(\d+)/.exec(allocTres)?.[1];
    nodes.push({
      name: field('NodeName'),
      state: field('State'),
      cpus: Number(field('CPUTot')) || 0,
      cpusAllocated: Number(field('CPUAlloc')) || 0,
      gpus: gpusInGres(field('Gres')),
      gpusAllocated: allocGpus ? Number(allocGpus) : 0,
      partitions: field('Partitions').split(',').filter(Boolean),
    });
  }
  return nodes;
}
