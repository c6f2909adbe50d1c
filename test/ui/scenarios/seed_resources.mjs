// Scenario 2: Ray's seed scenario (a simulated 4-CPU, 4-GPU machine, 2 GPUs per trial) in the
// Resources view: two trials hold two GPUs each while the others wait, with their reason.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardStep, heldLanes } from '../dashboard.mjs';
import { until } from '../until.mjs';
import { clickLens, expand, lens, openFile, rowsOf, showTunekit, statusBarText, treeRow, waitForStatus } from '../workbench.mjs';

/** GPU rows and their holder rows, and waiting rows, from one rendering of the Resources view. */
function readResources(rows) {
  const gpus = [];
  const waiting = [];
  let section;
  for (const row of rows) {
    if (row.level === 1) {
      section = row.label.startsWith('GPU ') ? { gpu: row.label, holders: [] } : row.label.startsWith('Waiting') ? 'waiting' : undefined;
      if (section && section !== 'waiting') gpus.push(section);
    } else if (row.level === 2 && section === 'waiting') waiting.push(row);
    else if (row.level === 2 && section) section.holders.push(row.label);
  }
  return { gpus, waiting };
}

/** trial → how many GPUs it holds, when every GPU has one holder and two trials hold two each. */
function twoTrialsOnTwoGpusEach(view) {
  if (view.gpus.length !== 4 || view.gpus.some((g) => g.holders.length !== 1)) return undefined;
  const perTrial = new Map();
  for (const g of view.gpus) perTrial.set(g.holders[0], (perTrial.get(g.holders[0]) ?? 0) + 1);
  return perTrial.size === 2 && [...perTrial.values()].every((n) => n === 2) ? perTrial : undefined;
}

export default {
  name: 'seed-resources',
  title: 'the seed scenario shows two trials on two GPUs each and the others waiting, with their reason',
  timeoutMs: 120_000,
  /** The example as shipped, with trials of 6–8 s instead of 1–1.5 s so a busy machine still renders the moment. */
  prepare(s) {
    const example = readFileSync(join(s.workspace, 'seed-scenario', 'seed.coordinated.tune.yaml'), 'utf8');
    const slower = example.replace('seconds: {grid_search: [1.0, 1.5]}', 'seconds: {grid_search: [6.0, 8.0]}');
    assert.notEqual(slower, example, 'the example still has the trial lengths this scenario stretches');
    writeFileSync(join(s.workspace, 'seed-scenario', 'seed.ui.tune.yaml'), slower);
    s.spec = 'seed-scenario/seed.ui.tune.yaml';
  },
  async run(s) {
    const { page } = s;
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    await openFile(page, s.spec);
    await lens(page, '▶ Run').waitFor({ timeout: 20_000 });
    s.step('run the coordinated seed scenario (resources: {CPU: 4, GPU: 4} in the spec)');
    await clickLens(page, '▶ Run');
    const describe = async () => (await rowsOf(page, 'Resources')).map((r) => `${'  '.repeat(r.level - 1)}${r.label} ${r.description}`);
    await until('four held GPUs and two waiting trials', async () => {
      const rows = await rowsOf(page, 'Resources');
      return rows.filter((r) => r.level === 1 && /^GPU \d/.test(r.label) && r.description.endsWith('1/1 held')).length === 4 && rows.some((r) => r.label === 'Waiting (2)');
    }, 60_000, describe);
    for (const gpu of (await rowsOf(page, 'Resources')).filter((r) => /^GPU \d/.test(r.label))) await expand(treeRow(page, 'Resources', gpu.label));
    const busy = { view: readResources(await rowsOf(page, 'Resources')), status: await statusBarText(page) };
    s.step(`Resources view: ${(await describe()).join(' | ')}`);
    assert.ok(twoTrialsOnTwoGpusEach(busy.view), 'two trials hold two GPUs each');
    assert.equal(busy.view.waiting.length, 2, 'the two other trials wait');
    await s.shot('resources-two-trials-hold-gpus');

    const holders = twoTrialsOnTwoGpusEach(busy.view);
    s.step(`held: ${[...holders.keys()].join(', ')}; waiting: ${busy.view.waiting.map((w) => `${w.label} (${w.description})`).join(', ')}`);
    for (const g of busy.view.gpus) assert.match(g.gpu, /\(simulated\)/, 'the GPUs are the spec’s simulated ones');
    for (const w of busy.view.waiting) {
      assert.ok(!holders.has(w.label), `${w.label} waits while holding no GPU`);
      assert.match(w.description, /GPU/, `${w.label} says it waits for GPUs: "${w.description}"`);
    }
    assert.match(busy.status, /^Tunekit: 2 running · 2 waiting · GPU 4\/4$/, 'the status bar agrees');

    await dashboardStep(s, 'seed-coordinated', 'the dashboard’s slots timeline shows the same trials on the same GPUs', async (frame) => {
      const wanted = busy.view.gpus.map((g) => `${/^GPU \d+/.exec(g.gpu)[0]} ${g.holders[0].split('/').pop()}`).sort();
      const bars = await until('the timeline to show the GPUs held as the Resources view did', async () => {
        const held = new Set((await heldLanes(frame)).map((b) => `${b.lane} ${b.trialId}`));
        return wanted.every((w) => held.has(w)) ? held : undefined;
      }, 20_000, async () => heldLanes(frame));
      s.step(`timeline bars include ${wanted.join(', ')} (of ${bars.size})`);
      await s.shot('dashboard-slots');
    });
    await waitForStatus(page, /^Tunekit: idle$/, 60_000);
  },
};
