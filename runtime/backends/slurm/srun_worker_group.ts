/**
 * A trial's worker group inside its Slurm job: one `srun` step with `num_workers` tasks, each a
 * small shell shim that turns Slurm's task ids into torch.distributed's variables, runs the
 * user's command and writes its own exit code. The job's exit code is the killer's (143 when one
 * rank fails and srun ends the others), so the failing rank is read from those files instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GroupExit, TrialLaunch } from '../../../protocol/driver';
import { workerEnv } from '../../driver/worker_env';
import { workerLogName, type WorkerLine } from '../../driver/worker_group';

const TAIL_LINES = 40;

/**
 * Runs as each task: Slurm's ids become RANK/LOCAL_RANK/WORLD_SIZE/NODE_RANK, the command runs
 * as a child (so this shell outlives a SIGTERM and can record the exit), and the exit code and
 * the time it ended go to rank-R.exit in a private directory.
 */
const RANK_SHIM = `#!/bin/bash
export RANK="$SLURM_PROCID" LOCAL_RANK="$SLURM_LOCALID" WORLD_SIZE="$SLURM_NTASKS"
export NODE_RANK="$SLURM_NODEID" GROUP_RANK="$SLURM_NODEID"
if [ -n "$SLURM_NTASKS_PER_NODE" ]; then export LOCAL_WORLD_SIZE="$SLURM_NTASKS_PER_NODE"; fi
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT USR1 USR2
wait "$child"; code=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
printf '%s %s\\n' "$code" "$(date +%s%N)" > "$TUNEKIT_RANK_EXIT_DIR/rank-$RANK.exit.tmp"
mv -f "$TUNEKIT_RANK_EXIT_DIR/rank-$RANK.exit.tmp" "$TUNEKIT_RANK_EXIT_DIR/rank-$RANK.exit"
exit "$code"
`;

interface RankExit {
  rank: number;
  code: number;
  at: bigint;
}

export interface SrunPlacement {
  cpusPerTask: number;
  gpusPerTask: number;
  nodes: number;
}

export class SrunWorkerGroup {
  readonly done: Promise<GroupExit>;
  private resolveDone!: (exit: GroupExit) => void;
  private readonly child: ChildProcess;
  private readonly logs: WriteStream[] = [];
  private readonly tails: string[][] = [];
  private readonly srunLines: string[] = [];
  private readonly exitDir: string;
  private stopReason: string | undefined;
  private failure: GroupExit | undefined;
  private exited = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly launch: TrialLaunch,
    placement: SrunPlacement,
    masterPort: number,
    onLine: (line: WorkerLine) => void,
    private readonly onRankExit: (rank: number, failed: boolean) => void = () => undefined,
    baseEnv: NodeJS.ProcessEnv = process.env,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const n = launch.grant.workers.length;
    this.exitDir = mkdtempSync(join(tmpdir(), 'tunekit-ranks-'));
    const shim = join(this.exitDir, 'rank.sh');
    writeFileSync(shim, RANK_SHIM, { mode: 0o700 });
    const env = workerEnv(launch, 0, masterPort, baseEnv);
    for (const key of ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'NODE_RANK', 'GROUP_RANK']) delete env[key];
    // Slurm binds GPUs per task (--gpus-per-task on the srun line, not only on sbatch).
    if (placement.gpusPerTask > 0) delete env.CUDA_VISIBLE_DEVICES;
    else env.CUDA_VISIBLE_DEVICES = '';
    env.OMP_NUM_THREADS = String(Math.max(1, Math.floor(placement.cpusPerTask)));
    env.MASTER_ADDR = placement.nodes > 1 ? hostname() : '127.0.0.1';
    env.TUNEKIT_RANK_EXIT_DIR = this.exitDir;
    const args = [
      `--ntasks=${n}`,
      `--cpus-per-task=${Math.max(1, Math.ceil(placement.cpusPerTask))}`,
      ...(placement.gpusPerTask > 0 ? [`--gpus-per-task=${placement.gpusPerTask}`] : []),
      `--nodes=${placement.nodes}`,
      '--kill-on-bad-exit=1',
      '--label',
      '--unbuffered',
      '--export=ALL',
      shim,
      ...launch.command,
    ];
    for (let rank = 0; rank < n; rank++) {
      this.logs.push(createWriteStream(join(launch.trialDir, workerLogName(rank)), { flags: 'a' }));
      this.tails.push([]);
    }
    const srunLog = createWriteStream(join(launch.trialDir, 'srun.log'), { flags: 'a' });
    this.child = spawn('srun', args, { cwd: launch.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]!, crlfDelay: Infinity }).on('line', (raw) => {
        const m = /^\s*(\d+): ?(.*)$/.exec(raw);
        const rank = m ? Number(m[1]) : -1;
        if (!m || rank >= n) {
          // srun's own words (a task's exit, a cancelled step) belong to no rank.
          srunLog.write(raw + '\n');
          this.srunLines.push(raw);
          if (this.srunLines.length > TAIL_LINES) this.srunLines.shift();
          return;
        }
        const line = m[2];
        this.logs[rank].write(line + '\n');
        const tail = this.tails[rank];
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        onLine({ rank, stream, line });
      });
    }
    this.child.on('error', (err) => this.finish(127, null, `could not start srun: ${err.message}`));
    this.child.on('close', (code, signal) => {
      srunLog.end();
      this.finish(code, signal);
    });
  }

  /** Tasks run on compute nodes: there is no local process id worth recording. */
  get pids(): number[] {
    return [];
  }

  liveRanks(): number[] {
    if (this.exited) return [];
    const done = new Set(this.rankExits().map((e) => e.rank));
    return this.launch.grant.workers.map((_, r) => r).filter((r) => !done.has(r));
  }

  /** SIGTERM to every task (scancel signals the job's steps, not this batch step), SIGKILL after the grace. */
  stop(reason: string): void {
    if (this.stopReason === undefined && this.failure === undefined) this.stopReason = reason;
    if (this.exited) return;
    const job = process.env.SLURM_JOB_ID;
    if (job) spawn('scancel', ['--signal=TERM', job], { stdio: 'ignore' }).on('error', () => this.child.kill('SIGTERM'));
    else this.child.kill('SIGTERM');
    if (!this.killTimer) {
      // srun ends the step hard on SIGTERM.
      this.killTimer = setTimeout(() => this.child.kill('SIGTERM'), this.launch.stopGraceS * 1000);
      this.killTimer.unref();
    }
  }

  fail(rank: number, reason: string): void {
    if (this.failure !== undefined || this.stopReason !== undefined) return;
    this.failure = { status: 'ERROR', reason, failedRank: rank, exitCode: null, signal: null, logTail: this.tails[rank]?.slice() ?? [] };
    this.stop(reason);
  }

  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private rankExits(): RankExit[] {
    const exits: RankExit[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(this.exitDir);
    } catch {
      return exits;
    }
    for (const name of names) {
      const m = /^rank-(\d+)\.exit$/.exec(name);
      if (!m) continue;
      try {
        const [code, at] = readFileSync(join(this.exitDir, name), 'utf8').trim().split(' ');
        exits.push({ rank: Number(m[1]), code: Number(code), at: BigInt(at) });
      } catch {
        // Being written; the next read sees it.
      }
    }
    return exits;
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, startError?: string): void {
    if (this.exited) return;
    this.exited = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    for (const log of this.logs) log.end();
    const exits = this.rankExits().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
    for (const e of exits) this.onRankExit(e.rank, e.code !== 0);
    if (this.failure) return this.resolveDone(this.failure);
    if (this.stopReason !== undefined) return this.resolveDone({ status: 'TERMINATED', reason: this.stopReason });
    const first = exits.find((e) => e.code !== 0);
    const n = this.launch.grant.workers.length;
    if (!startError && code === 0 && exits.length === n && !first) {
      return this.resolveDone({ status: 'TERMINATED', reason: 'all workers exited 0' });
    }
    if (first) {
      const how = first.code > 128 ? `was killed by signal ${first.code - 128}` : `exited with code ${first.code}`;
      return this.resolveDone({
        status: 'ERROR',
        reason: `worker ${first.rank} ${how}`,
        failedRank: first.rank,
        exitCode: first.code,
        signal: null,
        logTail: this.tails[first.rank].slice(),
      });
    }
    const how = startError ?? (signal ? `srun was killed by ${signal}` : `srun exited with code ${code} before every rank recorded its exit`);
    this.resolveDone({ status: 'ERROR', reason: how, exitCode: code, signal, logTail: this.srunLines.slice(-10) });
  }
}
