// Scenario 4: a spec with a typo gets a diagnostic at the typo's line with a readable
// message (Problems panel and hover), and Run refuses it with the same message.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../until.mjs';
import { lens, notificationToasts, openFile, runCommand, showTunekit, statusBarText, waitForStatus } from '../workbench.mjs';

const BAD_SPEC = [
  'trainer:',
  '  command: [python3, train.py]',
  'tune_config:',
  '  num_sample: 4', // line 4: the typo
  '  metric: val_acc',
  '  mode: max',
  '',
].join('\n');
const MESSAGE = 'unknown key "num_sample" in tune_config; did you mean num_samples?';

export default {
  name: 'bad-spec',
  title: 'a bad spec gets a diagnostic at its line, and Run refuses it with the same message',
  timeoutMs: 90_000,
  prepare(s) {
    writeFileSync(join(s.workspace, 'quickstart', 'bad.tune.yaml'), BAD_SPEC);
  },
  async run(s) {
    const { page } = s;
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    await openFile(page, 'quickstart/bad.tune.yaml');
    await lens(page, '▶ Run').waitFor({ timeout: 20_000 });

    s.step('the Problems panel lists the typo at line 4');
    await runCommand(page, 'View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'num_sample' });
    await problem.first().waitFor({ timeout: 30_000 });
    const text = (await problem.first().innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(MESSAGE), `the problem reads "${MESSAGE}": "${text}"`);
    assert.match(text, /\[Ln 4, Col 3\]/, `the problem is at line 4, column 3: "${text}"`);

    s.step('hovering the squiggle shows the same message');
    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    await squiggle.waitFor({ timeout: 10_000 });
    const box = await squiggle.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover .hover-row', { hasText: 'num_sample' }).first();
    await hover.waitFor({ timeout: 10_000 });
    assert.ok((await hover.innerText()).includes(MESSAGE));
    await s.shot('diagnostic-hover');
    await page.keyboard.press('Escape');

    // The editor title's button, not the lens: on a loaded machine the lenses of this spec were seen to vanish after the hover.
    s.step('Run (the editor title’s ▶ button) refuses with the same message');
    await page.locator('.editor-actions .action-label[aria-label^="Run Experiment"]').click();
    const toast = notificationToasts(page).filter({ hasText: 'num_sample' }).first();
    await toast.waitFor({ timeout: 30_000 });
    const said = (await toast.innerText()).trim();
    s.step(`the notification says: ${said}`);
    assert.equal(said, `Could not run bad.tune.yaml: bad.tune.yaml:4: ${MESSAGE}`, 'one sentence: the file, the line and the same message');
    await page.waitForTimeout(500); // the toast slides in
    await s.shot('run-refused');
    s.step('the "Starting…" progress ended with the refusal, while the refusal is still on screen');
    const starting = notificationToasts(page).filter({ hasText: 'Starting bad.tune.yaml' });
    await until('no "Starting bad.tune.yaml…" progress left spinning', async () => (await starting.count()) === 0, 5_000);
    assert.equal(await toast.isVisible(), true, 'the refusal waits for the user');
    await until('no run to start', async () => /^Tunekit: idle$/.test(await statusBarText(page)), 5_000);
  },
};
