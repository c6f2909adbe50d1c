/**
 * The dashboard in headless Chromium (the browser tests' page host, same CSP and bundle):
 * first render of a big experiment, and the main thread's share of wall time while 16
 * running trials send results at 4 Hz, read from Chrome's own task accounting
 * (`Performance.getMetrics` TaskDuration), so layout and paint count too.
 */
import type { CDPSession, Page } from 'playwright-core';
import { browserMissing, startHarness, type Harness, type PageWindow } from '../../test/browser/harness';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, type BenchRow } from './benchmarks_markdown';
import { BURST, burstDeltaCount, burstOnce, type DrawnRun } from './dashboard_live_burst';
import { dashboardWorkload, type Workload, type WorkloadSize } from './dashboard_workload';
import { median } from './stats';

export interface DashboardParams {
  trials: number;
  points: number;
  running: number;
  renderRepeats: number;
  liveSeconds: number;
}

interface BenchWindow extends PageWindow {
  __bench: Workload;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

async function freshPage(h: Harness): Promise<Page> {
  const page = await h.browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${h.origin}/?theme=dark`);
  await page.waitForFunction(() => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'ready'));
  return page;
}

/** Milliseconds from posting snapshot and histories to the frame after both paces drew them. */
async function firstRender(page: Page, size: WorkloadSize): Promise<number> {
  await page.evaluate(`globalThis.__bench = (${dashboardWorkload.toString()})(${JSON.stringify(size)})`);
  return page.evaluate(async () => {
    const w = globalThis as unknown as BenchWindow & { requestAnimationFrame(f: () => void): void; performance: { now(): number } };
    const frame = () => new Promise<void>((r) => w.requestAnimationFrame(() => r()));
    const app = w.tunekitDashboard;
    const started = w.performance.now();
    w.postMessage(w.__bench.snapshot, '*');
    w.postMessage(w.__bench.history, '*');
    while (!(app.renders.fast > 0 && app.renders.slow > 0 && app.data.pendingHistories === 0)) await frame();
    await frame();
    return w.performance.now() - started;
  });
}

/** Chrome's main-thread task time so far and its clock, in seconds. */
async function taskClock(cdp: CDPSession): Promise<{ task: number; wall: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { task: value('TaskDuration'), wall: value('Timestamp') };
}

/** Main-thread busy fraction over `seconds`, posting the page's deltas every 250 ms, or idle. */
async function busyFraction(page: Page, cdp: CDPSession, withDeltas: boolean, seconds: number): Promise<number> {
  const before = await taskClock(cdp);
  if (withDeltas) {
    await page.evaluate(() => {
      const w = globalThis as unknown as BenchWindow & { setInterval(f: () => void, ms: number): number; clearInterval(id: number): void };
      let i = 0;
      const timer = w.setInterval(() => {
        if (i >= w.__bench.deltas.length) return w.clearInterval(timer);
        w.postMessage(w.__bench.deltas[i++], '*');
      }, 250);
    });
  }
  await page.waitForTimeout(seconds * 1000 + 300);
  const after = await taskClock(cdp);
  return (after.task - before.task) / (after.wall - before.wall);
}

async function liveRun(h: Harness, size: WorkloadSize, seconds: number): Promise<{ idle: number; busy: number; draws: number; lastX: number }> {
  const page = await freshPage(h);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await firstRender(page, size);
    await page.waitForTimeout(1500);
    const idle = await busyFraction(page, cdp, false, seconds);
    const drawsBefore = await page.evaluate(() => (globalThis as unknown as PageWindow).tunekitDashboard.renders.fast);
    const busy = await busyFraction(page, cdp, true, seconds);
    const after = await page.evaluate(() => {
      const w = globalThis as unknown as BenchWindow;
      const id = w.__bench.snapshot.trials[0].id;
      const line = w.tunekitDashboard.curves.layer.live.find((l) => l.trialId === id);
      return { draws: w.tunekitDashboard.renders.fast, lastX: Number(line?.points.at(-1)?.x ?? NaN) };
    });
    return { idle, busy, draws: after.draws - drawsBefore, lastX: after.lastX };
  } finally {
    await cdp.detach();
    await page.close();
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The burst's row, notes and failures: a missing or doubled point shows in the figure and in capitals in the notes, never only in a log. */
function burstVerdict(runs: Array<{ live: DrawnRun; firstRender: DrawnRun }>): { row: BenchRow; notes: string[]; failures: string[] } {
  const total = BURST.trials * BURST.results;
  const notes: string[] = [];
  const failures: string[] = [];
  const check = (run: DrawnRun, name: string): boolean => {
    const drawn = run.drawn.reduce((a, b) => a + b, 0);
    const short = run.drawn.map((n, i) => [i, n] as const).filter(([, n]) => n !== BURST.results);
    const problems: string[] = [];
    if (!run.complete) problems.push(`not every point showed within ${run.ms.toFixed(0)} ms`);
    if (drawn !== total) problems.push(`${count(total - drawn)} OF ${count(total)} POINTS MISSING at the end (trial index: drawn) ${short.map(([i, n]) => `${i}: ${n}`).join(', ')}`);
    if (run.duplicates) problems.push(`${run.duplicates} points drawn twice`);
    if (problems.length) {
      notes.push(`**LIVE BURST CHECK FAILED, ${name}:** ${problems.join('; ')}.`);
      failures.push(`live burst, ${name}: ${problems.join('; ')}`);
    }
    return problems.length === 0;
  };
  let liveOk = true;
  let firstOk = true;
  runs.forEach((r, i) => {
    liveOk = check(r.live, `live run ${i + 1}`) && liveOk;
    firstOk = check(r.firstRender, `first render ${i + 1}`) && firstOk;
  });
  const ok = liveOk && firstOk;
  const worst = (pick: (r: { live: DrawnRun; firstRender: DrawnRun }) => DrawnRun) => Math.min(...runs.map((r) => pick(r).drawn.reduce((a, b) => a + b, 0)));
  const live = median(runs.map((r) => r.live.ms));
  const first = median(runs.map((r) => r.firstRender.ms));
  const drawnCell = (n: number) => (n === total ? `all ${count(total)} points drawn` : `ONLY ${count(n)} OF ${count(total)} POINTS DRAWN`);
  notes.unshift(
    `Live burst, first delta → every point drawn (ms): ${runs.map((r) => r.live.ms.toFixed(0)).join(', ')}; as a first render: ${runs.map((r) => r.firstRender.ms.toFixed(0)).join(', ')}. ` +
      `Points drawn at the end, live: ${runs.map((r) => count(r.live.drawn.reduce((a, b) => a + b, 0))).join(', ')}; first render: ${runs.map((r) => count(r.firstRender.drawn.reduce((a, b) => a + b, 0))).join(', ')} (of ${count(total)} each).`,
  );
  return {
    row: {
      what: `live burst, ${BURST.trials} trials × ${BURST.results} results at full speed into an open dashboard, first delta → every point drawn ÷ the same points as a first render`,
      figure: `${ms(live)}, ${drawnCell(worst((r) => r.live))}${liveOk ? '' : ' (CHECK FAILED, see notes)'}`,
      baseline: `${ms(first)}, ${drawnCell(worst((r) => r.firstRender))}${firstOk ? '' : ' (CHECK FAILED, see notes)'}`,
      ratio: ok ? formatRatio(live / first) : `${formatRatio(live / first)} (CHECK FAILED)`,
      target: `all ${count(total)} points drawn`,
    },
    notes,
    failures,
  };
}

export async function runDashboardBench(ctx: BenchContext, p: DashboardParams): Promise<BenchOutcome> {
  const title = 'Dashboard rendering';
  const summary =
    `The dashboard bundle in headless Chromium under the extension's CSP (the browser tests' page host), fed a synthetic experiment of ${p.trials} trials × ${p.points} points ` +
    `(loss and accuracy over a log-scaled lr, an int and a categorical param, 16 CPU slots). First render: from posting the snapshot and histories to the frame after every chart, the header and the table drew them (median of ${p.renderRepeats}, a fresh page each). ` +
    `Live: ${p.running} running trials each send one result every 250 ms for ${p.liveSeconds} s; the figure is Chrome's TaskDuration over wall time (script, layout and paint), the baseline the same page idle for as long. ` +
    `Live burst (issue 15): a dashboard opened on ${BURST.trials} running trials before their first result is posted ${BURST.trials} × ${BURST.results} results back to back, ` +
    `as ${burstDeltaCount()} deltas made by the extension's own store and feed from runtime batches of ${BURST.rowsPerBatch} rows (harder than the panel, whose 250 ms flush would merge them into a few); the figure is from the first delta to the end of the first curves-chart draw that paints every point (counted inside the chart's own draw, from its layers and datasets), ` +
    `the baseline the same end state posted to a fresh page as a first render, timed to the same condition (median of ${p.renderRepeats} each); the check counts the distinct iterations per trial in the last draw, a second after the timing ends.`;
  const missing = browserMissing();
  if (missing) {
    return { section: { title, summary, rows: [], notes: [`Not measured: ${missing}.`] }, failures: [] };
  }
  const ticks = p.liveSeconds * 4;
  const big: WorkloadSize = { trials: p.trials, points: p.points, running: p.running, ticks };
  const small: WorkloadSize = { trials: 10, points: p.points, running: 0, ticks: 0 };
  const onlyRunning: WorkloadSize = { trials: p.running, points: p.points, running: p.running, ticks };
  const h = await startHarness();
  const failures: string[] = [];
  try {
    const renders: number[] = [];
    const smallRenders: number[] = [];
    for (let r = 0; r < p.renderRepeats; r++) {
      ctx.progress(`dashboard: first render ${r + 1}/${p.renderRepeats}`);
      for (const [workload, into] of [[big, renders], [small, smallRenders]] as const) {
        const page = await freshPage(h);
        into.push(await firstRender(page, workload));
        await page.close();
      }
    }
    ctx.progress(`dashboard: ${p.running} running trials at 4 Hz for ${p.liveSeconds} s, in ${p.trials} trials and alone`);
    const live = await liveRun(h, big, p.liveSeconds);
    const alone = await liveRun(h, onlyRunning, p.liveSeconds);
    // Running trials start at half their points and gain one per tick.
    const expectedLast = Math.floor(p.points / 2) + ticks;
    for (const [name, run] of [['big', live], ['alone', alone]] as const) {
      if (run.lastX !== expectedLast) failures.push(`${name}: the last delta's point (iteration ${expectedLast}) is not drawn (last x ${run.lastX})`);
      if (run.draws > p.liveSeconds * 4 + 2) failures.push(`${name}: ${run.draws} redraws in ${p.liveSeconds} s exceed the 4 Hz pace`);
    }
    const bursts: Array<{ live: DrawnRun; firstRender: DrawnRun }> = [];
    for (let r = 0; r < p.renderRepeats; r++) {
      ctx.progress(`dashboard: live burst of ${BURST.trials} × ${BURST.results} results ${r + 1}/${p.renderRepeats}`);
      bursts.push(await burstOnce(h));
    }
    const burst = burstVerdict(bursts);
    failures.push(...burst.failures);
    const render = median(renders);
    const smallRender = median(smallRenders);
    const rows: BenchRow[] = [
      { what: `first render, ${p.trials} trials × ${p.points} points ÷ the same page with 10 trials`, figure: ms(render), baseline: ms(smallRender), ratio: formatRatio(render / smallRender), target: '≤ 500 ms' },
      { what: `main thread busy, ${p.running} running of ${p.trials} trials at 4 Hz ÷ idle`, figure: pct(live.busy), baseline: pct(live.idle), ratio: formatRatio(live.busy / Math.max(live.idle, 1e-9)), target: '≤ 10%' },
      { what: `main thread busy, ${p.running} running trials alone at 4 Hz ÷ idle`, figure: pct(alone.busy), baseline: pct(alone.idle), ratio: formatRatio(alone.busy / Math.max(alone.idle, 1e-9)), target: '≤ 10%' },
      burst.row,
    ];
    const notes = [
      ...burst.notes,
      `First renders (ms): ${renders.map((r) => r.toFixed(0)).join(', ')}; with 10 trials: ${smallRenders.map((r) => r.toFixed(0)).join(', ')}.`,
      `Redraws of the fast pace during the live runs: ${live.draws} and ${alone.draws} in ${p.liveSeconds} s (at most 4 a second by design).`,
      `Chromium ${h.browser.version()}, viewport 1400×1100, software rendering (--disable-gpu).`,
    ];
    return { section: { title, summary, rows, notes }, failures };
  } finally {
    await h.close();
  }
}
