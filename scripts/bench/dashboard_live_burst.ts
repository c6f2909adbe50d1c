/**
 * Issue 15's live burst in the dashboard page: 40 trials × 30 results posted back to back
 * into a dashboard opened before the first result, timed from the first delta to the end of
 * the first curves-chart draw that paints every point, read back from what each draw painted
 * (cached and live layers and datasets). The baseline is the same end state as a first
 * render in a fresh page, timed to the same condition. Points that never show are counted, not waited
 * out: the run gives up after a deadline and says how many are missing.
 */
import type { Page } from 'playwright-core';
import { send, type Harness, type PageWindow } from '../../test/browser/harness';
import type { ExtensionToDashboard } from '../../protocol/dashboard_messages';
import { burstWorkload, type BurstSize } from './live_burst_workload';

export const BURST: BurstSize = { trials: 40, results: 30, rowsPerBatch: 7 };
const DEADLINE_MS = 15_000;
const SETTLE_MS = 1000;

export interface DrawnRun {
  /** From the first message posted to the frame after every point was drawn, or to the deadline. */
  ms: number;
  /** Whether every point showed before the deadline. */
  complete: boolean;
  /** Distinct iterations 1..results drawn per trial, in trial order, a second after the timing ended (the end state). */
  drawn: number[];
  /** Points drawn more than once at the end (the same iteration on two lines, or twice on one). */
  duplicates: number;
}

interface BurstWindow extends PageWindow {
  __burst: ExtensionToDashboard[];
}

async function freshPage(h: Harness): Promise<Page> {
  const page = await h.browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${h.origin}/?theme=dark`);
  await page.waitForFunction(() => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'ready'));
  return page;
}

/**
 * Posts the page's `__burst` messages in one go and counts the curves chart's points at the
 * end of each of its draws (wrapping the chart's own `draw`), so what is counted is what was
 * painted, not what the model holds but no draw has shown yet.
 */
async function postAndWatch(page: Page, trialIds: string[], results: number): Promise<DrawnRun> {
  return page.evaluate(
    async ({ ids, results, deadline, settle }) => {
      type Line = { trialId?: string; points: ReadonlyArray<{ x: number }> };
      type Count = { drawn: number[]; duplicates: number };
      const w = globalThis as unknown as BurstWindow & { setTimeout(f: () => void, ms: number): number; performance: { now(): number } };
      const curves = w.tunekitDashboard.curves as unknown as {
        layer: { lines: Line[]; live: Line[] };
        chart: { draw(): void; data: { datasets: Array<{ trialId?: string; data: Line['points'] }> } };
      };
      const count = (): Count => {
        const seen = new Map<string, Set<number>>(ids.map((id) => [id, new Set<number>()]));
        let duplicates = 0;
        for (const line of [...curves.layer.lines, ...curves.layer.live, ...curves.chart.data.datasets.map((d) => ({ trialId: d.trialId, points: d.data }))]) {
          const xs = line.trialId === undefined ? undefined : seen.get(line.trialId);
          if (!xs) continue;
          for (const p of line.points) {
            if (xs.has(p.x)) duplicates++;
            else if (Number.isInteger(p.x) && p.x >= 1 && p.x <= results) xs.add(p.x);
          }
        }
        return { drawn: ids.map((id) => seen.get(id)!.size), duplicates };
      };
      const chart = curves.chart;
      const draw = chart.draw;
      let lastDrawn: Count = { drawn: ids.map(() => 0), duplicates: 0 };
      let doneAt: number | undefined;
      let wake = () => {};
      chart.draw = function (this: unknown) {
        draw.call(this);
        lastDrawn = count();
        if (doneAt === undefined && lastDrawn.drawn.every((n) => n === results)) {
          doneAt = w.performance.now();
          wake();
        }
      };
      try {
        const started = w.performance.now();
        for (const m of w.__burst) w.postMessage(m, '*');
        await new Promise<void>((r) => {
          wake = r;
          w.setTimeout(r, deadline);
        });
        const complete = doneAt !== undefined;
        const ms = (doneAt ?? w.performance.now()) - started;
        // The end state: what the last draw painted once the last delta and both redraw paces have settled.
        await new Promise<void>((r) => w.setTimeout(r, settle));
        return { ms, complete, ...lastDrawn };
      } finally {
        chart.draw = draw;
      }
    },
    { ids: trialIds, results, deadline: DEADLINE_MS, settle: SETTLE_MS },
  );
}

async function stage(page: Page, messages: ExtensionToDashboard[]): Promise<void> {
  await page.evaluate((ms) => {
    (globalThis as unknown as BurstWindow).__burst = ms;
  }, messages);
}

/** One live burst into a dashboard that already shows the 40 trials with no results, and one first render of the end state. */
export async function burstOnce(h: Harness): Promise<{ live: DrawnRun; firstRender: DrawnRun }> {
  const work = burstWorkload(BURST);
  const livePage = await freshPage(h);
  let live: DrawnRun;
  try {
    await send(livePage, work.opening);
    await stage(livePage, work.deltas);
    await livePage.waitForTimeout(300);
    live = await postAndWatch(livePage, work.trialIds, BURST.results);
  } finally {
    await livePage.close();
  }
  const firstPage = await freshPage(h);
  try {
    await stage(firstPage, work.firstRender);
    return { live, firstRender: await postAndWatch(firstPage, work.trialIds, BURST.results) };
  } finally {
    await firstPage.close();
  }
}

/** How many deltas the burst is, for the summary. */
export function burstDeltaCount(): number {
  return burstWorkload(BURST).deltas.length;
}
