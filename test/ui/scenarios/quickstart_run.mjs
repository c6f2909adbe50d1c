// Scenario 1: the quickstart, run from its "▶ Run" lens, fills the Experiments tree with
// trials that go pending → running → terminated while the status bar counts them.
import assert from 'node:assert/strict';
import { curveTrials, dashboardSettled, dashboardStep } from '../dashboard.mjs';
import { until } from '../until.mjs';
import { clickLens, lens, openFile, recordedFrames, showTunekit, startRecording, waitForStatus } from '../workbench.mjs';
import { trialHistories } from './tree_history.mjs';

export default {
  name: 'quickstart-run',
  title: 'the quickstart runs from its Run lens and the tree and status bar follow it',
  timeoutMs: 120_000,
  async run(s) {
    const { page } = s;
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    s.step('open the quickstart spec: its Run lens is there');
    await openFile(page, 'quickstart/quickstart.tune.yaml');
    await lens(page, '▶ Run').waitFor({ timeout: 20_000 });
    await s.shot('spec-with-lenses');

    await startRecording(page, 'Experiments');
    s.step('click ▶ Run');
    await clickLens(page, '▶ Run');
    await waitForStatus(page, /running/, 30_000);
    await s.shot('running');
    const frames = await until('every quickstart trial to show as finished', async () => {
      const all = await recordedFrames(page);
      const last = all.at(-1);
      const trials = last?.rows.filter((r) => r.level === 2) ?? [];
      const root = last?.rows.find((r) => r.level === 1 && r.label === 'quickstart');
      return root?.icon === 'pass' && trials.length === 8 && trials.every((t) => t.icon === 'pass') ? all : undefined;
    }, 90_000, async () => (await recordedFrames(page)).at(-1));

    const histories = trialHistories(frames, 'quickstart');
    s.step(`the tree showed ${frames.length} renderings; per trial: ${[...histories].map(([id, h]) => `${id} ${h.join('→')}`).join(', ')}`);
    assert.equal(histories.size, 8, 'eight trials appeared under the experiment');
    const full = [...histories.values()].filter((h) => h.join(',') === 'pending,running,terminated');
    assert.ok(full.length >= 1, 'at least one trial was shown pending, then running, then terminated');
    // The tree renders a few times a second, so a short trial may skip a state between two
    // renderings; what it must never do is show a state out of order or twice.
    const order = ['pending', 'running', 'terminated'];
    for (const [id, h] of histories) {
      assert.equal(h.at(-1), 'terminated', `${id} ended terminated`);
      const ranks = h.map((state) => order.indexOf(state));
      assert.ok(ranks.every((r, i) => r >= 0 && (i === 0 || r > ranks[i - 1])), `${id} went forward only: ${h.join('→')}`);
    }

    const counts = frames.map((f) => /^Tunekit: (\d+) running(?: · (\d+) waiting)?/.exec(f.status)).filter(Boolean);
    assert.ok(counts.length > 0, `the status bar counted running trials (saw ${[...new Set(frames.map((f) => f.status))].join(' | ')})`);
    for (const [, running, waiting = '0'] of counts) assert.ok(Number(running) + Number(waiting) <= 8, `the status bar counts at most the 8 trials (${running} + ${waiting})`);
    await waitForStatus(page, /^Tunekit: idle$/, 20_000);
    await s.shot('finished');

    const trialIds = [...histories.keys()].sort();
    await dashboardStep(s, 'quickstart', 'the dashboard opens with one learning curve per trial', async (frame) => {
      await until('one learning curve per trial', async () => (await curveTrials(frame)).join() === trialIds.join(), 20_000, () => curveTrials(frame));
      await until('every chart to be drawn from the whole histories', () => dashboardSettled(frame), 20_000);
      await s.shot('dashboard-curves');
    });
  },
};
