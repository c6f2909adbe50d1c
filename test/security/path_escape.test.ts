/**
 * Names that come from specs and worker reports cannot put anything outside the experiment
 * folder: through the real CLI, a climbing or absolute run_config.name is refused, a
 * parameter value like ../../etc names a trial folder inside, and a checkpoint holding a
 * symlink out of itself is refused with nothing copied.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, scratchDir } from '../runtime/cli_harness';
import { journal } from '../runtime/faults/fault_harness';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return lstatSync(path).isDirectory() ? [path, ...walk(path)] : [path];
  });
}

function isInside(base: string, path: string): boolean {
  const rel = relative(realpathSync(base), realpathSync(path));
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..';
}

const REPORT_ONCE = 'import tunekit\ntunekit.report({"x": 1})\n';

describe('paths from specs and reports stay inside the experiment folder', () => {
  for (const name of ['../x', '/tmp/tunekit-escape', 'a/../../x', '..']) {
    it(`a spec with run_config.name ${JSON.stringify(name)} is refused before anything is written`, async () => {
      // The spec sits one folder down, so a name that climbs one level would land in `dir`.
      const { dir, cleanup } = scratchDir({});
      const specDir = join(dir, 'specs');
      mkdirSync(specDir);
      writeFileSync(join(specDir, 'w.py'), REPORT_ONCE);
      writeFileSync(join(specDir, 'escape.tune.yaml'), `trainer:\n  command: [python3, w.py]\nrun_config: {name: ${JSON.stringify(name)}}\n`);
      try {
        const run = await runCli(['run', join(specDir, 'escape.tune.yaml')]);
        assert.equal(run.code, 2, `exit 2 for bad input: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, /escape\.tune\.yaml:3:\d+: run_config\.name cannot/);
        assert.deepEqual(readdirSync(specDir).sort(), ['escape.tune.yaml', 'w.py'], 'no results folder was made');
        assert.deepEqual(readdirSync(dir), ['specs'], 'nothing was made beside the spec’s folder');
        assert.ok(!existsSync('/tmp/tunekit-escape'));
      } finally {
        cleanup();
      }
    });
  }

  it('parameter values like ../../etc and /etc/passwd name trial folders inside the experiment, and reach the worker unchanged', async () => {
    const worker = 'import tunekit\ntunekit.report({"tag_seen": tunekit.get_config()["tag"]})\n';
    const { dir, cleanup } = scratchDir({
      'w.py': worker,
      'hostile.tune.yaml': `trainer:\n  command: [python3, w.py]\nparam_space:\n  train_loop_config: {tag: {grid_search: ['../../etc', '/etc/passwd', '..', 'a\\\\..\\\\b']}}\nrun_config: {name: hostile}\n`,
    });
    try {
      const run = await runCli(['run', join(dir, 'hostile.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const experiment = join(dir, 'tunekit_results', 'hostile');
      const summary = JSON.parse(run.stdout) as { trials: Array<{ path: string; last_result: { tag_seen: string }; config: { train_loop_config: { tag: string } } }> };
      assert.equal(summary.trials.length, 4);
      for (const trial of summary.trials) {
        assert.equal(dirname(trial.path), experiment, `${trial.path} is a folder directly inside the experiment`);
        assert.ok(isInside(experiment, trial.path));
        assert.equal(trial.last_result.tag_seen, trial.config.train_loop_config.tag);
      }
      assert.deepEqual(readdirSync(dir).sort(), ['hostile.tune.yaml', 'tunekit_results', 'w.py']);
      assert.deepEqual(readdirSync(join(dir, 'tunekit_results')), ['hostile']);
    } finally {
      cleanup();
    }
  });

  it('a checkpoint holding a symlink to /etc/passwd (or to /etc) is refused, and nothing outside it is copied', async () => {
    const worker = `
import os, tempfile, tunekit
for target in ["/etc/passwd", "/etc", "../../../../../../../etc/passwd"]:
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "nested"))
        with open(os.path.join(d, "weights.txt"), "w") as f:
            f.write("fine")
        os.symlink(target, os.path.join(d, "nested", "leak"))
        try:
            tunekit.report({"attempt": target}, checkpoint=d)
            print("ACCEPTED", target, flush=True)
        except Exception as e:
            print("REFUSED", target, e, flush=True)
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "weights.txt"), "w") as f:
        f.write("fine")
    os.symlink("weights.txt", os.path.join(d, "alias"))
    tunekit.report({"attempt": "inside"}, checkpoint=d)
`;
    const { dir, cleanup } = scratchDir({ 'w.py': worker, 'leak.tune.yaml': 'trainer:\n  command: [python3, w.py]\nrun_config: {name: leak}\n' });
    try {
      const run = await runCli(['run', join(dir, 'leak.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const [trial] = (JSON.parse(run.stdout) as { trials: Array<{ path: string; status: string }> }).trials;
      const log = readFileSync(join(trial.path, 'worker_0.log'), 'utf8');
      assert.doesNotMatch(log, /ACCEPTED/, log);
      assert.equal(log.match(/REFUSED .*points outside it/g)?.length, 3, log);

      const experiment = join(dir, 'tunekit_results', 'leak');
      const passwd = readFileSync('/etc/passwd', 'utf8');
      for (const path of walk(experiment)) {
        assert.ok(!lstatSync(path).isSymbolicLink(), `${path} is a symlink`);
        if (lstatSync(path).isFile()) assert.ok(!readFileSync(path, 'utf8').includes(passwd.split('\n')[0]), `${path} holds /etc/passwd`);
      }
      const committed = journal(experiment).filter((e) => e.type === 'checkpoint_committed');
      assert.equal(committed.length, 1, 'only the clean checkpoint was committed');
      const kept = join(trial.path, committed[0].checkpoint_dir_name as string);
      assert.deepEqual(readdirSync(kept).sort(), ['alias', 'weights.txt']);
      assert.equal(readFileSync(join(kept, 'alias'), 'utf8'), 'fine', 'a symlink inside the checkpoint is copied as the file it names');
    } finally {
      cleanup();
    }
  });
});
