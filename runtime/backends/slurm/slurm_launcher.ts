/**
 * Trials as Slurm jobs: one job per trial launch, holding the trial's whole gang, with the
 * Trainer driver as the batch step. The Tuner talks to it through files on the shared
 * filesystem (file_channel.ts); one squeue call per poll tells what became of every job.
 * The trial's own files are the record: squeue only says whether a job is still there.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { TrialSubmittedEvent } from '../../../protocol/journal';
import { parseJournalLines } from '../../../protocol/journal_lines';
import { reduceJournal } from '../../../protocol/journal_reducer';
import { join } from 'node:path';
import type { DriverToTuner, GroupExit, TrialJob, TrialLaunch, TunerToDriver } from '../../../protocol/driver';
import type { ExperimentSpec, SlurmBackend } from '../../../protocol/spec';
import type { DriverHandle, LauncherHooks, ReattachCandidate, TrialLauncher } from '../../tuner/trial_launcher';
import { ChannelReader, ChannelWriter } from '../file_channel';
import { jobScript } from './batch_script';
import { FROM_DRIVER, TO_DRIVER } from './job_driver';
import type { QueuedJob, SlurmCommands } from './slurm_commands';

const CHANNEL_POLL_MS = 200;
/** How long a signalled job may stay RUNNING/COMPLETING before its end is read as a cancel. */
const SIGNAL_VERDICT_MS = 15_000;
const SIGNAL_POLL_MS = 300;
/** States after which a job runs no more. */
const FINAL_STATES = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'SPECIAL_EXIT']);
/** States that mean Slurm put the job back in the queue by itself. */
const REQUEUED_STATES = new Set(['REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'PREEMPTED']);

export interface SlurmLauncherOptions {
  spec: ExperimentSpec;
  backend: SlurmBackend;
  commands: SlurmCommands;
  /** The Node binary and driver bundle the job runs; both must be visible on compute nodes. */
  node: string;
  driverEntry: string;
}

/** One trial launch's job, from submission to its `ended`. */
export class SlurmJob implements DriverHandle {
  readonly pid = 0;
  alive = true;
  trialId: string | undefined;
  jobId: string | undefined;
  jobName: string | undefined;
  channelDir: string | undefined;
  reader: ChannelReader | undefined;
  writer: ChannelWriter | undefined;
  lastSeen: QueuedJob | undefined;
  /** Polls in a row that found the job gone or final with no `ended` from its driver. */
  silentPolls = 0;
  /** Started by the driver (its `started` arrived). */
  started = false;
  pendingEnd: GroupExit | undefined;
  /** For an adopted job: what of its backlog (up to byte `until`) the earlier Tuner handled. */
  catchUp: { until: number; acked: Set<number>; persisted: number; rows: Array<Record<string, unknown>> } | undefined;

  constructor(private readonly launcher: SlurmLauncher) {}

  send(msg: TunerToDriver): void {
    this.launcher.deliver(this, msg);
  }
}

export class SlurmLauncher implements TrialLauncher {
  private readonly jobs = new Set<SlurmJob>();
  private channelTimer: NodeJS.Timeout | undefined;
  private queueTimer: NodeJS.Timeout | undefined;
  private polling = false;

  private readonly onMessage: LauncherHooks['onMessage'];

  constructor(
    private readonly options: SlurmLauncherOptions,
    private readonly hooks: LauncherHooks,
  ) {
    this.onMessage = hooks.onMessage;
  }

  async acquire(): Promise<DriverHandle> {
    const job = new SlurmJob(this);
    this.jobs.add(job);
    this.startTimers();
    return job;
  }

  /**
   * A resumed experiment's jobs that are still queued or running are adopted, never submitted
   * again: found by the id the journal holds, or by their deterministic name when the Tuner was
   * killed between sbatch and recording the id. Results the earlier Tuner already persisted are
   * acknowledged without being recorded twice.
   */
  async reattach(trials: ReattachCandidate[], journalPath: string): Promise<Map<string, DriverHandle>> {
    const adopted = new Map<string, DriverHandle>();
    const submissions = lastSubmissions(journalPath);
    if (submissions.size === 0) return adopted;
    const queue = await this.options.commands.squeue();
    const byName = new Map([...queue.values()].map((j) => [j.name, j]));
    for (const trial of trials) {
      const sub = submissions.get(trial.id);
      if (!sub) continue;
      const seen = (sub.job_id ? queue.get(sub.job_id) : undefined) ?? byName.get(sub.job_name);
      if (!seen || seen.name !== sub.job_name || FINAL_STATES.has(seen.state) || REQUEUED_STATES.has(seen.state)) continue;
      const job = new SlurmJob(this);
      Object.assign(job, { trialId: trial.id, jobId: seen.id, jobName: sub.job_name, channelDir: sub.channel_dir, lastSeen: seen });
      job.reader = new ChannelReader(join(sub.channel_dir, FROM_DRIVER));
      job.writer = new ChannelWriter(join(sub.channel_dir, TO_DRIVER));
      if (!sub.job_id) await this.hooks.record({ ...sub, type: 'trial_submitted', job_id: seen.id });
      job.catchUp = backlog(job, trial, sub.iteration);
      this.jobs.add(job);
      adopted.set(trial.id, job);
      this.tell(job, { id: seen.id, name: seen.name, state: seen.state, reason: seen.state === 'PENDING' ? seen.reason : undefined, nodes: seen.nodes || undefined });
    }
    if (this.jobs.size) this.startTimers();
    return adopted;
  }

  release(driver: DriverHandle): void {
    const job = driver as SlurmJob;
    job.alive = false;
    this.jobs.delete(job);
    if (this.jobs.size === 0) this.stopTimers();
  }

  async shutdown(): Promise<void> {
    this.stopTimers();
    const ids = [...this.jobs].map((j) => j.jobId).filter((id): id is string => id !== undefined);
    for (const job of this.jobs) job.alive = false;
    this.jobs.clear();
    await this.options.commands.scancel(ids).catch((err: Error) => this.hooks.warn(`could not cancel jobs ${ids.join(', ')}: ${err.message}`));
  }

  deliver(job: SlurmJob, msg: TunerToDriver): void {
    if (!job.alive) return;
    switch (msg.type) {
      case 'launch':
        void this.submit(job, msg.launch).catch((err: Error) =>
          this.end(job, { status: 'ERROR', reason: `could not submit the trial's job: ${err.message}` }),
        );
        return;
      case 'stop':
        if (!job.started && job.jobId) {
          // Still queued: nothing ran, so the queue entry is all there is to take back.
          void this.options.commands.scancel([job.jobId]).catch((err: Error) => this.hooks.warn(err.message));
          this.end(job, { status: 'TERMINATED', reason: msg.reason, neverStarted: true });
          return;
        }
        job.writer?.send(msg);
        return;
      case 'result_ack':
        job.writer?.send(msg);
        return;
      case 'shutdown':
        return;
    }
  }

  private async submit(job: SlurmJob, launch: TrialLaunch): Promise<void> {
    const { backend, spec } = this.options;
    const jobsDir = join(launch.trialDir, '.slurm');
    mkdirSync(jobsDir, { recursive: true, mode: 0o700 });
    const attempt = readdirSync(jobsDir).filter((n) => /^\d+$/.test(n)).length + 1;
    const channelDir = join(jobsDir, String(attempt));
    mkdirSync(channelDir, { mode: 0o700 });
    const jobName = `tunekit-${launch.trialId}-${attempt}`;
    Object.assign(job, { trialId: launch.trialId, jobName, channelDir });
    job.reader = new ChannelReader(join(channelDir, FROM_DRIVER));
    job.writer = new ChannelWriter(join(channelDir, TO_DRIVER));
    const perWorker = launch.perWorker ?? { CPU: 1, GPU: 0 };
    const srun = { cpusPerTask: perWorker.CPU, gpusPerTask: perWorker.GPU, nodes: backend.nodes };
    // The token travels in this 0600 file on the shared filesystem, never on a command line.
    job.writer.send({ type: 'launch', launch: { ...launch, srun } } satisfies TunerToDriver);
    const script = join(channelDir, 'job.sh');
    writeFileSync(
      script,
      jobScript({
        backend,
        jobName,
        ntasks: launch.grant.workers.length,
        cpusPerTask: perWorker.CPU,
        gpusPerTask: perWorker.GPU,
        output: join(launch.trialDir, 'slurm-%j.out'),
        workingDir: spec.trainer.working_dir,
        node: this.options.node,
        driverEntry: this.options.driverEntry,
        channelDir,
      }),
      { mode: 0o700 },
    );
    const iteration = launch.iteration ?? 0;
    await this.hooks.record({ type: 'trial_submitted', trial_id: launch.trialId, job_name: jobName, job_id: null, channel_dir: channelDir, iteration });
    const jobId = await this.options.commands.sbatch(script, spec.trainer.working_dir);
    job.jobId = jobId;
    writeFileSync(join(channelDir, 'job_id'), `${jobId}\n`, { mode: 0o600 });
    await this.hooks.record({ type: 'trial_submitted', trial_id: launch.trialId, job_name: jobName, job_id: jobId, channel_dir: channelDir, iteration });
    this.tell(job, { id: jobId, name: jobName, state: 'PENDING', reason: 'submitted' });
    if (!job.alive) await this.options.commands.scancel([jobId]);
  }

  private startTimers(): void {
    this.channelTimer ??= setInterval(() => this.readChannels(), CHANNEL_POLL_MS);
    this.queueTimer ??= setInterval(() => void this.pollQueue(), this.options.backend.poll_interval_s * 1000);
  }

  private stopTimers(): void {
    if (this.channelTimer) clearInterval(this.channelTimer);
    if (this.queueTimer) clearInterval(this.queueTimer);
    this.channelTimer = this.queueTimer = undefined;
  }

  private readChannels(): void {
    for (const job of [...this.jobs]) this.readChannel(job);
  }

  private readChannel(job: SlurmJob): void {
    if (!job.alive || !job.reader || !job.trialId) return;
    for (const { message, end } of job.reader.pollEntries()) {
      const msg = message as DriverToTuner;
      if (!job.alive) return;
      if (job.catchUp && end <= job.catchUp.until && this.alreadyHandled(job, msg)) continue;
      if (msg.type === 'ended') {
        if (msg.exit.jobSignalled) void this.endSignalled(job, msg.exit);
        else this.end(job, msg.exit);
        return;
      }
      if (msg.type === 'started') {
        job.started = true;
        // Worker processes live on compute nodes: no local PID is ours to stop on a resume.
        this.onMessage(job, { ...msg, pids: [], startTimes: [] });
        continue;
      }
      this.onMessage(job, msg);
    }
  }

  /** SIGTERM from Slurm: a requeue or preemption goes back to our queue; a scancel is a failure. */
  private async endSignalled(job: SlurmJob, exit: GroupExit): Promise<void> {
    job.pendingEnd = exit;
    // The job may still show RUNNING or COMPLETING for a moment after its steps were signalled:
    // wait until Slurm says where it went (back to the queue, or gone) before deciding.
    const deadline = Date.now() + SIGNAL_VERDICT_MS;
    for (;;) {
      let state: QueuedJob | undefined;
      try {
        state = job.jobId ? (await this.options.commands.squeue()).get(job.jobId) : undefined;
      } catch {
        state = undefined;
      }
      if (state && (REQUEUED_STATES.has(state.state) || (state.state === 'PENDING' && job.started))) {
        await this.options.commands.scancel([job.jobId!]).catch(() => undefined);
        return this.end(job, { ...exit, status: 'ERROR', reason: `job ${job.jobId} was requeued or preempted by Slurm; resubmitted from the latest checkpoint`, preempted: true, jobSignalled: false });
      }
      const undecided = state !== undefined && !FINAL_STATES.has(state.state);
      if (!undecided || Date.now() > deadline || !job.alive) return this.end(job, exit);
      await new Promise((r) => setTimeout(r, SIGNAL_POLL_MS));
    }
  }

  /**
   * What a job's driver said before this Tuner adopted it: rounds the earlier Tuner acknowledged
   * are done; one it persisted but had not acknowledged (killed in between) is acknowledged now;
   * starts and logs were handled then. The rest is new.
   */
  private alreadyHandled(job: SlurmJob, msg: DriverToTuner): boolean {
    const c = job.catchUp!;
    if (msg.type === 'started' || msg.type === 'log' || msg.type === 'rejected') {
      if (msg.type === 'started') job.started = true;
      return true;
    }
    if (msg.type !== 'result') return false;
    if (c.acked.has(msg.id)) {
      if (msg.metrics !== null) c.persisted--;
      return true;
    }
    if (msg.metrics !== null && c.persisted > 0) {
      c.persisted--;
      const row = c.rows[c.rows.length - 1 - c.persisted];
      job.writer!.send({ type: 'result_ack', trialId: job.trialId!, id: msg.id, checkpointDirName: (row?.checkpoint_dir_name as string | null) ?? null, stop: false });
      return true;
    }
    return false;
  }

  private end(job: SlurmJob, exit: GroupExit): void {
    if (!job.alive || !job.trialId) return;
    job.alive = false;
    this.onMessage(job, { type: 'ended', trialId: job.trialId, exit });
  }

  private tell(job: SlurmJob, seen: TrialJob): void {
    if (!job.trialId) return;
    this.onMessage(job, { type: 'job', trialId: job.trialId, job: seen });
  }

  private async pollQueue(): Promise<void> {
    if (this.polling) return;
    const watched = [...this.jobs].filter((j) => j.alive && j.jobId && !j.pendingEnd);
    if (watched.length === 0) return;
    this.polling = true;
    let queue: Map<string, QueuedJob>;
    try {
      queue = await this.options.commands.squeue();
    } catch (err) {
      this.hooks.warn(`squeue failed: ${(err as Error).message}`);
      return;
    } finally {
      this.polling = false;
    }
    for (const job of watched) {
      if (!job.alive) continue;
      const seen = queue.get(job.jobId!);
      if (seen && (seen.state !== job.lastSeen?.state || seen.reason !== job.lastSeen?.reason || seen.nodes !== job.lastSeen?.nodes)) {
        job.lastSeen = seen;
        this.tell(job, { id: seen.id, name: seen.name, state: seen.state, reason: seen.state === 'PENDING' ? seen.reason : undefined, nodes: seen.nodes || undefined });
      }
      if (seen && !FINAL_STATES.has(seen.state)) {
        job.silentPolls = 0;
        continue;
      }
      // Gone or final: its driver's last words may still be on their way through the filesystem.
      this.readChannel(job);
      if (!job.alive) continue;
      if (++job.silentPolls < 3) continue;
      const state = seen?.state;
      const preempted = state !== undefined && REQUEUED_STATES.has(state);
      this.end(job, {
        status: 'ERROR',
        reason: state
          ? `job ${job.jobId} ended as ${state} before its driver reported an end (see ${this.outputFile(job)})`
          : `job ${job.jobId} vanished from the queue before its driver reported an end (node failure, or killed before the driver started; see ${this.outputFile(job)})`,
        exitCode: null,
        signal: null,
        logTail: this.outputTail(job),
        preempted,
      });
    }
  }

  private outputFile(job: SlurmJob): string {
    return join(job.channelDir ? join(job.channelDir, '..', '..') : '.', `slurm-${job.jobId}.out`);
  }

  private outputTail(job: SlurmJob): string[] {
    try {
      return readFileSync(this.outputFile(job), 'utf8').trimEnd().split('\n').slice(-10);
    } catch {
      return [];
    }
  }
}

function backlog(job: SlurmJob, trial: ReattachCandidate, submittedAt: number): NonNullable<SlurmJob['catchUp']> {
  const acked = new Set<number>();
  for (const raw of new ChannelReader(join(job.channelDir!, TO_DRIVER)).poll()) {
    const msg = raw as TunerToDriver;
    if (msg.type === 'result_ack') acked.add(msg.id);
  }
  let until = 0;
  try {
    until = statSync(join(job.channelDir!, FROM_DRIVER)).size;
  } catch {
    // Nothing said yet.
  }
  return { until, acked, persisted: trial.iteration - submittedAt, rows: persistedRows(trial.dir) };
}

/** Each trial's latest submission in the journal (read only), as the one reducer reads it. */
function lastSubmissions(journalPath: string): Map<string, TrialSubmittedEvent> {
  let text = '';
  try {
    text = readFileSync(journalPath, 'utf8');
  } catch {
    return new Map();
  }
  // A torn last line is a submission that Tuner did not complete: parseJournalLines skips it.
  const journal = reduceJournal(parseJournalLines(text).events);
  return new Map(journal.allTrials().flatMap((t) => (t.submission ? [[t.id, t.submission] as const] : [])));
}

function persistedRows(trialDir: string): Array<Record<string, unknown>> {
  try {
    return readFileSync(join(trialDir, 'result.json'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}
