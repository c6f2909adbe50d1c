import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readJsonLines, runCli, type CliRun } from '../cli_harness';

const repoRoot = resolve(__dirname, '../../../..');
const exampleDir = join(repoRoot, 'examples/seed-scenario');
const TIMEOUT = { timeout: 60_000 };
const GPUS_PER_TRIAL = 2;
const SIMULATED_GPUS = 4;

interface TrialSummary {
  trial_id: string;
  status: string;
  path: string;
}

interface WorkerRecord {
  rank: number;
  world_size: number;
  cuda_visible_devices: string;
  start: number;
  end: number;
}

interface TrialSpan {
  trialId: string;
  start: number;
  end: number;
  devices: string[];
}

function tunekit(args: string[]): Promise<CliRun> {
  return runCli(args, { timeoutMs: 60_000 });
}

/** A private copy of the example, so results land in a temp dir instead of the checkout. */
function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-seed-'));
  cpSync(exampleDir, dir, { recursive: true, filter: (src) => !src.includes('tunekit_results') });
  return dir;
}

function workerRecords(trialDir: string): WorkerRecord[] {
  return readdirSync(trialDir)
    .filter((name) => /^worker_\d+\.log$/.test(name))
    .flatMap((name) => readFileSync(join(trialDir, name), 'utf8').split('\n'))
    .filter((line) => line.startsWith('{"seed_worker"'))
    .map((line) => JSON.parse(line) as WorkerRecord);
}

/** The GPU indices each started trial was granted, per rank, from the experiment's journal. */
function grantedDevices(experimentPath: string): Map<string, string[]> {
  const granted = new Map<string, string[]>();
  for (const line of readFileSync(join(experimentPath, 'events.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line);
    if (event.type !== 'trial_started') continue;
    const workers = event.grant.workers as { gpus: { index: number }[] }[];
    granted.set(event.trial_id, workers.map((w) => w.gpus.map((g) => g.index).join(',')));
  }
  return granted;
}

/** Most trials whose workers were executing at the same instant. */
function peakConcurrency(spans: TrialSpan[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end, delta: -1 },
  ]);
  // An end and a start at the same instant do not overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.delta));
  return peak;
}

/** Runs a spec and checks what every seed scenario run must show; returns the measured peak. */
async function runAndCheckSeedRun(specPath: string, expectedTrials: number): Promise<number> {
  const run = await tunekit(['run', specPath, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { status: string; experiment_path: string; trials: TrialSummary[] };
  assert.equal(summary.status, 'finished');
  assert.equal(summary.trials.length, expectedTrials);
  for (const t of summary.trials) assert.equal(t.status, 'TERMINATED', `trial ${t.trial_id}`);

  const granted = grantedDevices(summary.experiment_path);
  const spans: TrialSpan[] = summary.trials.map((t) => {
    const records = workerRecords(t.path).sort((a, b) => a.rank - b.rank);
    assert.deepEqual(records.map((r) => r.rank), [0, 1], `trial ${t.trial_id} ran ranks 0 and 1 once each`);
    for (const r of records) {
      assert.equal(r.world_size, GPUS_PER_TRIAL);
      assert.match(r.cuda_visible_devices, /^\d+$/, `trial ${t.trial_id} rank ${r.rank} sees exactly one device`);
      assert.ok(Number(r.cuda_visible_devices) < SIMULATED_GPUS);
      assert.ok(r.start <= r.end);
    }
    const devices = records.map((r) => r.cuda_visible_devices);
    assert.deepEqual(devices, granted.get(t.trial_id), `trial ${t.trial_id}'s workers see their own grants`);
    assert.equal(new Set(devices).size, GPUS_PER_TRIAL, `trial ${t.trial_id}'s two workers share a device`);
    return {
      trialId: t.trial_id,
      start: Math.min(...records.map((r) => r.start)),
      end: Math.max(...records.map((r) => r.end)),
      devices,
    };
  });

  for (const a of spans) {
    for (const b of spans) {
      if (a.trialId >= b.trialId || a.end <= b.start || b.end <= a.start) continue;
      const shared = a.devices.filter((d) => b.devices.includes(d));
      assert.deepEqual(shared, [], `overlapping trials ${a.trialId} and ${b.trialId} both used GPU ${shared.join(',')}`);
    }
  }
  return peakConcurrency(spans);
}

/** The section of `tunekit plan` output for the admission mode the spec chose. */
function chosenModeSection(planOutput: string): string[] {
  const lines = planOutput.split('\n');
  const start = lines.findIndex((l) => l.includes('(this spec)'));
  assert.ok(start >= 0, planOutput);
  const length = lines.slice(start + 1).findIndex((l) => l.trim() === '');
  return lines.slice(start, length < 0 ? undefined : start + 1 + length);
}

function firstWave(section: string[]): string[] {
  const next = section.findIndex((l, i) => i > 1 && /^\s*wave \d+:/.test(l));
  return section.slice(1, next < 0 ? undefined : next);
}

test('coordinated admission runs at most 2 seed trials at once, each worker on its own granted GPU', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const peak = await runAndCheckSeedRun(join(dir, 'seed.coordinated.tune.yaml'), 4);
    assert.equal(peak, SIMULATED_GPUS / GPUS_PER_TRIAL);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ray admission also runs at most 2 seed trials at once while the others hold their trainables', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const peak = await runAndCheckSeedRun(join(dir, 'seed.ray.tune.yaml'), 4);
    assert.equal(peak, SIMULATED_GPUS / GPUS_PER_TRIAL);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with max_concurrent_trials: 1 the seed trials run one at a time', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const spec = parse(readFileSync(join(dir, 'seed.ray.tune.yaml'), 'utf8'));
    spec.tune_config.max_concurrent_trials = 1;
    spec.tune_config.num_samples = 1;
    spec.run_config.name = 'seed-one-at-a-time';
    const specPath = join(dir, 'seed.one.tune.yaml');
    writeFileSync(specPath, stringify(spec));
    assert.equal(await runAndCheckSeedRun(specPath, 2), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan for the ray spec shows 2 trials holding their trainables while they wait for workers', TIMEOUT, async () => {
  const plan = await tunekit(['plan', join(exampleDir, 'seed.ray.tune.yaml')]);
  assert.equal(plan.code, 0, plan.stderr);
  const section = chosenModeSection(plan.stdout);
  assert.match(section[0], /^ray admission/);
  const wave = firstWave(section);
  assert.match(wave[0], /^\s*wave 1: runs \S+ \[GPU \d,\d\], \S+ \[GPU \d,\d\]$/);
  const holding = wave.filter((l) => l.includes('waiting for workers') && l.includes('GPU'));
  assert.equal(holding.length, 2, wave.join('\n'));
});

test('plan for the coordinated spec runs 2 trials and keeps the others pending for GPUs', TIMEOUT, async () => {
  const plan = await tunekit(['plan', join(exampleDir, 'seed.coordinated.tune.yaml')]);
  assert.equal(plan.code, 0, plan.stderr);
  const section = chosenModeSection(plan.stdout);
  assert.match(section[0], /^coordinated admission/);
  const wave = firstWave(section);
  assert.match(wave[0], /^\s*wave 1: runs (\S+) \[GPU \d,\d\], (\S+) \[GPU \d,\d\]$/);
  assert.equal(wave.filter((l) => l.includes('waiting for workers')).length, 0, wave.join('\n'));
  const pending = wave.filter((l) => /^\s*pending /.test(l));
  assert.equal(pending.length, 1, wave.join('\n'));
  assert.match(pending[0], /pending \S+, \S+: .*GPU/);
});

/** The seed scenario with workers that need a CPU each: 4 trainables take every CPU their workers need. */
function writeCpuWorkersSpec(dir: string, changes: { maxConcurrentTrials?: number } = {}): string {
  const spec = parse(readFileSync(join(dir, 'seed.ray.tune.yaml'), 'utf8'));
  spec.trainer.scaling_config.resources_per_worker = { CPU: 1, GPU: 1 };
  spec.trainer.train_loop_config = { steps: 2 };
  spec.param_space.train_loop_config.seconds = { grid_search: [0.2, 0.3] };
  spec.run_config.name = 'seed-cpu-workers';
  if (changes.maxConcurrentTrials !== undefined) spec.tune_config.max_concurrent_trials = changes.maxConcurrentTrials;
  const specPath = join(dir, 'seed.cpu-workers.tune.yaml');
  writeFileSync(specPath, stringify(spec));
  return specPath;
}

test('ray admission deadlocks in a run exactly where plan says it stalls: every trainable first, then workers', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const specPath = writeCpuWorkersSpec(dir);
    const plan = await tunekit(['plan', specPath]);
    assert.match(chosenModeSection(plan.stdout).join('\n'), /STALLED: no trial can run: 4 started trials hold their trainable resources/);

    const run = await tunekit(['run', specPath, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const summary = JSON.parse(run.stdout) as { status: string; reason: string; experiment_path: string };
    assert.equal(summary.status, 'failed');
    assert.match(summary.reason, /deadlock.*4 started trials hold their trainable resources/);
    assert.equal(grantedDevices(summary.experiment_path).size, 0, 'no trial started its workers');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trials caught in a ray-mode deadlock stay pending, and running again with max_concurrent_trials runs them all', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const deadlocked = await tunekit(['run', writeCpuWorkersSpec(dir), '--json']);
    const first = JSON.parse(deadlocked.stdout) as { status: string; trials: TrialSummary[] };
    assert.equal(first.status, 'failed', deadlocked.stderr);
    assert.deepEqual(first.trials.map((t) => t.status), ['PENDING', 'PENDING', 'PENDING', 'PENDING']);

    assert.equal(await runAndCheckSeedRun(writeCpuWorkersSpec(dir, { maxConcurrentTrials: 1 }), 4), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trials holding only their trainable when a ray run is interrupted stay pending, and tunekit resume runs them', TIMEOUT, async () => {
  const dir = copyExample();
  try {
    const spec = parse(readFileSync(join(dir, 'seed.ray.tune.yaml'), 'utf8'));
    spec.param_space.train_loop_config.seconds = { grid_search: [3.0, 3.0] };
    spec.tune_config.num_samples = 2;
    spec.run_config.name = 'seed-interrupted';
    const specPath = join(dir, 'seed.interrupted.tune.yaml');
    writeFileSync(specPath, stringify(spec));
    const journal = join(dir, 'tunekit_results', 'seed-interrupted', 'events.jsonl');
    let cliPid = 0;
    const running = runCli(['run', specPath, '--json'], { timeoutMs: 60_000, onSpawn: (pid) => (cliPid = pid) });
    const deadline = Date.now() + 20_000;
    const started = () => (existsSync(journal) ? readJsonLines(journal).filter((e) => e.type === 'trial_started').length : 0);
    while (started() < 2) {
      assert.ok(Date.now() < deadline, 'two trials started');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(cliPid, 'SIGINT');
    const interrupted = JSON.parse((await running).stdout) as { experiment_path: string; trials: TrialSummary[] };
    const statuses = interrupted.trials.map((t) => t.status).sort();
    assert.deepEqual(statuses, ['PENDING', 'PENDING', 'TERMINATED', 'TERMINATED']);
    const held = interrupted.trials.filter((t) => t.status === 'PENDING').map((t) => t.trial_id);

    const resumed = await tunekit(['resume', interrupted.experiment_path, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout) as { status: string; trials: TrialSummary[] };
    assert.equal(summary.status, 'finished');
    for (const t of summary.trials.filter((t) => held.includes(t.trial_id))) {
      assert.equal(t.status, 'TERMINATED');
      assert.deepEqual(workerRecords(t.path).map((r) => r.rank).sort(), [0, 1], `trial ${t.trial_id} ran on resume`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
