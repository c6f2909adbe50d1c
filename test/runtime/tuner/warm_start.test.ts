import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { alivePids, readJsonLines, runCli, scratchDir as flatScratchDir } from '../cli_harness';

function scratchDir(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const scratch = flatScratchDir({});
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(scratch.dir, name)), { recursive: true });
    writeFileSync(join(scratch.dir, name), text);
  }
  mkdirSync(join(scratch.dir, 'lib'), { recursive: true });
  return scratch;
}

/** Prints what a worker process is, as `python worker.py a b` would see it, then reports. */
const PROBE = `
import json, os, signal, sys, threading
import numpy
import tunekit
main = sys.modules["__main__"]
seen = {
    "name": __name__, "argv": sys.argv, "cwd": os.getcwd(), "path0": sys.path[0], "file": __file__,
    "spec": repr(main.__spec__), "omp": os.environ.get("OMP_NUM_THREADS"), "rank": os.environ.get("RANK"),
    "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), "my_var": os.environ.get("MY_VAR"),
    "sigint": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
    "sigterm": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    "sigchld": signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL,
    "stdin": sys.stdin.read(), "threads": threading.active_count(), "pid": os.getpid(),
    "proc_env": dict(e.split("=", 1) for e in open("/proc/self/environ", "rb").read().decode().split("\\0") if "=" in e),
    "np": float(numpy.random.random()), "parent": open("/proc/%d/comm" % os.getppid()).read().strip(), "ppid": os.getppid(), "warm": "numpy" in sys.modules and os.environ.get("TUNEKIT_PROBE_COLD") is None,
}
print("SEEN " + json.dumps(seen), flush=True)
print("on stderr", file=sys.stderr, flush=True)
tunekit.report({"ok": 1})
`;

const spec = (extra: string, workers = 1) => `
trainer:
  command: [python3, worker.py, a, "b c"]
  working_dir: sub
  env: {MY_VAR: hello, PYTHONPATH: ../lib}
  scaling_config: {num_workers: ${workers}, resources_per_worker: {CPU: 1}, trainer_resources: {CPU: 0}}
${extra}
param_space:
  train_loop_config: {i: {grid_search: [1, 2, 3]}}
tune_config: {max_concurrent_trials: 1}
resources: {CPU: 2}
run_config: {name: warm}
`;

function hasTorch(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function seen(trialPath: string, rank = 0): Record<string, unknown> {
  const log = readFileSync(join(trialPath, `worker_${rank}.log`), 'utf8');
  return JSON.parse(log.split('\n').find((l) => l.startsWith('SEEN '))!.slice(5));
}

function allNotes(experimentPath: string): string[] {
  return readJsonLines(join(experimentPath, 'events.jsonl'))
    .filter((e) => e.type === 'trial_note')
    .map((e) => String(e.note));
}

/** The notes that say a trial's workers started cold. */
function notes(experimentPath: string): string[] {
  return allNotes(experimentPath).filter((n) => /start(ed)? cold/.test(n));
}

describe('warm start', () => {
  it('runs a forked worker as python worker.py would: __main__, argv, cwd, sys.path, signals, env, stdio', async () => {
    const { dir, cleanup } = scratchDir({ 'sub/worker.py': PROBE, 'w.tune.yaml': spec('', 2) });
    try {
      const run = await runCli(['run', join(dir, 'w.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.deepEqual(notes(out.experiment_path), [], 'no trial fell back to a cold start');
      assert.match(allNotes(out.experiment_path)[0], /^workers fork from a new warm parent, which imported numpy in \d+\.\d{3} s$/);
      const all = out.trials.flatMap((t: { path: string }) => [seen(t.path, 0), seen(t.path, 1)]);
      for (const s of all) {
        assert.equal(s.name, '__main__');
        assert.deepEqual(s.argv, ['worker.py', 'a', 'b c']);
        assert.equal(s.cwd, join(dir, 'sub'));
        assert.equal(s.path0, join(dir, 'sub'));
        assert.match(String(s.parent), /^python/, 'forked by the warm parent');
        assert.equal(s.file, join(dir, 'sub/worker.py'));
        assert.equal(s.spec, 'None');
        assert.equal(s.omp, '1');
        assert.equal(s.my_var, 'hello');
        assert.equal(s.cuda, '');
        assert.equal(s.sigint, true);
        assert.equal(s.sigterm, true);
        assert.equal(s.sigchld, true);
        assert.equal(s.stdin, '');
        assert.equal(s.threads, 1);
        const procEnv = s.proc_env as Record<string, string>;
        assert.equal(procEnv.RANK, s.rank, '/proc/<pid>/environ shows the worker’s own variables');
        assert.equal(procEnv.MY_VAR, 'hello');
        assert.ok(procEnv.TUNEKIT_REPORT_SOCKET);
      }
      assert.deepEqual(all.map((s: { rank: string }) => s.rank), ['0', '1', '0', '1', '0', '1']);
      assert.equal(new Set(all.map((s: { np: number }) => s.np)).size, all.length, "numpy's global generator is reseeded per worker");
      assert.match(readFileSync(join(out.trials[0].path, 'worker_0.log'), 'utf8'), /on stderr/);
      // The workers were forked by one warm parent, not started by the driver.
      const parents = [...new Set(all.map((s: { ppid: number }) => s.ppid))];
      assert.equal(parents.length, 1, 'one warm parent served every trial of the driver');
      const deadline = Date.now() + 3000;
      while (alivePids(parents as number[]).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(alivePids(parents as number[]), [], 'the warm parent is gone with its driver');
    } finally {
      cleanup();
    }
  });

  it('starts cold with a one-line note when an import fails in the warm parent, and the trial still runs', async () => {
    const worker = `import tunekit\ntry:\n    import broken_lib\nexcept RuntimeError:\n    pass\ntunekit.report({"ok": 1})\n`;
    const { dir, cleanup } = scratchDir({ 'lib/broken_lib.py': 'raise RuntimeError("boom")\n', 'sub/worker.py': worker, 'w.tune.yaml': spec('') });
    try {
      const run = await runCli(['run', join(dir, 'w.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.ok(out.trials.every((t: { status: string }) => t.status === 'TERMINATED'));
      const said = notes(out.experiment_path);
      assert.equal(said.length, 3, said.join('\n'));
      assert.match(said[0], /^warm start off for this trial: importing broken_lib failed in the warm parent \(RuntimeError: boom\); workers start cold$/);
    } finally {
      cleanup();
    }
  });

  it('starts cold with a note when an import starts a thread (not fork-safe)', async () => {
    const threaded = `import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n`;
    const worker = `import threaded_lib\nimport tunekit\ntunekit.report({"ok": 1})\n`;
    const { dir, cleanup } = scratchDir({ 'lib/threaded_lib.py': threaded, 'sub/worker.py': worker, 'w.tune.yaml': spec('') });
    try {
      const run = await runCli(['run', join(dir, 'w.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.ok(out.trials.every((t: { status: string }) => t.status === 'TERMINATED'));
      const said = notes(out.experiment_path);
      assert.equal(said.length, 3);
      assert.match(said[0], /importing threaded_lib started a thread/);
    } finally {
      cleanup();
    }
  });

  it('warm_start: false starts every worker as a fresh process, with no note', async () => {
    const { dir, cleanup } = scratchDir({ 'sub/worker.py': PROBE, 'w.tune.yaml': spec('  warm_start: false') });
    try {
      const run = await runCli(['run', join(dir, 'w.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.deepEqual(notes(out.experiment_path), []);
      for (const t of out.trials) assert.match(String(seen(t.path).parent), /^node/, 'started by the driver itself');
    } finally {
      cleanup();
    }
  });

  it('ends a worker as python worker.py ends: threads joined, atexit run, files left open flushed, the same exit status and message', async () => {
    // Each effect lands in the trial's folder; the warm run must leave exactly what the cold one does.
    const worker = `
import atexit, os, sys, threading, time, tunekit
import keeper
out = os.environ["TUNEKIT_TRIAL_DIR"]
left_open = open(os.path.join(out, "left_open.txt"), "w")
left_open.write("written, never closed or flushed by the script")
atexit.register(lambda: open(os.path.join(out, "atexit.txt"), "w").write("ran"))
def late():
    time.sleep(0.3)
    open(os.path.join(out, "thread.txt"), "w").write("joined")
threading.Thread(target=late).start()
keeper.keep(out)
mode = tunekit.get_config()["mode"]
tunekit.report({"ok": 1})
if mode == "message":
    sys.exit("bye from the script")
if mode == "code":
    sys.exit(7)
if mode == "raise":
    raise ValueError("boom")
`;
    const keeper = `import os
log = None
def keep(out):
    global log
    log = open(os.path.join(out, "helper_log.txt"), "w")
    log.write("the helper's log, never closed")
`;
    const exitSpec = (warm: boolean) => `
trainer:
  command: [python3, worker.py]
  working_dir: sub
  warm_start: ${warm}
  scaling_config: {trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {mode: {grid_search: [end, message, code, raise]}}
tune_config: {max_concurrent_trials: 1}
resources: {CPU: 2}
run_config: {name: exits_${warm ? 'warm' : 'cold'}}
`;
    const { dir, cleanup } = scratchDir({ 'sub/worker.py': worker, 'sub/keeper.py': keeper, 'warm.tune.yaml': exitSpec(true), 'cold.tune.yaml': exitSpec(false) });
    const leftBehind = (trialPath: string) => {
      const files: Record<string, string> = {};
      for (const f of ['left_open.txt', 'helper_log.txt', 'atexit.txt', 'thread.txt']) {
        try {
          files[f] = readFileSync(join(trialPath, f), 'utf8');
        } catch {
          files[f] = '(missing)';
        }
      }
      const log = readFileSync(join(trialPath, 'worker_0.log'), 'utf8');
      files.message = /bye from the script/.test(log) ? 'said bye' : /ValueError: boom/.test(log) ? 'traceback' : '-';
      return files;
    };
    try {
      const seenBy: Record<string, unknown> = {};
      for (const which of ['warm', 'cold']) {
        const run = await runCli(['run', join(dir, `${which}.tune.yaml`), '--json'], { timeoutMs: 120_000 });
        const out = JSON.parse(run.stdout);
        seenBy[which] = out.trials.map((t: { path: string; status: string; end_reason?: string }) => ({
          status: t.status,
          exit: /exit code (\d+)/.exec(t.end_reason ?? '')?.[1] ?? null,
          ...leftBehind(t.path),
        }));
      }
      const warm = seenBy.warm as Array<Record<string, string>>;
      assert.deepEqual(warm[0], {
        status: 'TERMINATED',
        exit: null,
        'left_open.txt': 'written, never closed or flushed by the script',
        'atexit.txt': 'ran',
        'thread.txt': 'joined',
        'helper_log.txt': "the helper's log, never closed",
        message: '-',
      });
      assert.deepEqual(seenBy.warm, seenBy.cold, 'a warm worker ends exactly as a cold one');
    } finally {
      cleanup();
    }
  });

  it("gives each worker its own thread count at torch's import: warm at 1 thread, cold with a note where the import starts a thread pool", { skip: !hasTorch() && 'needs /usr/bin/python3 with torch' }, async () => {
    const worker = `import os, torch, tunekit\nprint("THREADS", torch.get_num_threads(), os.environ["OMP_NUM_THREADS"], flush=True)\ntunekit.report({"threads": torch.get_num_threads()})\n`;
    const { dir, cleanup } = scratchDir({
      'sub/worker.py': worker,
      't.tune.yaml': `
trainer:
  command: [/usr/bin/python3, worker.py]
  working_dir: sub
  scaling_config: {trainer_resources: {CPU: 0}}
param_space:
  scaling_config: {resources_per_worker: {CPU: {grid_search: [1, 2, 1]}}}
tune_config: {max_concurrent_trials: 1}
resources: {CPU: 2}
run_config: {name: threads}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 't.tune.yaml'), '--json'], { timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const said = notes(out.experiment_path);
      assert.equal(said.length, 1, said.join('\n'));
      assert.match(said[0], /importing torch started a thread, so forking after it is unsafe; workers start cold/);
      const threads = out.trials.map((t: { path: string }) => readJsonLines(join(t.path, 'result.json'))[0].threads);
      assert.deepEqual(threads, [1, 2, 1]);
    } finally {
      cleanup();
    }
  });

  it('forks the restarted worker group from the warm parent too (failure_config.max_failures)', async () => {
    const worker = `
import os, sys, tunekit
parent = open("/proc/%d/comm" % os.getppid()).read().strip()
flag = os.path.join(os.environ["TUNEKIT_TRIAL_DIR"], "failed_once")
print("PARENT", parent, flush=True)
if not os.path.exists(flag):
    open(flag, "w").close()
    sys.exit(3)
tunekit.report({"warm": int(parent.startswith("python"))})
`;
    const { dir, cleanup } = scratchDir({
      'sub/worker.py': worker,
      'r.tune.yaml': `
trainer:
  command: [python3, worker.py]
  working_dir: sub
  scaling_config: {trainer_resources: {CPU: 0}}
  failure_config: {max_failures: 1}
run_config: {name: restarts}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'r.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const trial = out.trials[0];
      assert.equal(trial.status, 'TERMINATED');
      const parents = readFileSync(join(trial.path, 'worker_0.log'), 'utf8').split('\n').filter((l) => l.startsWith('PARENT '));
      assert.equal(parents.length, 2, 'it failed once, then ran again');
      assert.ok(parents.every((l) => /^PARENT python/.test(l)), parents.join('\n'));
      assert.equal(readJsonLines(join(trial.path, 'result.json'))[0].warm, 1);
      assert.deepEqual(notes(out.experiment_path), []);
    } finally {
      cleanup();
    }
  });

  it("warms what the script's own helper modules import, without importing the helpers themselves", async () => {
    const worker = `import sys\nwarm = "numpy" in sys.modules\nhelper_early = "helper" in sys.modules\nimport helper, tunekit\ntunekit.report({"numpy_warm": int(warm), "helper_early": int(helper_early)})\n`;
    const { dir, cleanup } = scratchDir({
      'sub/worker.py': worker,
      'sub/helper.py': 'import numpy\n',
      'h.tune.yaml': `
trainer:
  command: [python3, worker.py]
  working_dir: sub
  scaling_config: {trainer_resources: {CPU: 0}}
run_config: {name: helper}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'h.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const [row] = readJsonLines(join(out.trials[0].path, 'result.json'));
      assert.equal(row.numpy_warm, 1, 'numpy, imported by helper.py, was already imported');
      assert.equal(row.helper_early, 0, 'the helper itself is the user code: each worker imports it');
    } finally {
      cleanup();
    }
  });

  it('learns a third-party import that static discovery cannot see from the first worker, and later workers find it imported', async () => {
    const { dir, cleanup } = scratchDir(learningWorkspace('counted_lib', 'K = 2\n'));
    try {
      const run = await runCli(['run', join(dir, 'l.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const rows = out.trials.map((t: { path: string }) => readJsonLines(join(t.path, 'result.json'))[0]);
      assert.deepEqual(rows.map((r: { value: number }) => r.value), [2, 4, 6, 8], 'every trial computed its own result');
      assert.deepEqual(rows.map((r: { early: number }) => r.early), [0, 1, 1, 1], 'the first worker imported it itself; the later ones found it imported');
      const parent = rows[0].parent_pid as number;
      assert.ok(rows.every((r: { parent_pid: number }) => r.parent_pid === parent), 'every worker was forked by the one warm parent');
      // Who ran the module's import: the first worker, the probe (a child of the warm parent), then the warm parent.
      const imports = importsLog(dir);
      assert.equal(imports.length, 3, JSON.stringify(imports));
      assert.deepEqual(imports[0], [rows[0].worker_pid, parent]);
      assert.equal(imports[1][1], parent, 'the probe is a child of the warm parent');
      assert.deepEqual(imports[2][0], parent, 'then the warm parent imported it itself');
      assert.deepEqual(notes(out.experiment_path), []);
      assert.ok(allNotes(out.experiment_path).some((n) => /^the warm parent learned \d+ imports from earlier workers \(.*counted_lib.*\) and imported them in \d+\.\d{3} s$/.test(n)), allNotes(out.experiment_path).join('\n'));
      const deadline = Date.now() + 3000;
      while (alivePids([imports[1][0]!, parent]).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(alivePids([imports[1][0]!, parent]), [], 'neither the probe nor the warm parent outlives the run');
    } finally {
      cleanup();
    }
  });

  it('never imports in the warm parent a learned module that starts a thread at import: the probe refuses it, and workers still fork warm', async () => {
    const threaded = `K = 3\nimport threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n`;
    const { dir, cleanup } = scratchDir(learningWorkspace('threaded_helper_lib', threaded));
    try {
      const run = await runCli(['run', join(dir, 'l.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const rows = out.trials.map((t: { path: string }) => readJsonLines(join(t.path, 'result.json'))[0]);
      assert.deepEqual(rows.map((r: { value: number }) => r.value), [3, 6, 9, 12]);
      assert.deepEqual(rows.map((r: { early: number }) => r.early), [0, 0, 0, 0], 'each worker imported it itself');
      const parent = rows[0].parent_pid as number;
      assert.ok(rows.every((r: { parent_pid: number }) => r.parent_pid === parent), 'every worker still forked from the warm parent');
      const imports = importsLog(dir);
      assert.ok(imports.every(([pid]) => pid !== parent), 'the warm parent never imported it');
      assert.equal(imports.length, 5, 'four workers and one probe');
      assert.deepEqual(notes(out.experiment_path), [], 'no trial started cold');
      assert.ok(
        allNotes(out.experiment_path).some((n) => /^the warm parent will not import .*threaded_helper_lib.*: importing threaded_helper_lib started a thread/.test(n)),
        allNotes(out.experiment_path).join('\n'),
      );
      const probe = imports.find(([pid]) => !rows.some((r: { worker_pid: number }) => r.worker_pid === pid))![0]!;
      assert.deepEqual(alivePids([probe]), [], 'the probe was killed and reaped');
    } finally {
      cleanup();
    }
  });

  it('stops forking when a learned import the probe found safe starts a thread in the warm parent itself: later trials start cold with a note', async () => {
    // Safe in the probe and in workers (their parent is Python), unsafe in the warm parent (its parent is the driver).
    const sly = `K = 5\nimport threading, time\nif open("/proc/%d/comm" % os.getppid()).read().startswith("node"):\n    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n`;
    const { dir, cleanup } = scratchDir(learningWorkspace('sly_lib', sly));
    try {
      const run = await runCli(['run', join(dir, 'l.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      const rows = out.trials.map((t: { path: string }) => readJsonLines(join(t.path, 'result.json'))[0]);
      assert.deepEqual(rows.map((r: { value: number }) => r.value), [5, 10, 15, 20]);
      const parent = rows[0].parent_pid as number;
      assert.ok(rows.slice(1).every((r: { parent_pid: number }) => r.parent_pid !== parent), 'the later trials did not fork from it');
      const said = notes(out.experiment_path);
      assert.equal(said.length, 3, said.join('\n'));
      assert.ok(said.every((n) => /importing sly_lib started a thread, so forking after it is unsafe/.test(n)), said.join('\n'));
      const deadline = Date.now() + 3000;
      while (alivePids([parent]).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(alivePids([parent]), [], 'the retired warm parent is gone');
    } finally {
      cleanup();
    }
  });
});

/**
 * A worker whose helper reaches a third-party module (`lib/<name>.py`, which logs "pid ppid"
 * when imported) through a sys.path insert that the warm parent's static discovery cannot follow.
 */
function learningWorkspace(name: string, module: string): Record<string, string> {
  return {
    [`lib/${name}.py`]: `import os\nwith open(os.path.join(os.path.dirname(__file__), "imports.log"), "a") as f:\n    f.write("%d %d\\n" % (os.getpid(), os.getppid()))\n${module}`,
    // The first trial lingers after its report, so that the warm parent has learned before the next fork.
    'sub/worker.py': `import os, sys, time, tunekit\nearly = ${JSON.stringify(name)} in sys.modules\nimport helper\ni = tunekit.get_config()["i"]\ntunekit.report({"value": helper.times(i), "early": int(early), "worker_pid": os.getpid(), "parent_pid": os.getppid()})\nif i == 1:\n    time.sleep(1)\n`,
    'sub/helper.py': `import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "extra"))\nfrom deep import times  # noqa: E402\n`,
    'sub/extra/deep.py': `import ${name}\n\n\ndef times(i):\n    return ${name}.K * i\n`,
    'l.tune.yaml': `
trainer:
  command: [python3, worker.py]
  working_dir: sub
  env: {PYTHONPATH: ../lib}
  scaling_config: {trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {i: {grid_search: [1, 2, 3, 4]}}
tune_config: {max_concurrent_trials: 1}
resources: {CPU: 2}
run_config: {name: learn}
`,
  };
}

function importsLog(dir: string): number[][] {
  return readFileSync(join(dir, 'lib/imports.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ').map(Number));
}
