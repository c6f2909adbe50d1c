import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveWorkerCommand } from '../../runtime/tuner/worker_command';
import { formatRatio, formatSeconds, renderBenchmarks, type BenchSection } from './benchmarks_markdown';
import { splitSections, withSection } from './benchmarks_file';
import { readFaultDiagnostics } from './fault_diagnostics';
import { loadAverageNow, machineFacts } from './machine_facts';
import { median } from './stats';

const FAULTS = join('out', 'test', 'runtime', 'faults');
/** The runtime-kill test must kill every start before its 5 trials finish; more than this per round outruns them. */
const RUNTIME_KILLS_PER_ROUND = 12;
const TAP_TAIL_CHARS = 6000;

function wanted(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

interface Round {
  ok: boolean;
  tap: string;
  wallS: number;
}

/** One fault-suite file under Node's test runner, with `env` on top of ours. */
function runFaultFile(root: string, file: string, env: Record<string, string>): Promise<Round> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--test', '--test-reporter=tap', join(root, FAULTS, file)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tap = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (tap += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (tap += d));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ ok: code === 0, tap, wallS: (Date.now() - started) / 1000 }));
  });
}

async function nodeSpawnSeconds(samples: number): Promise<number> {
  const seconds: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    await new Promise((done) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('close', done));
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return median(seconds);
}

/**
 * `npm run soak`: the fault suite's kill tests, round after round until the requested kills
 * have landed (TUNEKIT_SOAK_WORKER_KILLS, default 40; TUNEKIT_SOAK_RUNTIME_KILLS, default 12).
 * Each test asserts that no result is lost or duplicated and no process is left, so every
 * round that passes proves both for its kills. Writes the Soak section of BENCHMARKS.md.
 */
export async function main(root = resolve(__dirname, '../../..')): Promise<number> {
  const workerTarget = wanted('TUNEKIT_SOAK_WORKER_KILLS', 40);
  const runtimeTarget = wanted('TUNEKIT_SOAK_RUNTIME_KILLS', 12);
  const progress = (line: string) => process.stderr.write(`[soak] ${line}\n`);
  const loadBefore = loadAverageNow();
  const started = Date.now();
  const spawnS = await nodeSpawnSeconds(5);
  const worker = { kills: 0, rounds: 0, wallS: 0 };
  const runtime = { kills: 0, rounds: 0, wallS: 0, resumes: [] as number[] };
  let failed: Round | undefined;
  while (!failed && worker.kills < workerTarget) {
    const round = await runFaultFile(root, 'worker_kills.test.js', { TUNEKIT_FAULT_WORKER_KILLS: String(workerTarget - worker.kills) });
    const kills = readFaultDiagnostics(round.tap).workerKills.reduce((a, b) => a + b, 0);
    worker.rounds++;
    worker.wallS += round.wallS;
    if (!round.ok || kills === 0) failed = round;
    worker.kills += kills;
    progress(`worker kills: round ${worker.rounds}, ${kills} kills (${worker.kills}/${workerTarget}), ${round.ok ? 'passed' : 'FAILED'}`);
  }
  while (!failed && runtime.kills < runtimeTarget) {
    const count = Math.min(RUNTIME_KILLS_PER_ROUND, runtimeTarget - runtime.kills);
    const round = await runFaultFile(root, 'runtime_kills.test.js', { TUNEKIT_FAULT_RUNTIME_KILLS: String(count) });
    const figures = readFaultDiagnostics(round.tap);
    const kills = figures.runtimeKills.reduce((a, b) => a + b, 0);
    runtime.rounds++;
    runtime.wallS += round.wallS;
    runtime.resumes.push(...figures.resumeSeconds);
    if (!round.ok || kills === 0) failed = round;
    runtime.kills += kills;
    progress(`runtime kills: round ${runtime.rounds}, ${kills} kills (${runtime.kills}/${runtimeTarget}), ${round.ok ? 'passed' : 'FAILED'}`);
  }
  if (failed) {
    process.stderr.write(`\nA soak round failed; BENCHMARKS.md is left as it was. Its output ends:\n${failed.tap.slice(-TAP_TAIL_CHARS)}\n`);
    return 1;
  }
  const wallS = (Date.now() - started) / 1000;
  const resumeMedian = median(runtime.resumes);
  const section: BenchSection = {
    title: 'Soak',
    summary:
      `Written by \`npm run soak\`: the fault suite's kill tests (test/runtime/faults/worker_kills and runtime_kills), repeated until ${workerTarget} worker kills and ${runtimeTarget} runtime kills have landed. ` +
      `Worker kills: SIGKILL of a random worker of 3 trials × 2 workers with max_failures: -1, every 0.25–0.65 s. Runtime kills: SIGKILL of \`tunekit\` itself at a random moment after progress, then \`tunekit resume\`, over 5 trials. ` +
      `Each test asserts that every trial ends TERMINATED with each iteration's result exactly once, resumed from its latest checkpoint, and that no process of the test is left, so a passing run means no result lost and no orphan.`,
    rows: [
      { what: 'worker SIGKILLs survived', figure: `${worker.kills} in ${worker.rounds} runs`, baseline: `asked: ${workerTarget}`, ratio: formatRatio(worker.kills / workerTarget), target: '≥ 1.000×' },
      { what: 'runtime SIGKILLs survived (each followed by `tunekit resume`)', figure: `${runtime.kills} in ${runtime.rounds} runs`, baseline: `asked: ${runtimeTarget}`, ratio: formatRatio(runtime.kills / runtimeTarget), target: '≥ 1.000×' },
      { what: 'results lost or duplicated; processes left behind', figure: `0; 0 (all ${worker.rounds + runtime.rounds} runs passed these checks)`, baseline: '-', ratio: '-', target: '0; 0' },
      { what: 'resume → progress after a runtime kill, median ÷ `node -e 0` spawn → exit', figure: formatSeconds(resumeMedian), baseline: formatSeconds(spawnS), ratio: formatRatio(resumeMedian / spawnS), target: '-' },
      { what: 'resume → progress after a runtime kill, max ÷ median', figure: formatSeconds(Math.max(...runtime.resumes)), baseline: formatSeconds(resumeMedian), ratio: formatRatio(Math.max(...runtime.resumes) / resumeMedian), target: '-' },
    ],
    notes: [
      `Wall time: ${formatSeconds(wallS)} in all; worker-kill runs ${formatSeconds(worker.wallS)}, runtime-kill runs ${formatSeconds(runtime.wallS)}.`,
      `Resume → progress is from spawning \`tunekit resume\` until the journal has grown by three events, so it includes starting the trials' workers again (${runtime.resumes.length} resumes: ${runtime.resumes.map((s) => s.toFixed(2)).join(', ')} s).`,
      `Load average (1/5/15 min) while the soak ran: ${loadBefore} → ${loadAverageNow()}; on ${availableParallelism()} cores, anything above ${availableParallelism()} means other work competed for the CPU.`,
    ],
  };
  const python = resolveWorkerCommand(['python3'], root, process.env)[0];
  const machine = { ...machineFacts(python), loadAverage: loadBefore, loadAverageAfter: loadAverageNow() };
  const rendered = renderBenchmarks(machine, [section], 'npm run soak');
  const soak = splitSections(rendered).sections[0];
  const file = join(root, 'BENCHMARKS.md');
  process.stdout.write(soak.text);
  writeFileSync(file, withSection(existsSync(file) ? readFileSync(file, 'utf8') : rendered, soak));
  progress('wrote the Soak section of BENCHMARKS.md');
  return 0;
}
