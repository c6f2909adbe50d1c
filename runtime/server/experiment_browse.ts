/**
 * Experiments on disk that this runtime does not drive: found under a folder, and loaded
 * for browsing. Finished and interrupted ones are replayed; one that another process is
 * running is only read (its journal), never replayed, since replay repairs files in place.
 */
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { countTrials } from '../search/variants';
import { EXPERIMENT_FILE, JOURNAL_FILE } from '../storage/experiment_dir';
import { replayExperiment } from '../tuner/experiment_replay';
import { isSameProcess, processStartTime } from '../tuner/process_identity';
import { LOCK_FILE } from '../tuner/run_lock';
import { JournalHistory, schedulerTimeAttr } from './journal_history';
import { JournalTail } from './journal_tail';
import type { ExperimentView } from './state_projection';

const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', '.git']);

export interface FindOptions {
  maxDepth?: number;
  /** Directories looked into at most, so a scan of a home folder stays quick. */
  maxDirs?: number;
}

/** Experiment directories (experiment.json and events.jsonl) under `folder`, nearest first. */
export async function findExperimentDirs(folder: string, options: FindOptions = {}): Promise<string[]> {
  const maxDepth = options.maxDepth ?? 6;
  let budget = options.maxDirs ?? 5000;
  const found: string[] = [];
  let level = [folder];
  for (let depth = 0; depth <= maxDepth && level.length > 0 && budget > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (budget-- <= 0) break;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const names = new Set(entries.map((e) => e.name));
      if (names.has(EXPERIMENT_FILE) && names.has(JOURNAL_FILE)) {
        found.push(dir);
        continue;
      }
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) next.push(join(dir, e.name));
      }
    }
    level = next;
  }
  return found;
}

/** The pid of a live process on this host holding the experiment's run lock, if any. */
export async function lockHolder(experimentPath: string): Promise<number | undefined> {
  let owner: { pid?: unknown; start_time?: unknown; hostname?: unknown };
  try {
    owner = JSON.parse(await readFile(join(experimentPath, LOCK_FILE), 'utf8')) as typeof owner;
  } catch {
    return undefined;
  }
  if (typeof owner.pid !== 'number') return undefined;
  if (owner.hostname !== hostname()) return owner.pid;
  const alive = typeof owner.start_time === 'number' ? isSameProcess(owner.pid, owner.start_time) : processStartTime(owner.pid) !== undefined;
  return alive ? owner.pid : undefined;
}

interface ExperimentHeader {
  name?: string;
  spec?: ExperimentSpec;
  started_at?: number;
}

/** Loads an experiment for browsing: its trials when nobody runs it, its counts when someone does. */
export async function loadBrowsed(experimentPath: string): Promise<ExperimentView> {
  const holder = await lockHolder(experimentPath);
  if (holder !== undefined) return readRunningElsewhere(experimentPath, holder);
  const replayed = await replayExperiment(experimentPath);
  const { record } = replayed;
  const spec = record.spec;
  const byId = new Map(replayed.trials.map((t) => [t.id, t]));
  const history = new JournalHistory(schedulerTimeAttr(spec.tune_config?.scheduler), (id) => byId.get(id)?.iteration ?? 0);
  history.apply(await new JournalTail(join(experimentPath, JOURNAL_FILE)).read());
  return {
    ...headerFields(experimentPath, record),
    state: history.end?.status ?? 'interrupted',
    live: false,
    endedAt: history.end?.ts,
    reason: history.end?.reason ?? (history.end ? undefined : 'interrupted; resume it to continue'),
    trials: replayed.trials,
    history: (id) => history.of(id),
  };
}

async function readRunningElsewhere(experimentPath: string, pid: number): Promise<ExperimentView> {
  const header = JSON.parse(await readFile(join(experimentPath, EXPERIMENT_FILE), 'utf8')) as ExperimentHeader;
  const history = new JournalHistory(schedulerTimeAttr(header.spec?.tune_config?.scheduler));
  history.apply(await new JournalTail(join(experimentPath, JOURNAL_FILE)).read());
  return {
    ...headerFields(experimentPath, header),
    state: 'running',
    live: false,
    reason: `being run by tunekit process ${pid}`,
    trials: [],
    counts: history.counts(),
    history: (id) => history.of(id),
  };
}

function headerFields(experimentPath: string, header: ExperimentHeader) {
  const spec = header.spec;
  const tune = spec?.tune_config;
  return {
    path: experimentPath,
    name: header.name ?? spec?.run_config?.name ?? experimentPath,
    specPath: spec?.file,
    startedAt: header.started_at ?? 0,
    metric: tune?.metric,
    mode: tune?.mode,
    totalTrials: spec && tune ? countTrials(spec.param_space, tune.num_samples) : undefined,
  };
}
