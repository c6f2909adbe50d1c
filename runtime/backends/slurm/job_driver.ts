/**
 * The Trainer driver inside a trial's Slurm job (the batch step). It talks to the Tuner through
 * two files in the trial's private job folder on the shared filesystem, since compute nodes may
 * not open connections to the login node: `to_driver.jsonl` (launch, acks, stop) and
 * `from_driver.jsonl` (started, results, logs, ended). One job runs one trial, then exits.
 */
import { cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverToLauncher, GroupExit, TunerToDriver } from '../../../protocol/driver';
import { TrainerDriver } from '../../driver/trainer_driver';
import { ChannelReader, ChannelWriter, pollChannel } from '../file_channel';

export const TO_DRIVER = 'to_driver.jsonl';
export const FROM_DRIVER = 'from_driver.jsonl';
const POLL_MS = 200;

export function runDriverInJob(channelDir: string): void {
  const out = new ChannelWriter(join(channelDir, FROM_DRIVER));
  // A job Slurm requeued runs its script again; the Tuner resubmits it as a new job instead,
  // so a second copy of the trial never runs.
  if (Number(process.env.SLURM_RESTART_COUNT ?? '0') > 0) process.exit(0);
  const socketDir = mkdtempSync(join(tmpdir(), 'tunekit-report-'));
  let trialId: string | undefined;
  let signalled: GroupExit | undefined;
  const stageDir = join(channelDir, 'staged');
  const staged = new Map<number, string[]>();
  const send = (msg: DriverToLauncher) => {
    // This driver serves the job's report socket itself, so no rank exit is for anyone else.
    if (msg.type === 'rank_exited') return;
    if (msg.type === 'result' && msg.checkpoints.length) msg = { ...msg, checkpoints: stage(stageDir, msg.id, msg.checkpoints, staged) };
    // The group ended because Slurm signalled the job: say so, whatever the workers did.
    if (msg.type === 'ended' && signalled) msg = { ...msg, exit: { ...signalled, logTail: msg.exit.logTail } };
    out.send(msg);
    if (msg.type === 'ended') {
      rmSync(socketDir, { recursive: true, force: true });
      process.exit(0);
    }
  };
  const driver = new TrainerDriver(send);
  const stopPolling = pollChannel(new ChannelReader(join(channelDir, TO_DRIVER)), POLL_MS, (raw) => {
    const msg = raw as TunerToDriver;
    if (msg.type === 'launch') {
      if (trialId !== undefined) return;
      trialId = msg.launch.trialId;
      // The report socket lives on this node, in a private directory; ranks on other nodes of
      // the allocation reach it over TCP on this node's own address, with the trial's token.
      const multiNode = (msg.launch.srun?.nodes ?? 1) > 1;
      const reportSocket = multiNode ? `tcp://${hostname()}:0` : join(socketDir, 'report.sock');
      driver.handle({ type: 'launch', launch: { ...msg.launch, reportSocket } });
    } else if (msg.type === 'result_ack') {
      driver.handle(msg);
      // The Tuner has copied what it keeps into the trial's folder.
      for (const dir of staged.get(msg.id) ?? []) rmSync(dir, { recursive: true, force: true });
      staged.delete(msg.id);
    } else if (msg.type === 'shutdown') {
      stopPolling();
    } else driver.handle(msg);
  });
  const onSignal = (exit: GroupExit) => {
    if (signalled) return;
    signalled = exit;
    if (trialId === undefined) process.exit(0);
    driver.handle({ type: 'stop', trialId, reason: exit.reason });
  };
  // --signal=B:USR1@N: the time limit is near. Stop cleanly; the Tuner resubmits from the checkpoint.
  process.on('SIGUSR1', () => onSignal({ status: 'ERROR', reason: 'the job reached its time-limit warning (USR1); resubmitted from the latest checkpoint', preempted: true }));
  // scancel, preemption or a requeue: the Tuner tells which by asking Slurm what became of the job.
  process.on('SIGTERM', () => onSignal({ status: 'ERROR', reason: 'the job was cancelled by Slurm (SIGTERM: scancel, preemption or requeue)', signal: 'SIGTERM', jobSignalled: true }));
  process.on('SIGINT', () => undefined);
}

/**
 * A worker's checkpoint folder is on its node (often a local temporary folder) while the Tuner
 * that commits it is on the login node: it is copied to the shared filesystem first, as is
 * (symbolic links stay links, so the Tuner's refusal of links that leave it still applies).
 */
function stage(stageDir: string, id: number, dirs: string[], staged: Map<number, string[]>): string[] {
  const copies = dirs.map((dir, i) => {
    const copy = join(stageDir, `${id}-${i}`);
    try {
      if (!lstatSync(dir).isDirectory()) return dir;
      mkdirSync(stageDir, { recursive: true, mode: 0o700 });
      rmSync(copy, { recursive: true, force: true });
      cpSync(dir, copy, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
      return copy;
    } catch {
      // Not a folder we can read: the Tuner refuses the original path with its own words.
      return dir;
    }
  });
  staged.set(id, copies.filter((c, i) => c !== dirs[i]));
  return copies;
}
