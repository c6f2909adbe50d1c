// Scenario: a 40-trial ASHA experiment run from its Run lens with the dashboard open before
// the first result arrives (issue 15). When the run has finished, every trial's plotted
// learning curve must equal its result.json row for row, and every early-stop marker must
// sit on the row its decision was made on, which is the trial's last.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curveMarkers, dashboardSettled, dashboardStep } from '../dashboard.mjs';
import { until } from '../until.mjs';
import { clearNotifications, clickLens, openFile, showTunekit, waitForStatus } from '../workbench.mjs';

const TRIALS = 40;
const METRIC = 'loss';

const SPEC = `# 40 trials of 30 quick results each; ASHA stops the weaker ones at its rungs (3, 9, 27).
trainer:
  command: [python3, worker.py]
  train_loop_config: {iterations: 30}
  scaling_config: {num_workers: 1, resources_per_worker: {CPU: 0.25}, trainer_resources: {CPU: 0}}
param_space:
  train_loop_config:
    lr: {loguniform: [0.001, 1.0]}
    width: {choice: [16, 32, 64]}
tune_config:
  num_samples: ${TRIALS}
  metric: ${METRIC}
  mode: min
  seed: 7
  scheduler: {type: asha, time_attr: training_iteration, max_t: 30, grace_period: 3, reduction_factor: 3}
run_config: {name: asha40}
`;

// Waits for the scenario's "go" file (the dashboard is open), then reports as fast as it can.
const WORKER = `import math, os, time, tunekit
go = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go")
deadline = time.time() + 60
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.05)
cfg = tunekit.get_config()
lr, width = cfg["lr"], cfg["width"]
for it in range(1, cfg["iterations"] + 1):
    loss = 1.0 / (1.0 + lr * it * width / 16) + 0.05 * math.sin(it + width)
    tunekit.report({"loss": loss, "acc": 1.0 - loss})
`;

function jsonLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line being written
      }
    });
}

/** trial id → its rows in result.json, in order. */
function resultRows(experimentDir) {
  const rows = new Map();
  for (const entry of readdirSync(experimentDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const lines = jsonLines(join(experimentDir, entry.name, 'result.json'));
    const id = lines[0]?.trial_id;
    if (id) rows.set(id, lines);
  }
  return rows;
}

/**
 * trial id → the curves the dashboard draws for it, each as [x, y] pairs with where it is
 * drawn: a chart.js dataset (best, selected) or the painted layer (running, the rest).
 */
function plottedCurves(frame) {
  return frame.evaluate(() => {
    const curves = window.tunekitDashboard.curves;
    const sources = [
      ['dataset', curves.chart.data.datasets.filter((d) => d.trialId && !d.marker).map((d) => ({ trialId: d.trialId, points: d.data }))],
      ['painted', (curves.layer.lines ?? []).filter((l) => l.trialId && !l.dashed)],
      ['live', (curves.layer.live ?? []).filter((l) => l.trialId)],
    ];
    const out = {};
    for (const [source, lines] of sources) {
      for (const line of lines) (out[line.trialId] ??= []).push({ source, points: line.points.map((p) => [p.x, p.y]) });
    }
    return out;
  });
}

/** What differs between the drawn curves and result.json, one sentence per trial; empty when nothing does. */
function curveProblems(plotted, rows) {
  const problems = [];
  for (const [id, trialRows] of rows) {
    const expected = trialRows.filter((r) => typeof r[METRIC] === 'number').map((r) => [r.training_iteration, r[METRIC]]);
    const drawn = plotted[id] ?? [];
    if (drawn.length !== 1) {
      problems.push(`${id}: drawn ${drawn.length} times (${drawn.map((d) => d.source).join(', ') || 'not at all'}), result.json has ${expected.length} rows`);
      continue;
    }
    const points = drawn[0].points;
    const first = expected.findIndex((e, i) => points[i]?.[0] !== e[0] || points[i]?.[1] !== e[1]);
    if (points.length !== expected.length || first >= 0) {
      const at = first >= 0 ? first : Math.min(points.length, expected.length);
      problems.push(`${id}: ${points.length} points drawn (${drawn[0].source}), ${expected.length} rows; first difference at row ${at}: drawn ${JSON.stringify(points[at])}, result.json ${JSON.stringify(expected[at])}`);
    }
  }
  for (const id of Object.keys(plotted)) if (!rows.has(id)) problems.push(`${id}: drawn, but has no result.json`);
  return problems;
}

/** The dashboard header's items as shown: label, value text and class. */
function headerItems(frame) {
  return frame.evaluate(() =>
    [...document.querySelectorAll('.header-strip > span')].map((item) => ({
      label: item.querySelector('.label')?.textContent ?? '',
      value: (item.querySelector('.value') ?? item).textContent ?? '',
      className: item.className,
    })),
  );
}

export default {
  name: 'asha-live-dashboard',
  title: 'a 40-trial ASHA run watched live on the dashboard ends with every result.json row drawn and stops marked',
  timeoutMs: 120_000,
  prepare(s) {
    mkdirSync(join(s.workspace, 'asha40'));
    writeFileSync(join(s.workspace, 'asha40', 'asha40.tune.yaml'), SPEC);
    writeFileSync(join(s.workspace, 'asha40', 'worker.py'), WORKER);
  },
  async run(s) {
    const { page } = s;
    const experimentDir = join(s.workspace, 'asha40', 'tunekit_results', 'asha40');
    const journal = () => jsonLines(join(experimentDir, 'events.jsonl'));
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    await openFile(page, 'asha40/asha40.tune.yaml');
    s.step('click ▶ Run; the workers wait until the dashboard is open');
    await clickLens(page, '▶ Run');
    await waitForStatus(page, /running/, 30_000);

    await dashboardStep(s, 'asha40', 'open the dashboard before any result, then let the 40 trials report at full speed', async (frame) => {
      const early = existsSync(experimentDir) ? [...resultRows(experimentDir).values()].flat() : [];
      assert.equal(early.length, 0, 'no trial reported before the dashboard was open');
      writeFileSync(join(s.workspace, 'asha40', 'go'), '');
      await until('the experiment to finish', () => journal().some((e) => e.type === 'experiment_finished'), 90_000, () => journal().at(-1));
      // Within 2 s of the end the journal records, nothing may still say the run runs or holds slots
      // (issue 15: the header kept showing held CPUs, the status bar "1 running").
      const ended = 1000 * journal().find((e) => e.type === 'experiment_finished').ts;
      const header = await until('the dashboard header to say finished and hold no CPU or GPU', async () => {
        const items = await headerItems(frame);
        const held = items.filter((i) => (i.label === 'CPU' || i.label === 'GPU') && !/^0 \//.test(i.value));
        return items.some((i) => i.className.includes('state-finished')) && items.some((i) => i.label === 'CPU') && held.length === 0 ? items : undefined;
      }, Math.max(0, ended + 2_000 - Date.now()), () => headerItems(frame));
      await waitForStatus(page, /^Tunekit: idle$/, Math.max(0, ended + 2_000 - Date.now()));
      s.step(`within ${Date.now() - ended} ms of the end: status bar idle, header ${header.map((i) => (i.label ? `${i.label} ${i.value}` : i.value)).join(' · ')}`);

      const rows = resultRows(experimentDir);
      assert.equal(rows.size, TRIALS, `every trial wrote a result.json (${rows.size})`);
      await until('the dashboard to show every trial finished', () =>
        frame.evaluate((n) => {
          const trials = [...window.tunekitDashboard.data.trials.values()];
          return trials.length === n && trials.every((t) => t.status !== 'RUNNING' && t.status !== 'PENDING');
        }, TRIALS),
      30_000);
      await until('every chart to be drawn', () => dashboardSettled(frame), 20_000);
      // The page redraws a few times a second; it gets a few seconds to catch up, never more rows.
      let problems = [];
      await until('every trial\'s plotted points to equal its result.json', async () => {
        problems = curveProblems(await plottedCurves(frame), rows);
        return problems.length === 0;
      }, 10_000, () => problems.slice(0, 8));
      const points = [...rows.values()].reduce((n, r) => n + r.length, 0);
      s.step(`all ${rows.size} curves match result.json (${points} points)`);

      const stops = new Map(journal().filter((e) => e.type === 'scheduler_decision' && e.kind === 'stop' && !e.reason.includes('max_t')).map((e) => [e.trial_id, e]));
      assert.ok(stops.size >= 5, `ASHA stopped several trials early (${stops.size})`);
      const markers = await curveMarkers(frame, 'stop');
      for (const [id, trialRows] of rows) {
        const mine = markers.filter((m) => m.trialId === id);
        const stop = stops.get(id);
        if (!stop) {
          assert.equal(mine.length, 0, `${id} was not stopped early and has no stop marker: ${JSON.stringify(mine)}`);
          continue;
        }
        const last = trialRows.at(-1);
        assert.equal(last.training_iteration, stop.detail.time, `${id}: its last result is the one ASHA decided on (${stop.reason})`);
        assert.deepEqual(
          mine.map((m) => [m.x, m.y]),
          [[last.training_iteration, last[METRIC]]],
          `${id}: one stop marker, on its last result row (${stop.reason})`,
        );
      }
      s.step(`${stops.size} early-stop markers, each on its trial's last result row`);
      await clearNotifications(page); // the "finished" toast would cover the charts in the README's screenshot
      await s.shot('dashboard-asha40');
    });
  },
};
