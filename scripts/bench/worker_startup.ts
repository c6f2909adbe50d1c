import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { WarmParent } from '../../runtime/driver/warm_parent';
import { warmParentEnv } from '../../runtime/driver/warm_plan';
import { WorkerStdioServer } from '../../runtime/driver/worker_stdio';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { pythonWithModules } from './python_with_modules';
import { median } from './stats';

export interface StartupParams {
  samples: number;
}

const MODULES = ['torch', 'sklearn.datasets', 'numpy'];
/** The worker: the digits MLP's imports, then one line; timed from the start request to that line. */
const WORKER = `import ${MODULES.join(', ')}\nimport sys\nsys.stdout.write("up\\n")\nsys.stdout.flush()\n`;
/** The floor: a Python that imported the same modules forks a child that writes the same line. */
const BARE_FORKER = `
import os, sys
import ${MODULES.join(', ')}
sys.stdout.write("ready\\n"); sys.stdout.flush()
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        os.write(1, b"up\\n")
        os._exit(0)
    os.waitpid(pid, 0)
`;

function firstLine(readable: Readable, want: string): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: readable, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line !== want) return;
      lines.close();
      resolve();
    });
  });
}

async function timeCold(python: string, script: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(python, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await firstLine(child.stdout!, 'up');
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  await new Promise((r) => child.once('close', r));
  return s;
}

/** Benchmark: how long until a worker's own code runs, cold, warm (Tunekit's fork path), and a bare fork. */
export async function runStartupBench(ctx: BenchContext, p: StartupParams): Promise<BenchOutcome> {
  const python = pythonWithModules([ctx.python, '/usr/bin/python3'], ['torch', 'sklearn']);
  if (!python) return { failures: [], section: { title: 'Worker start-up', summary: 'Skipped: no Python with torch and sklearn.', rows: [], notes: [] } };
  const script = join(ctx.scratch, 'startup_worker.py');
  const forker = join(ctx.scratch, 'bare_forker.py');
  writeFileSync(script, WORKER);
  writeFileSync(forker, BARE_FORKER);
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' };

  ctx.progress(`startup: ${p.samples} cold starts of a worker importing ${MODULES.join(', ')}`);
  const cold: number[] = [];
  for (let i = 0; i < p.samples; i++) cold.push(await timeCold(python, script, env));

  ctx.progress('startup: warm parent (the driver’s fork path)');
  const stdio = await WorkerStdioServer.listen(join(ctx.scratch, 'startup.out'));
  const parentEnv = warmParentEnv(env);
  const readyAt = process.hrtime.bigint();
  const parent = new WarmParent(python, { target: script, module: null, imports: null }, ctx.scratch, parentEnv, 120_000, [script]);
  const imported = await parent.ready;
  const warmUpS = Number(process.hrtime.bigint() - readyAt) / 1e9;
  const warm: number[] = [];
  for (let i = 0; i < p.samples; i++) {
    const started = process.hrtime.bigint();
    const up = new Promise<void>((resolve) => {
      const nonce = stdio.expect((stream, readable) => {
        if (stream === 'stdout') void firstLine(readable, 'up').then(resolve);
        else readable.resume();
      });
      void parent.fork({ argv: [script], module: null, env: { ...env, RANK: '0' }, cwd: ctx.scratch, stdio: stdio.socketPath, nonce }, () => undefined);
    });
    await up;
    warm.push(Number(process.hrtime.bigint() - started) / 1e9);
    await new Promise((r) => setTimeout(r, 20));
  }
  parent.stop();
  stdio.close();

  ctx.progress('startup: bare fork of a Python that imported the same modules');
  const bare: number[] = [];
  const child = spawn(python, [forker], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  await next();
  for (let i = 0; i < p.samples; i++) {
    const started = process.hrtime.bigint();
    const up = next();
    child.stdin!.write('go\n');
    await up;
    bare.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  child.stdin!.end();

  const failures: string[] = [];
  // numpy arrives with torch, so the parent never imports it by name.
  if (!['torch', 'sklearn.datasets'].every((m) => imported.includes(m))) failures.push(`startup: the warm parent imported ${imported.join(', ')}, not ${MODULES.join(', ')}`);
  const [c, w, b] = [median(cold), median(warm), median(bare)];
  const rows: BenchRow[] = [
    { what: 'warm start (Tunekit forks from its warm parent) ÷ a bare fork() of a Python that imported the same modules', figure: formatSeconds(w), baseline: formatSeconds(b), ratio: formatRatio(w / b), target: '-' },
    { what: 'warm start ÷ cold start (a fresh interpreter imports them)', figure: formatSeconds(w), baseline: formatSeconds(c), ratio: formatRatio(w / c), target: '-' },
  ];
  return {
    failures,
    section: {
      title: 'Worker start-up',
      summary:
        `From the start request to the first line a worker's own code prints, for a script that imports ${MODULES.map((m) => `\`${m}\``).join(', ')} (the digits MLP's imports), with ${python}. ` +
        `Cold: Node spawns the interpreter. Warm: the driver's own fork path (WarmParent, environment and stdio applied after the fork, output over the driver's socket). ` +
        `Bare fork: a Python that imported the same modules forks a child that writes the line to an inherited pipe. Medians of ${p.samples} each.`,
      rows,
      notes: [
        `Cold ${cold.map((s) => formatSeconds(s)).join(', ')}; warm ${warm.map((s) => formatSeconds(s)).join(', ')}; bare fork ${bare.map((s) => formatSeconds(s)).join(', ')}.`,
        `The warm parent took ${formatSeconds(warmUpS)} to import them once, per driver (about one cold start).`,
      ],
    },
  };
}
