import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, scratchDir } from '../cli_harness';

const SPEC = 'trainer:\n  command: [python3, worker.py]\n';

describe('tunekit command-line flags', () => {
  it('a misspelt flag is a usage error with a guess, exit 2, not silently ignored', async () => {
    const run = await runCli(['gpus', '--jsn']);
    assert.equal(run.code, 2, run.stdout);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /unknown option --jsn; did you mean --json\?/);
    assert.match(run.stderr, /usage: tunekit gpus \[--json\]/);
  });

  it('every command refuses a flag it does not take, before doing anything', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'a.tune.yaml': SPEC });
    try {
      for (const [command, flag] of [['validate', '--json'], ['plan', '--resume-errored'], ['run', '--dry-run'], ['resume', '--force'], ['extend', '--trail']]) {
        const run = await runCli([command, join(dir, 'a.tune.yaml'), flag]);
        assert.equal(run.code, 2, `${command} ${flag}: ${run.stderr}`);
        assert.match(run.stderr, new RegExp(`unknown option ${flag}`), command);
      }
    } finally {
      cleanup();
    }
  });

  it('a flag that needs a value says so, and an extra argument is refused', async () => {
    const missing = await runCli(['extend', '/nowhere', '--trial']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--trial needs a value/);
    const extra = await runCli(['validate', 'a.tune.yaml', 'b.tune.yaml']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument "b\.tune\.yaml"/);
    const valued = await runCli(['gpus', '--json=yes']);
    assert.equal(valued.code, 2);
    assert.match(valued.stderr, /--json takes no value/);
  });

  it('--help prints the command\'s usage and exits 0', async () => {
    const run = await runCli(['validate', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /usage: tunekit validate SPEC/);
  });
});
