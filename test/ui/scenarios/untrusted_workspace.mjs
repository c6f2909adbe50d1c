// Scenario 6: Workspace Trust on, the folder opened in Restricted Mode ("No, I don't trust
// the authors"). A finished experiment in the folder can be browsed; nothing can be run, and
// the UI says why (lens, command and status bar).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../until.mjs';
import {
  clearNotifications,
  clickLens,
  expand,
  notificationToasts,
  openFile,
  rowsOf,
  runCommand,
  showTunekit,
  statusBarText,
  treeRow,
  waitForStatus,
  waitForWorkbench,
} from '../workbench.mjs';

const REFUSAL = 'Tunekit does not run anything in an untrusted workspace: trust it to run experiments.';

export default {
  name: 'untrusted-workspace',
  title: 'in an untrusted workspace results can be browsed, nothing runs, and the UI says why',
  untrusted: true,
  timeoutMs: 120_000,
  /** A finished quickstart in the folder, run beforehand with the CLI the vsix ships. */
  prepare(s) {
    const cli = join(s.extensionDir, 'dist', 'runtime', 'cli.js');
    const run = spawnSync(process.execPath, [cli, 'run', join(s.workspace, 'quickstart', 'quickstart.tune.yaml'), '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `the quickstart ran beforehand: ${run.stderr}`);
    s.journal = join(s.workspace, 'quickstart', 'tunekit_results', 'quickstart', 'events.jsonl');
    s.journalBefore = { size: statSync(s.journal).size, mtimeMs: statSync(s.journal).mtimeMs };
  },
  async run(s) {
    const { page } = s;
    s.step('the trust prompt: No, I don\'t trust the authors');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ timeout: 60_000 });
    await s.shot('trust-prompt');
    await dialog.locator('.monaco-button', { hasText: "No, I don't trust the authors" }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForWorkbench(page);
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 20_000 });

    await showTunekit(page);
    const status = await waitForStatus(page, /^Tunekit: idle \(restricted\)$/);
    s.step(`status bar: "${status}"`);
    s.step('the finished quickstart is in the tree and can be browsed');
    const experiment = treeRow(page, 'Experiments', 'quickstart');
    await experiment.waitFor({ timeout: 30_000 });
    await expand(experiment);
    const trials = await until('the eight finished trials', async () => {
      const rows = (await rowsOf(page, 'Experiments')).filter((r) => r.level === 2);
      return rows.length === 8 && rows.every((r) => r.icon === 'pass') ? rows : undefined;
    }, 20_000, () => rowsOf(page, 'Experiments'));
    await expand(treeRow(page, 'Experiments', trials[0].label));
    await treeRow(page, 'Experiments', 'Last metrics').waitFor();
    await s.shot('restricted-browse');

    s.step('▶ Run refuses and says why');
    await openFile(page, 'quickstart/quickstart.tune.yaml');
    await clickLens(page, '▶ Run');
    const toast = notificationToasts(page).filter({ hasText: 'untrusted workspace' }).first();
    await toast.waitFor({ timeout: 20_000 });
    assert.equal((await toast.innerText()).trim(), REFUSAL);
    await page.waitForTimeout(500); // the toast slides in
    await s.shot('run-refused-untrusted');
    await clearNotifications(page);

    s.step('so does the command');
    await runCommand(page, 'Tunekit: Run Experiment');
    await notificationToasts(page).filter({ hasText: 'untrusted workspace' }).first().waitFor({ timeout: 20_000 });
    assert.equal(
      await page.locator('.editor-actions .action-label[aria-label^="Run Experiment"]').count(),
      0,
      'the editor title offers no Run button in Restricted Mode',
    );

    await page.waitForTimeout(1000);
    assert.doesNotMatch(await statusBarText(page), /running/);
    const after = statSync(s.journal);
    assert.deepEqual({ size: after.size, mtimeMs: after.mtimeMs }, s.journalBefore, 'nothing was appended to the finished experiment’s journal');
    assert.ok(!readFileSync(s.journal, 'utf8').includes('"resumed":true'));
  },
};
