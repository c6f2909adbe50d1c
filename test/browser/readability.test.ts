/**
 * Readable at 40+ trials, in both themes (issue 15): a 40-trial experiment in a webview as
 * wide as VS Code's editor at 1400×900 with the side bar open.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserMissing, openDashboard, REPO, startHarness, type Harness, type PageWindow } from './harness';
import { manyTrials } from './many_trials';

// These run in the page; the test project compiles without the DOM library.
interface PageElement { dataset: Record<string, string>; scrollWidth: number; clientWidth: number; textContent: string | null; querySelector(s: string): PageElement | null }
type HTMLElement = PageElement;
type HTMLCanvasElement = { width: number; getBoundingClientRect(): { width: number; height: number } };
type CanvasRenderingContext2D = { measureText(t: string): { width: number }; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
declare const document: { querySelectorAll(s: string): Iterable<PageElement> & ArrayLike<PageElement>; querySelector(s: string): PageElement | null };
declare function getComputedStyle(e: PageElement): { backgroundColor: string };

const missing = browserMissing();
const ARTIFACTS = join(REPO, 'out/browser/artifacts');
/** The editor area at 1400×900 with the activity bar and a 300 px side bar open. */
const SIDEBAR_OPEN = { width: 1050, height: 820 };

type Rgb = [number, number, number];
const rgbOf = (css: string): Rgb => {
  const hex = /^#([0-9a-f]{6})/i.exec(css)?.[1];
  if (hex) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css)!;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const same = (a: string, b: string) => rgbOf(a).join() === rgbOf(b).join();

async function open(h: Harness, theme: 'light' | 'dark'): Promise<Page> {
  const page = await h.browser.newPage({ viewport: SIDEBAR_OPEN });
  await openDashboard(h, manyTrials(), { theme, page });
  return page;
}

/** Swatch colour per table row, and the colour each trial's curve is painted in. */
function identities(page: Page) {
  return page.evaluate(() => {
    const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as {
      curves: { layer: { lines: Array<{ trialId?: string; color: string }> }; chart: { data: { datasets: Array<{ trialId?: string; borderColor: string }> } } };
    };
    const swatches = [...document.querySelectorAll('table.trials tbody tr')].map((tr) => ({
      id: (tr as HTMLElement).dataset.trialId!,
      color: getComputedStyle(tr.querySelector('.swatch')!).backgroundColor,
    }));
    const curves = new Map<string, string>();
    for (const l of app.curves.layer.lines) if (l.trialId) curves.set(l.trialId, l.color);
    for (const d of app.curves.chart.data.datasets) if (d.trialId) curves.set(d.trialId, d.borderColor);
    return { swatches, curves: Object.fromEntries(curves) };
  });
}

describe('a 40-trial experiment is readable', { skip: missing }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => h?.close());

  for (const theme of ['light', 'dark'] as const) {
    it(`in ${theme}, each of 40 trials has its own colour, the same in its table swatch and its curve`, async () => {
      const page = await open(h, theme);
      const { swatches, curves } = await identities(page);
      assert.equal(swatches.length, 40);
      assert.equal(new Set(swatches.map((s) => rgbOf(s.color).join())).size, 40, 'forty distinct colours');
      const best = await page.locator('table.trials tbody tr.best').getAttribute('data-trial-id');
      // The best trial's curve wears the best's yellow; the table marks it with a star.
      for (const s of swatches.filter((x) => x.id !== best)) assert.ok(curves[s.id] && same(curves[s.id], s.color), `trial ${s.id}: swatch ${s.color}, curve ${curves[s.id]}`);
      await page.screenshot({ path: join(ARTIFACTS, `many-trials-${theme}.png`), fullPage: true });
      await page.close();
    });
  }

  it('a selected trial wears its own colour in every chart, the one its swatch shows', async () => {
    const page = await open(h, 'dark');
    const row = page.locator('table.trials tbody tr').nth(7);
    const id = (await row.getAttribute('data-trial-id'))!;
    await row.click();
    const seen = await page.evaluate((trialId) => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as Record<string, { chart: { data: { datasets: Array<Record<string, unknown> & { data: Array<Record<string, unknown>> }> } } }>;
      const curve = app.curves.chart.data.datasets.find((d) => d.trialId === trialId)?.borderColor;
      const parallel = app.parallel.chart.data.datasets.find((d) => String(d.label) === `selected ${trialId}`)?.borderColor;
      const scatterSet = app.scatter.chart.data.datasets.find((d) => d.label === 'selected')!;
      const scatter = (scatterSet.pointBackgroundColor as string[])[scatterSet.data.findIndex((p) => p.trialId === trialId)];
      const timeline = app.timelineView.chart.data.datasets.find((d) => d.label === 'held' && d.data.some((b) => b.trialId === trialId) && typeof d.backgroundColor === 'function');
      const swatch = getComputedStyle(document.querySelector(`tr[data-trial-id="${trialId}"] .swatch`)!).backgroundColor;
      return { curve, parallel, scatter, timeline: timeline !== undefined, swatch };
    }, id);
    for (const chart of ['curve', 'parallel', 'scatter'] as const) assert.ok(seen[chart] && same(String(seen[chart]), seen.swatch), `${chart}: ${seen[chart]} vs swatch ${seen.swatch}`);
    assert.ok(seen.timeline, 'its timeline bar is drawn apart, in its colour');
    await page.close();
  });

  it('the slots timeline shows 4 CPU lanes and one waiting lane whose spans count the queue', async () => {
    const page = await open(h, 'light');
    const { labels, height, queue } = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as { timelineView: { chart: { data: { labels: string[]; datasets: Array<{ label: string; data: Array<{ count?: number; text: string }> }> }; canvas: HTMLCanvasElement } } };
      const chart = app.timelineView.chart;
      return { labels: chart.data.labels, height: chart.canvas.getBoundingClientRect().height, queue: chart.data.datasets.find((d) => d.label === 'waiting')!.data };
    });
    assert.deepEqual(labels, ['CPU 1', 'CPU 2', 'CPU 3', 'CPU 4', 'waiting']);
    assert.ok(height < 200, `${height}px high`);
    assert.equal(Math.max(...queue.map((q) => q.count ?? 0)), 36, 'at first 36 trials wait');
    assert.match(queue.find((q) => q.count === 36)!.text, /^36 waiting .*and 30 more \(needs 1 CPU, 0 free\)/);
    await page.close();
  });

  it('the table shows every value and header whole, and the headers differ, at 1400×900 with the side bar open', async () => {
    const page = await open(h, 'light');
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('table.trials th, table.trials td')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.textContent} ${c.scrollWidth}>${c.clientWidth}`).slice(0, 5),
    );
    assert.deepEqual(cut, [], 'no cell is cut short');
    const headers = await page.locator('table.trials thead th').allInnerTexts();
    assert.equal(new Set(headers).size, headers.length, headers.join(' | '));
    await page.close();
  });

  it('log-axis tick labels never overlap, and the parallel axes’ labels are drawn over the lines', async () => {
    const page = await open(h, 'dark');
    const overlaps = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as { scatter: { chart: { scales: Record<string, { type: string; ticks: Array<{ value: number; label: string }>; getPixelForValue(v: number): number }>; ctx: CanvasRenderingContext2D } } };
      const { scales, ctx } = app.scatter.chart;
      const x = scales.x;
      const placed = x.ticks.filter((t) => t.label).map((t) => ({ label: t.label, at: x.getPixelForValue(t.value), w: ctx.measureText(t.label).width }));
      const bad = [];
      for (let i = 1; i < placed.length; i++) if (placed[i].at - placed[i].w / 2 < placed[i - 1].at + placed[i - 1].w / 2 + 2) bad.push(`${placed[i - 1].label}|${placed[i].label}`);
      return { type: x.type, bad, count: placed.length };
    });
    assert.equal(overlaps.type, 'logarithmic', 'lr is on a log axis');
    assert.deepEqual(overlaps.bad, []);
    assert.ok(overlaps.count >= 2);
    // Inside each label's box there is only the label, grey on the background: no coloured line crosses it.
    const crossed = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as { parallel: { labels: Array<{ text: string; x: number; y: number; w: number; h: number }>; chart: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } } };
      const { canvas, ctx } = app.parallel.chart;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      return app.parallel.labels
        .filter((b) => {
          const px = ctx.getImageData(Math.ceil(b.x * ratio), Math.ceil(b.y * ratio), Math.max(1, Math.floor(b.w * ratio) - 1), Math.max(1, Math.floor(b.h * ratio) - 1)).data;
          for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) return true;
          return false;
        })
        .map((b) => b.text);
    });
    const count = await page.evaluate(() => ((globalThis as unknown as PageWindow).tunekitDashboard as unknown as { parallel: { labels: unknown[] } }).parallel.labels.length);
    assert.ok(count >= 10, `${count} labels`);
    assert.deepEqual(crossed, [], 'labels a coloured line crosses');
    await page.close();
  });

  it('parallel coordinates colour the trials by the metric', async () => {
    const page = await open(h, 'light');
    const bands = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as { parallel: { chart: { data: { datasets: Array<{ label: string; borderColor: string; data: unknown[] }> } } } };
      return app.parallel.chart.data.datasets.filter((d) => d.label.startsWith('trials') && d.data.length).map((d) => d.borderColor);
    });
    assert.ok(new Set(bands).size >= 3, `lines in ${bands.length} metric colours`);
    await page.close();
  });

  it('brushing a parallel axis keeps only the trials in its range, in the table and in every chart', async () => {
    const page = await open(h, 'light');
    const shown = () =>
      page.evaluate(() => {
        const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as {
          curves: { layer: { lines: Array<{ trialId?: string; dashed: boolean }> }; chart: { data: { datasets: Array<{ trialId?: string }> } } };
          parallel: { chart: { data: { datasets: Array<{ data: Array<{ trialId: string }> }> } } };
          scatter: { chart: { data: { datasets: Array<{ data: Array<{ trialId: string }> }> } } };
        };
        const ids = (list: Array<{ trialId?: string }>) => [...new Set(list.map((x) => x.trialId).filter((x): x is string => !!x))].sort();
        return {
          table: [...document.querySelectorAll('table.trials tbody tr')].map((tr) => (tr as HTMLElement).dataset.trialId!).sort(),
          curves: ids([...app.curves.layer.lines.filter((l) => !l.dashed), ...app.curves.chart.data.datasets]),
          parallel: ids(app.parallel.chart.data.datasets.flatMap((d) => d.data)),
          scatter: ids(app.scatter.chart.data.datasets.flatMap((d) => d.data)),
        };
      });
    assert.equal((await shown()).table.length, 40);
    // Drag down the first axis (lr) over its upper half.
    const box = (await page.locator('.card.parallel canvas').boundingBox())!;
    const axis = await page.evaluate(() => {
      const c = ((globalThis as unknown as PageWindow).tunekitDashboard as unknown as { parallel: { chart: { scales: Record<string, { getPixelForValue(v: number): number }> } } }).parallel.chart;
      return { x: c.scales.x.getPixelForValue(0), top: c.scales.y.getPixelForValue(1), mid: c.scales.y.getPixelForValue(0.5) };
    });
    await page.mouse.move(box.x + axis.x, box.y + axis.top);
    await page.mouse.down();
    await page.mouse.move(box.x + axis.x, box.y + axis.mid, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('table.trials tbody tr').length < 40);
    const after = await shown();
    assert.ok(after.table.length > 0 && after.table.length < 40, `${after.table.length} trials kept`);
    assert.deepEqual(after.curves, after.table, 'the curves show the kept trials');
    assert.deepEqual(after.parallel, after.table, 'so do the parallel lines');
    assert.deepEqual(after.scatter, after.table, 'and the scatter');
    assert.match(await page.locator('.chips button.on').first().innerText(), /≤ lr ≤/);
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'error')), []);
    await page.screenshot({ path: join(ARTIFACTS, 'many-trials-brushed.png'), fullPage: true });
    // A status filter narrows every chart too: no trial is running, so no curve is left.
    await page.locator('.chips button', { hasText: 'running' }).click();
    const none = await shown();
    assert.deepEqual([none.table.length, none.curves.length, none.parallel.length, none.scatter.length], [0, 0, 0, 0]);
    await page.close();
  });

  it('brushing a category axis keeps only the trials in the brushed categories, in the table and in every chart', async () => {
    const page = await open(h, 'light');
    const state = () =>
      page.evaluate(() => {
        const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as {
          data: { trials: Map<string, { id: string; params: Array<{ path: string; value: unknown }> }> };
          curves: { layer: { lines: Array<{ trialId?: string; dashed: boolean }> }; chart: { data: { datasets: Array<{ trialId?: string }> } } };
          parallel: { chart: { data: { datasets: Array<{ data: Array<{ trialId: string }> }> } } };
          scatter: { chart: { data: { datasets: Array<{ data: Array<{ trialId: string }> }> } } };
        };
        const ids = (list: Array<{ trialId?: string }>) => [...new Set(list.map((x) => x.trialId).filter((x): x is string => !!x))].sort();
        return {
          batchSize: Object.fromEntries([...app.data.trials.values()].map((t) => [t.id, t.params.find((p) => p.path === 'train_loop_config/batch_size')?.value])),
          table: [...document.querySelectorAll('table.trials tbody tr')].map((tr) => (tr as HTMLElement).dataset.trialId!).sort(),
          curves: ids([...app.curves.layer.lines.filter((l) => !l.dashed), ...app.curves.chart.data.datasets]),
          parallel: ids(app.parallel.chart.data.datasets.flatMap((d) => d.data)),
          scatter: ids(app.scatter.chart.data.datasets.flatMap((d) => d.data)),
        };
      });
    assert.equal((await state()).table.length, 40);
    // batch_size is a choice of 16, 32, 64, 128: its axis (the third) places them at 0, 1/3, 2/3 and 1.
    const box = (await page.locator('.card.parallel canvas').boundingBox())!;
    const axis = await page.evaluate(() => {
      const app = (globalThis as unknown as PageWindow).tunekitDashboard as unknown as {
        parallel: { chart: { scales: Record<string, { getPixelForValue(v: number): number }> }; plan: { axes: Array<{ label: string; scale: { kind: string } }> } };
      };
      const c = app.parallel.chart;
      const index = app.parallel.plan.axes.findIndex((a) => a.label === 'batch_size');
      return { index, kind: app.parallel.plan.axes[index]?.scale.kind, x: c.scales.x.getPixelForValue(index), top: c.scales.y.getPixelForValue(1.02), mid: c.scales.y.getPixelForValue(0.5) };
    });
    assert.equal(axis.kind, 'categorical', 'batch_size has a category axis');
    await page.mouse.move(box.x + axis.x, box.y + axis.top);
    await page.mouse.down();
    await page.mouse.move(box.x + axis.x, box.y + axis.mid, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('table.trials tbody tr').length < 40, undefined, { timeout: 5_000 });
    const after = await state();
    const expected = Object.entries(after.batchSize)
      .filter(([, v]) => v === 64 || v === 128)
      .map(([id]) => id)
      .sort();
    assert.ok(expected.length > 0 && expected.length < 40, `the fixture has trials on both sides of the brush (${expected.length} of 40 in 64 or 128)`);
    assert.deepEqual(after.table, expected, 'the table keeps the trials with batch_size 64 or 128');
    assert.deepEqual(after.curves, expected, 'so do the curves');
    assert.deepEqual(after.parallel, expected, 'and the parallel lines');
    assert.deepEqual(after.scatter, expected, 'and the scatter');
    assert.match(await page.locator('.chips button.on').first().innerText(), /batch_size ∈ \{64, 128\}/);
    await page.screenshot({ path: join(ARTIFACTS, 'many-trials-category-brushed.png'), fullPage: true });
    // A click on the axis clears its brush: every trial is back.
    await page.mouse.click(box.x + axis.x, box.y + axis.mid);
    await page.waitForFunction(() => document.querySelectorAll('table.trials tbody tr').length === 40, undefined, { timeout: 5_000 });
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'error')), []);
    await page.close();
  });
});
