/**
 * The dashboard bundle in headless Chromium, under the extension's CSP, fed experiments
 * recorded from real runs (test/browser/fixtures, see record_fixtures.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DashboardFeed } from '../../extension/dashboard_feed';
import { trialKey } from '../../protocol/trial';
import { RuntimeStore } from '../../extension/store';
import type { ExtensionToDashboard } from '../../protocol/dashboard_messages';
import type { ExperimentSummary, MetricPoint } from '../../protocol/runtime_api';
import { trial } from '../unit/webview/trials';
import { browserMissing, fixture, openDashboard, REPO, send, startHarness, type ChartLike, type Harness, type PageWindow } from './harness';

const missing = browserMissing();
if (missing) process.stdout.write(`browser tests skipped: ${missing}\n`);

const ARTIFACTS = join(REPO, 'out/browser/artifacts');
type ChartName = 'curves' | 'best' | 'timelineView' | 'parallel' | 'scatter';

/** Reads a chart's datasets in the page: label, trial, marker kind, width and data length. */
function datasets(page: Page, chart: ChartName) {
  return page.evaluate((name) => {
    const c = (globalThis as unknown as PageWindow).tunekitDashboard[name].chart as ChartLike;
    return c.data.datasets.map((d) => ({ label: d.label, trialId: d.trialId, marker: d.marker, width: d.borderWidth, data: d.data }));
  }, chart);
}

/** How many pixels of a chart's canvas are painted. */
function inkOf(page: Page, chart: ChartName): Promise<number> {
  return page.evaluate((name) => {
    const c = (globalThis as unknown as PageWindow).tunekitDashboard[name].chart as ChartLike;
    const pixels = c.canvas.getContext('2d').getImageData(0, 0, c.canvas.width, c.canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return painted;
  }, chart);
}

describe('dashboard in a browser', { skip: missing }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => h?.close());

  it('the recorded ASHA run draws every chart with the datasets it should, and violates no CSP rule', async () => {
    const { page, console } = await openDashboard(h, fixture('asha'));
    for (const name of ['curves', 'best', 'timelineView', 'parallel', 'scatter'] as const) {
      assert.ok((await inkOf(page, name)) > 2000, `${name} canvas is painted`);
    }
    const curves = await datasets(page, 'curves');
    assert.deepEqual(curves.filter((d) => d.trialId).map((d) => d.width), [3], 'the best trial is the one curve drawn as a dataset');
    const painted = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.layer.lines.filter((l) => !l.dashed).length);
    assert.equal(painted, 7, 'the other seven are painted underneath');
    assert.equal(curves.find((d) => d.marker === 'restore')!.data.length, 1, 'the worker killed once was restored once');
    assert.equal(curves.find((d) => d.marker === 'stop')!.data.length, 7, 'seven trials were stopped at a rung');
    assert.equal((await datasets(page, 'best'))[0].data.length >= 2, true);
    const parallelLabels = (await datasets(page, 'parallel')).map((d) => d.label);
    assert.deepEqual(parallelLabels.filter((l) => !l?.startsWith('trials: ')), ['best'], 'the rest are in bands of the metric');
    const scatter = await page.evaluate(() => {
      const c = (globalThis as unknown as PageWindow).tunekitDashboard.scatter.chart;
      return { min: c.scales.x.min, max: c.scales.x.max, xs: c.data.datasets.flatMap((d) => d.data.map((p) => p.x as number)) };
    });
    assert.equal(scatter.xs.length, 8);
    assert.ok(scatter.xs.every((x) => x >= scatter.min && x <= scatter.max), `every trial is inside the scatter's x axis ${scatter.min}..${scatter.max}`);
    const lanes = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.timelineView.chart.data.labels);
    assert.deepEqual(lanes, ['CPU 1', 'CPU 2']);
    const timeline = await datasets(page, 'timelineView');
    const held = timeline.filter((d) => d.label === 'held').reduce((n, d) => n + d.data.length, 0);
    assert.equal(held, 9, 'eight trials, one of them twice around its restart');
    assert.equal(timeline.find((d) => d.label === 'restart gap')!.data.length, 1);
    assert.equal(await page.locator('table.trials tbody tr').count(), 8);
    assert.match(await page.locator('.header-strip').innerText(), /terminated\s*8[\s\S]*best \(last result\)\s*loss/);
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageWindow).__violations), []);
    assert.deepEqual(console.filter((m) => /Content Security Policy|pageerror/.test(m)), []);
    await page.close();
  });

  it('superseded results are drawn dashed underneath, not as part of the current curve', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    // The restored trial is also the best one, so it is a dataset.
    const restored = (await datasets(page, 'curves')).find((d) => d.trialId?.endsWith('_00001'))!;
    const xs = restored.data.map((p) => p.x as number);
    assert.deepEqual(xs, [...new Set(xs)].sort((a, b) => a - b), 'iteration 5, reported twice, is drawn once');
    const dashed = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.layer.lines.filter((l) => l.dashed).length);
    assert.equal(dashed, 1);
    await page.close();
  });

  it('hovering a restore marker names the checkpoint and the failure; an early-stop marker names the rung', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const tooltipAt = async (marker: string) => {
      const point = await page.evaluate((kind) => {
        const c = (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart;
        const i = c.data.datasets.findIndex((d) => d.marker === kind);
        return c.getDatasetMeta(i).data[0];
      }, marker);
      const box = (await page.locator('.card.curves canvas').boundingBox())!;
      await page.mouse.move(box.x + point.x, box.y + point.y);
      await page.waitForFunction(() => ((globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.tooltip.body ?? []).length > 0);
      return page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.tooltip.body!.flatMap((b) => b.lines).join('\n'));
    };
    assert.match(await tooltipAt('restore'), /restored from checkpoint checkpoint_\d+ at iteration \d+: worker group restarted after: worker 0 exited/);
    assert.match(await tooltipAt('stop'), /stopped early: stopped by ASHA at rung \d+/);
    await page.close();
  });

  it('a trial the user stopped has its own mark on the curves and in the table, apart from completed and scheduler-stopped ones', async () => {
    const messages = fixture('asha');
    const snapshot = messages.find((m) => m.type === 'snapshot')!;
    const stopped = snapshot.trials.find((t) => t.id.endsWith('_00003'))!;
    Object.assign(stopped, { stoppedEarly: false, decisions: [], endReason: 'stopped by the user' });
    const { page } = await openDashboard(h, messages);
    const curves = await datasets(page, 'curves');
    assert.deepEqual(curves.find((d) => d.marker === 'user-stop')!.data.map((p) => [p.trialId, p.x]), [[stopped.id, stopped.iteration]]);
    assert.equal(curves.find((d) => d.marker === 'stop')!.data.length, 6, 'the other six stops are the scheduler\'s');
    assert.equal(await page.locator('table.trials tbody tr', { hasText: '_00003' }).locator('td.status-terminated').innerText(), 'TERMINATED (by user)');
    assert.equal(await page.locator('table.trials tbody tr', { hasText: '_00001' }).locator('td.status-terminated').innerText(), 'TERMINATED');
    await page.close();
  });

  it('searching for a parameter value keeps only the matching trials in the table and every chart, and is kept on reload', async () => {
    const messages = fixture('asha');
    const { page } = await openDashboard(h, messages);
    await page.locator('input.trial-search').fill('optimizer=sgd');
    await page.locator('table.trials tbody tr').nth(3).waitFor({ state: 'detached' });
    const shown = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard;
      const curveIds = [...app.curves.layer.lines.filter((l) => !l.dashed).map((l) => l.trialId), ...app.curves.chart.data.datasets.filter((d) => d.trialId).map((d) => d.trialId)];
      return { curves: curveIds.length, scatter: app.scatter.chart.data.datasets.reduce((n, d) => n + d.data.length, 0) };
    });
    assert.deepEqual(shown, { curves: 3, scatter: 3 });
    await openDashboard(h, messages, { page });
    assert.equal(await page.locator('input.trial-search').inputValue(), 'optimizer=sgd');
    assert.equal(await page.locator('table.trials tbody tr').count(), 3);
    await page.close();
  });

  it('the curves take a log y axis, TensorBoard smoothing with the raw values faint behind, and another metric or wall time on x', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const curves = () =>
      page.evaluate(() => {
        const app = (globalThis as unknown as PageWindow).tunekitDashboard;
        const c = app.curves.chart;
        const scales = c.options.scales as unknown as Record<string, { type: string; title: { text: string } }>;
        const best = c.data.datasets.find((d) => d.trialId && d.borderWidth === 3)!;
        return { y: scales.y.type, x: scales.x.title.text, raw: app.curves.layer.lines.filter((l) => !l.dashed && !l.trialId).length, best: best.data.map((p) => [p.x as number, p.y as number]) };
      });
    const before = await curves();
    await page.locator('.toolbar select.y-scale').selectOption('log');
    await page.locator('.toolbar input.smoothing').fill('0.6');
    const after = await curves();
    assert.equal(after.y, 'logarithmic');
    assert.equal(after.raw, 8, 'every trial has its raw line behind its smoothed one');
    assert.equal(after.best[0][1], before.best[0][1], 'the first point is kept (debiased)');
    assert.ok(after.best.slice(1).some(([, y], i) => Math.abs(y - before.best[i + 1][1]) > 1e-9), 'later points are smoothed');
    await page.locator('.toolbar select.x-axis').selectOption('metric:acc');
    const byAcc = await curves();
    assert.equal(byAcc.x, 'acc');
    assert.ok(byAcc.best.every(([x]) => x >= 0 && x <= 1), 'x is the accuracy each row reported');
    await page.locator('.toolbar select.x-axis').selectOption('wall_time');
    assert.equal((await curves()).x, 'wall time');
    await openDashboard(h, fixture('asha'), { page });
    assert.deepEqual([await page.locator('.toolbar select.y-scale').inputValue(), await page.locator('.toolbar select.x-axis').inputValue()], ['log', 'wall_time']);
    await page.close();
  });

  it('the column chooser hides a column from the table and the CSV, and the choice is kept on reload', async () => {
    const messages = fixture('asha');
    const { page } = await openDashboard(h, messages);
    const headers = () => page.locator('table.trials thead th').allInnerTexts();
    assert.ok((await headers()).some((t) => t.startsWith('acc')));
    await page.locator('.column-chooser summary').click();
    await page.locator('.column-chooser input[data-column="metric:acc"]').uncheck();
    assert.ok(!(await headers()).some((t) => t.startsWith('acc')), `headers: ${(await headers()).join(', ')}`);
    await page.locator('button', { hasText: 'Export CSV' }).click();
    const csv = await page.evaluate(() => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'saveFile').pop() as { data: string });
    assert.ok(!csv.data.split('\r\n')[0].split(',').includes('acc'), csv.data.split('\r\n')[0]);
    await openDashboard(h, messages, { page });
    assert.ok(!(await headers()).some((t) => t.startsWith('acc')));
    assert.equal(await page.locator('.column-chooser input[data-column="metric:acc"]').isChecked(), false);
    await page.close();
  });

  it('dragging a box on the curves zooms to it without selecting, Shift+drag pans, and a double click shows everything again', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const ranges = () =>
      page.evaluate(() => {
        const c = (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart;
        return { x: [c.scales.x.min, c.scales.x.max], y: [c.scales.y.min, c.scales.y.max] };
      });
    const whole = await ranges();
    const box = (await page.locator('.card.curves canvas').boundingBox())!;
    const drag = async (from: [number, number], to: [number, number], shift = false) => {
      if (shift) await page.keyboard.down('Shift');
      await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 5 });
      await page.mouse.up();
      if (shift) await page.keyboard.up('Shift');
    };
    await drag([0.4, 0.3], [0.7, 0.6]);
    const zoomed = await ranges();
    assert.ok(zoomed.x[0] > whole.x[0] && zoomed.x[1] < whole.x[1], `x ${zoomed.x} inside ${whole.x}`);
    assert.ok(zoomed.y[0] > whole.y[0] && zoomed.y[1] < whole.y[1], `y ${zoomed.y} inside ${whole.y}`);
    assert.equal(await page.locator('table.trials tbody tr.selected').count(), 0, 'the drag selected no trial');
    assert.equal(await page.locator('.card.curves button', { hasText: 'Reset zoom' }).isVisible(), true);
    await drag([0.5, 0.5], [0.3, 0.5], true);
    const panned = await ranges();
    assert.ok(panned.x[0] > zoomed.x[0], 'dragging left shows what lies to the right');
    assert.ok(Math.abs(panned.x[1] - panned.x[0] - (zoomed.x[1] - zoomed.x[0])) < 1e-6 * (zoomed.x[1] - zoomed.x[0]) + 1e-9, 'a pan keeps the width');
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    assert.deepEqual(await ranges(), whole);
    await page.close();
  });

  it('hyperparameter importance is computed on the recorded run, names its method, and follows the filters', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const bars = () =>
      page.evaluate(() => {
        const c = (globalThis as unknown as PageWindow).tunekitDashboard.importance.chart;
        return { labels: c.data.labels ?? [], values: c.data.datasets[0].data as unknown as number[] };
      });
    const all = await bars();
    assert.deepEqual([...all.labels].sort(), ['lr', 'optimizer']);
    assert.ok(Math.abs(all.values.reduce((a, b) => a + b, 0) - 1) < 1e-9, `shares ${all.values} sum to 1`);
    assert.ok(all.values[0] >= all.values[1], 'highest first');
    assert.match(await page.locator('.card.importance .importance-method').innerText(), /fANOVA-like[\s\S]*η²[\s\S]*For loss, over 8 trials/);
    await page.locator('input.trial-search').fill('optimizer=adam');
    await page.locator('.card.importance .importance-method', { hasText: 'over 5 trials' }).waitFor();
    const adam = await bars();
    assert.equal(adam.values[adam.labels.indexOf('optimizer')], 0, 'one optimizer left explains nothing');
    await page.close();
  });

  it('hovering a painted curve promotes it to a dataset whose tooltip names the trial and its params', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    // The painted point farthest from every dataset point, so no dataset is nearer to the mouse.
    const target = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard;
      const chart = app.curves.chart;
      const px = (p: { x: number; y: number }) => ({ x: chart.scales.x.getPixelForValue(p.x), y: chart.scales.y.getPixelForValue(p.y) });
      const taken = chart.data.datasets.flatMap((_, i) => chart.getDatasetMeta(i).data);
      let best = { id: '', x: 0, y: 0, gap: -1 };
      for (const line of app.curves.layer.lines.filter((l) => !l.dashed)) {
        for (const p of line.points) {
          const at = px(p);
          const gap = Math.min(...taken.map((e) => Math.hypot(e.x - at.x, e.y - at.y)));
          if (gap > best.gap) best = { id: line.trialId!, ...at, gap };
        }
      }
      return best;
    });
    const box = (await page.locator('.card.curves canvas').boundingBox())!;
    await page.mouse.move(box.x + target.x, box.y + target.y);
    await page.waitForFunction((id) => (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.data.datasets.some((d) => d.trialId === id), target.id);
    await page.mouse.move(box.x + target.x + 1, box.y + target.y);
    await page.waitForFunction(() => ((globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.tooltip.title ?? []).length > 0);
    const tooltip = await page.evaluate(() => {
      const t = (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.tooltip;
      return [...(t.title ?? []), ...(t.body ?? []).flatMap((b) => b.lines)].join('\n');
    });
    assert.match(tooltip, new RegExp(`trial ${target.id}`));
    await page.close();
  });

  it('clicking a table row highlights that trial in every chart, and the selection is saved', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const row = page.locator('table.trials tbody tr', { hasText: '_00003' });
    const id = (await row.getAttribute('data-trial-id'))!;
    await row.click();
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).tunekitDashboard.renders.fast > 1);
    assert.match((await row.getAttribute('class')) ?? '', /selected/);
    const curve = (await datasets(page, 'curves')).find((d) => d.trialId === id)!;
    assert.equal(curve.width, 3, 'the selected curve is drawn thick');
    assert.equal((await datasets(page, 'curves')).filter((d) => d.trialId).length, 2, 'the selected trial and the best one');
    const parallel = (await datasets(page, 'parallel')).find((d) => d.label === `selected ${id}`)!;
    assert.ok(parallel.data.some((v) => v.trialId === id));
    assert.deepEqual((await datasets(page, 'scatter')).find((d) => d.label === 'selected')!.data.map((p) => p.trialId), [id]);
    const state = await page.evaluate(() => JSON.parse((globalThis as unknown as PageWindow).sessionStorage.getItem('webviewState') ?? 'null') as { ui: { selection: string[] } });
    assert.deepEqual(state.ui.selection, [id]);
    await page.close();
  });

  it('Ctrl-clicked rows compare side by side with differences only, and a range filter narrows the table', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const rows = page.locator('table.trials tbody tr');
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Control'] });
    await page.locator('button', { hasText: 'Compare 2' }).click();
    const compare = page.locator('table.compare');
    await compare.waitFor();
    const fields = await compare.locator('tbody th').allInnerTexts();
    assert.ok(fields.includes('config.train_loop_config.lr'), `compared fields: ${fields.join(', ')}`);
    await page.locator('.compare-view input[type=checkbox]').uncheck();
    const all = await compare.locator('tbody th').allInnerTexts();
    assert.ok(all.length > fields.length, 'fields the two share show once differences-only is off');
    assert.ok(all.includes('status') && all.includes('config.train_loop_config.optimizer'));
    await page.locator('.range-form select').selectOption({ label: 'iter' });
    await page.locator('.range-form input').first().fill('3');
    await page.locator('button', { hasText: 'Add range' }).click();
    assert.equal(await rows.count(), 2, 'only the two trials that ran past iteration 2');
    await page.close();
  });

  it('the header, the highlighted trial and best-so-far judge "best" by one scope, named, and the other is one pick away', async () => {
    // Trial 0 reported the best loss of all at iteration 2, then got worse before ASHA stopped it.
    const messages = fixture('asha');
    const history = messages.find((m) => m.type === 'history')!;
    const peaked = Object.keys(history.points).sort()[0];
    history.points[peaked].values.loss[1] = 0.01;
    const { page } = await openDashboard(h, messages);
    const header = () => page.locator('.header-strip .best').innerText();
    const bestChart = async () => {
      const [d] = await datasets(page, 'best');
      return { label: d.label, trial: d.data[d.data.length - 1].trialId };
    };
    const highlighted = async () => (await datasets(page, 'curves')).filter((d) => d.trialId && d.width === 3).map((d) => d.trialId);
    assert.match(await header(), /best \(last result\)\s*loss 0\.147\d* \(trial 6a5cd_00001\)/);
    assert.deepEqual(await bestChart(), { label: 'best loss (min, by last result)', trial: '6a5cd_00001' });
    assert.deepEqual(await highlighted(), ['6a5cd_00001']);
    await page.locator('.toolbar select.best-scope').selectOption('all');
    await page.locator('.header-strip .best', { hasText: 'ever' }).waitFor();
    assert.match(await header(), new RegExp(`best \\(best result ever\\)\\s*loss 0\\.01 \\(trial ${peaked}\\)`));
    assert.deepEqual(await bestChart(), { label: 'best loss (min, by best result ever)', trial: peaked });
    assert.deepEqual(await highlighted(), [peaked]);
    await page.close();
  });

  it('a spec without a metric headlines no best until the user picks one, and the pick is kept', async () => {
    const messages = fixture('asha');
    const snapshot = messages.find((m) => m.type === 'snapshot')!;
    delete snapshot.experiment.summary.metric;
    delete snapshot.experiment.summary.mode;
    delete snapshot.experiment.summary.best;
    const { page } = await openDashboard(h, messages);
    const best = page.locator('.header-strip .best');
    assert.match(await best.innerText(), /^best\s*no metric in the spec: pick one above$/);
    assert.deepEqual((await datasets(page, 'curves')).filter((d) => d.trialId && d.width === 3), [], 'no trial is drawn as the best');
    await page.locator('.toolbar select').first().selectOption('loss');
    await best.filter({ hasText: 'loss' }).waitFor();
    assert.match(await best.innerText(), /best \(last result\)\s*loss 0\.147/);
    await openDashboard(h, messages, { page });
    assert.equal(await page.locator('.toolbar select').first().inputValue(), 'loss');
    await page.close();
  });

  it('the metric, the filters and the selection come back after the page is reloaded', async () => {
    const messages = fixture('asha');
    const { page } = await openDashboard(h, messages);
    await page.locator('.toolbar select').first().selectOption('acc');
    await page.locator('.chips button', { hasText: 'terminated' }).click();
    await page.locator('table.trials tbody tr').first().click();
    await openDashboard(h, messages, { page });
    assert.equal(await page.locator('.toolbar select').first().inputValue(), 'acc');
    assert.equal(await page.locator('.chips button.on', { hasText: 'terminated' }).count(), 1);
    assert.equal(await page.locator('table.trials tbody tr.selected').count(), 1);
    const curves = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.options.scales.y as unknown as { title: { text: string } });
    assert.equal(curves.title.text, 'acc');
    await page.close();
  });

  it('Ray-mode trials waiting for their GPUs show on waiting lanes, GPUs on a lane each', async () => {
    const { page } = await openDashboard(h, fixture('ray_gpus'));
    const lanes = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.timelineView.chart.data.labels!);
    assert.deepEqual(lanes.filter((l) => l.startsWith('GPU')), ['GPU 0', 'GPU 1', 'GPU 2', 'GPU 3']);
    const waiting = (await datasets(page, 'timelineView')).find((d) => d.label === 'waiting')!;
    assert.equal(waiting.data.length, 2);
    assert.ok(waiting.data.every((b) => /waiting for workers/.test(String(b.text))));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-ray-gpus.png'), fullPage: true });
    await page.close();
  });

  it('a PBT exploit is marked with the donor checkpoint it cloned', async () => {
    const { page } = await openDashboard(h, fixture('pbt'));
    const restores = (await datasets(page, 'curves')).find((d) => d.marker === 'restore')!;
    assert.equal(restores.data.length, 2);
    assert.ok(restores.data.some((m) => /from TorchTrainer_\w+_\d{5}_lr=[\d.]+\/checkpoint_\d{6}/.test(String(m.text))));
    await page.close();
  });

  it('re-themes when VS Code switches from light to dark, with screenshots of both', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    const tickColor = () => page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.options.scales.x.ticks!.color);
    assert.equal(await tickColor(), '#717171');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-light.png'), fullPage: true });
    await page.evaluate(() => (globalThis as unknown as PageWindow).__setTheme('dark'));
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).tunekitDashboard.curves.chart.options.scales.x.ticks!.color === '#9d9d9d');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png'), fullPage: true });
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageWindow).__violations), []);
    await page.close();
  });

  it('exports the table as CSV and a chart as PNG through the extension', async () => {
    const { page } = await openDashboard(h, fixture('asha'));
    await page.locator('button', { hasText: 'Export CSV' }).click();
    await page.locator('.card.curves button', { hasText: 'PNG' }).click();
    const saves = await page.evaluate(() => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'saveFile'));
    assert.equal(saves.length, 2);
    const [csv, png] = saves as Array<{ kind: string; suggestedName: string; data: string }>;
    assert.equal(csv.kind, 'csv');
    assert.equal(csv.suggestedName, 'asha-trials.csv');
    assert.match(csv.data, /^trial,status,iter,lr,optimizer,acc,loss\r\n/);
    assert.equal(csv.data.trim().split('\r\n').length, 9);
    assert.equal(png.kind, 'png');
    assert.equal(Buffer.from(png.data, 'base64').subarray(1, 4).toString(), 'PNG');
    await page.close();
  });

  it('a burst of live deltas redraws a few times a second, not once per message', async () => {
    const messages = fixture('asha');
    const snapshot = messages[0] as Extract<(typeof messages)[number], { type: 'snapshot' }>;
    const live = { ...snapshot, experiment: { ...snapshot.experiment, summary: { ...snapshot.experiment.summary, live: true, state: 'running' as const } } };
    const { page } = await openDashboard(h, [live, messages[1]]);
    const id = snapshot.trials[1].id;
    const before = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.renders.fast);
    for (let i = 0; i < 40; i++) {
      const point = { iteration: [13 + i], timeTotalS: [13 + i], ts: [4e9 + i], values: { loss: [0.1], acc: [0.9] } };
      const delta = { type: 'delta' as const, trials: [], points: { [id]: point }, timeline: [], now: snapshot.now + i };
      await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), delta);
      await page.waitForTimeout(25);
    }
    await page.waitForTimeout(400);
    const draws = (await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.renders.fast)) - before;
    assert.ok(draws >= 2 && draws <= 8, `${draws} redraws for 40 deltas over about a second`);
    const curve = (await datasets(page, 'curves')).find((d) => d.trialId === id)!;
    assert.equal(curve.data.at(-1)!.x, 52, 'the last point arrived');
    await page.close();
  });

  it('40 trials × 30 results arriving live at full speed, many to a second, are all drawn, each once, through the real store and feed', async () => {
    const counts = (running: number) => ({ PENDING: 0, RUNNING: running, PAUSED: 0, TERMINATED: 40 - running, ERROR: 0 });
    const summary: ExperimentSummary = { path: '/exp', name: 'asha40', state: 'running', live: true, counts: counts(40), startedAt: 1000, metric: 'loss', mode: 'min' };
    const trials = Array.from({ length: 40 }, (_, i) => trial(`t${i}`, { index: i, status: 'RUNNING' }));
    const store = new RuntimeStore();
    store.reset({ experiments: [summary], trials, resources: { cpu: { total: 4, used: 0, holders: [] }, gpus: [], waiting: [] } });
    const feed = new DashboardFeed('/exp', store);
    const opened: ExtensionToDashboard[] = [feed.snapshot({ paramSpace: {}, capacity: { CPU: 4, gpus: [] }, admission: 'coordinated' }, [], 1000)!, feed.history(new Map(), 0)];
    const { page } = await openDashboard(h, opened);
    // Results carry whole seconds, as Ray's timestamp does: ten rows of each trial to a second,
    // reaching the store in batches of 7 rows that cut across seconds and trials.
    const rows: Array<[string, MetricPoint]> = [];
    for (let r = 0; r < 30; r++) for (const t of trials) rows.push([t.id, { iteration: r + 1, timeTotalS: (r + 1) * 0.1, ts: 1000 + Math.floor(r / 10), values: { loss: 1 / (r + 1 + t.index) } }]);
    const deltas: ExtensionToDashboard[] = [];
    for (let i = 0; i < rows.length; i += 7) {
      const points: Record<string, MetricPoint[]> = {};
      for (const [id, p] of rows.slice(i, i + 7)) (points[trialKey('/exp', id)] ??= []).push(p);
      store.apply({ experiments: [], trials: [], points });
      const delta = feed.delta([], 1000 + i / 100);
      if (delta) deltas.push(delta);
    }
    store.apply({ experiments: [{ ...summary, state: 'finished', live: false, counts: counts(0), endedAt: 1003 }], trials: trials.map((t) => ({ ...t, status: 'TERMINATED' as const })) });
    deltas.push(feed.delta([], 1003)!);
    await send(page, deltas);
    const drawn = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as { data: { points: Map<string, { iteration: number[] }> }; curves: { layer: { lines: Array<{ trialId?: string; points: unknown[] }> }; chart: ChartLike } };
      const stored = [...app.data.points].map(([id, c]) => [id, c.iteration.join(',')]);
      const painted = app.curves.layer.lines.filter((l) => l.trialId).map((l) => l.points.length);
      const datasets = app.curves.chart.data.datasets.filter((d) => d.trialId).map((d) => d.data.length);
      return { stored, painted: [...painted, ...datasets] };
    });
    const all = Array.from({ length: 30 }, (_, r) => r + 1).join(',');
    assert.equal(drawn.stored.length, 40);
    assert.deepEqual(drawn.stored.filter(([, its]) => its !== all), [], 'every trial holds iterations 1..30, once each and in order');
    assert.equal(drawn.painted.length, 40, 'every trial is drawn');
    assert.ok(drawn.painted.every((n) => n === 30), `every curve has its 30 points: ${drawn.painted.join(' ')}`);
    assert.match(await page.locator('.header-strip').innerText(), /finished/);
    await page.close();
  });
});
