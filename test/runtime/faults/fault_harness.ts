import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines } from '../cli_harness';

/** Counts come from the environment so `npm run soak` runs the same code longer. */
export function count(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A worker that checkpoints every iteration and resumes from its checkpoint. */
export const RESUMABLE_WORKER = `
import json, os, sys, tempfile, time, tunekit
cfg = tunekit.get_config()
start = 0
ck = tunekit.get_checkpoint()
if ck:
    with open(os.path.join(ck, "state.json")) as f:
        start = json.load(f)["iteration"]
for it in range(start + 1, cfg["iterations"] + 1):
    time.sleep(cfg["sleep"])
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "state.json"), "w") as f:
            json.dump({"iteration": it}, f)
        tunekit.report({"it": it, "score": it * cfg["x"]}, checkpoint=d)
`;

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export function journal(experimentPath: string): Array<Record<string, unknown>> {
  const path = join(experimentPath, 'events.jsonl');
  if (!existsSync(path)) return [];
  // A line may be half-written while we read it.
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Worker pids of trials that started and have not finished, per the journal. */
export function liveWorkerPids(experimentPath: string): number[] {
  const events = journal(experimentPath);
  const finished = new Set(events.filter((e) => e.type === 'trial_finished').map((e) => e.trial_id));
  const latest = new Map<unknown, number[]>();
  for (const e of events) if (e.type === 'trial_started') latest.set(e.trial_id, e.pids as number[]);
  return [...latest].filter(([id]) => !finished.has(id)).flatMap(([, pids]) => pids);
}

/**
 * The results a trial really has: for each training_iteration, the row written last
 * (earlier ones were superseded by a restore). Checks every line parses (no torn file).
 */
export function effectiveRows(trialDir: string): Map<number, Record<string, unknown>> {
  const rows = readJsonLines(join(trialDir, 'result.json'));
  const byIteration = new Map<number, Record<string, unknown>>();
  for (const row of rows) byIteration.set(row.training_iteration as number, row);
  return byIteration;
}
