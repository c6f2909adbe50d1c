/**
 * Telling a recorded process from a stranger that got its PID later, and stopping the
 * worker processes a killed runtime left behind (never by name). Linux only: the start
 * time (clock ticks since boot, field 22 of /proc/<pid>/stat) stays the same for a
 * process's whole life and differs for any later process given the same PID.
 */
import { readFileSync } from 'node:fs';

interface ProcStat {
  state: string;
  startTime: number;
}

/** Parses /proc/<pid>/stat text; undefined when it is not in the kernel's format. */
export function parseProcStat(text: string): ProcStat | undefined {
  // The command name sits in parentheses and may itself contain spaces and ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
  const startTime = Number(fields[19]);
  if (fields.length < 20 || !Number.isSafeInteger(startTime)) return undefined;
  return { state: fields[0], startTime };
}

function readStat(pid: number): ProcStat | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Zombies have exited: only their exit status is left for the parent to collect. */
function isLive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Clock ticks since boot at which `pid` started; undefined when no live process has that PID. */
export function processStartTime(pid: number): number | undefined {
  const stat = readStat(pid);
  return isLive(stat) ? stat.startTime : undefined;
}

/** True when `pid` is alive and is the very process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: number): boolean {
  return processStartTime(pid) === startTime;
}

export interface RecordedProcess {
  pid: number;
  /**
   * Clock ticks since boot, as processStartTime reports it. Without it a process cannot be
   * told from a stranger that got the PID later, so it is never ours to stop (issue 12).
   */
  startTime?: number;
}

const POLL_MS = 20;
const KILL_WAIT_MS = 2000;

/** Ours only when PID and start time both match. */
function isRecordedProcess(p: RecordedProcess): boolean {
  return p.startTime !== undefined && isSameProcess(p.pid, p.startTime);
}

/** Signals the process group `pid` leads (workers are spawned detached, as group leaders). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // Not a group leader after all: signal the process alone.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') process.kill(pid, signal);
    else throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM, then SIGKILL after `graceMs`, to each recorded process still alive; returns the PIDs stopped. */
export async function stopOrphans(processes: readonly RecordedProcess[], options: { graceMs: number }): Promise<number[]> {
  const targets = new Map<number, number>();
  for (const p of processes) {
    if (targets.has(p.pid) || !isRecordedProcess(p)) continue;
    const startTime = processStartTime(p.pid);
    if (startTime === undefined) continue;
    try {
      signalGroup(p.pid, 'SIGTERM');
      targets.set(p.pid, startTime);
    } catch {
      // Gone meanwhile, or not ours to signal (EPERM): nothing to stop.
    }
  }
  const deadline = Date.now() + options.graceMs;
  const alive = () => [...targets].filter(([pid, start]) => isSameProcess(pid, start));
  while (alive().length > 0 && Date.now() < deadline) await sleep(POLL_MS);
  for (const [pid] of alive()) {
    try {
      signalGroup(pid, 'SIGKILL');
    } catch {
      // It exited between the check and the kill.
    }
  }
  // The caller reuses the GPUs next: wait until the kernel has let go of them.
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (alive().length > 0 && Date.now() < killDeadline) await sleep(POLL_MS);
  return [...targets.keys()];
}
