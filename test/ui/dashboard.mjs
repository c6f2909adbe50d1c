// The dashboard steps of the scenarios. A step runs when the installed extension contributes
// tunekit.openDashboard and is skipped, with its reason printed, when it does not. Charts draw
// on a canvas, so a step reads the chart.js datasets through `window.tunekitDashboard`, the
// handle the dashboard's own browser tests use (test/browser/harness.ts). The page sets it
// only when its body has `data-test-hook`; `exposeTestHook` answers yes for our webviews.
import { treeRow } from './workbench.mjs';
import { until } from './until.mjs';

export const DASHBOARD_COMMAND = 'tunekit.openDashboard';
const WEBVIEW_PATH = '/webview/browser/pre/';

/** Before any page loads: in webview documents, `body.hasAttribute('data-test-hook')` is true. */
export async function exposeTestHook(context) {
  await context.addInitScript((webviewPath) => {
    // The page's frame starts as about:blank inside the webview's frame, and keeps its window.
    const parentHref = () => {
      try {
        return window.parent !== window ? window.parent.location.href : '';
      } catch {
        return '';
      }
    };
    if (!location.href.includes(webviewPath) && !parentHref().includes(webviewPath)) return;
    const has = Element.prototype.hasAttribute;
    Element.prototype.hasAttribute = function hasAttribute(name) {
      return (name === 'data-test-hook' && this === document.body) || has.call(this, name);
    };
  }, WEBVIEW_PATH);
}

/** The dashboard page's frame: the webview frame in which the app registered itself. */
async function dashboardFrame(page) {
  return until('the dashboard page to start', async () => {
    for (const frame of page.frames().filter((f) => f.url().includes(WEBVIEW_PATH))) {
      if (await frame.evaluate(() => !!window.tunekitDashboard).catch(() => false)) return frame;
    }
    return undefined;
  }, 30_000, () => page.frames().map((f) => f.url()));
}

/**
 * Opens an experiment's dashboard from its row's inline action and runs `check(frame)`,
 * or says why the step is skipped; returns whether it ran.
 */
export async function dashboardStep(session, experimentName, what, check) {
  if (!session.hasCommand(DASHBOARD_COMMAND)) {
    session.step(`skipped: ${what} (the installed extension has no ${DASHBOARD_COMMAND} command)`);
    return false;
  }
  session.step(what);
  const { page } = session;
  const row = treeRow(page, 'Experiments', experimentName);
  await row.hover();
  await row.locator('.action-label[aria-label^="Open Dashboard"]').click();
  await page.locator('iframe.webview.ready').waitFor({ timeout: 30_000 });
  await check(await dashboardFrame(page));
  return true;
}

/** Trial ids the learning curves draw a line for: chart.js datasets, plus the curves painted under them (running and the rest). */
export function curveTrials(frame) {
  return frame.evaluate(() => {
    const curves = window.tunekitDashboard.curves;
    const painted = [...(curves.layer.lines ?? []), ...(curves.layer.live ?? [])];
    const ids = [
      ...curves.chart.data.datasets.filter((d) => d.trialId && !d.marker && d.data.length).map((d) => d.trialId),
      ...painted.filter((l) => l.trialId && !l.dashed && l.points.length).map((l) => l.trialId),
    ];
    return [...new Set(ids)].sort();
  });
}

/** The learning curves' markers of one kind (`restore`, `stop`), with their tooltip text. */
export function curveMarkers(frame, kind) {
  return frame.evaluate((k) => window.tunekitDashboard.curves.chart.data.datasets.filter((d) => d.marker === k).flatMap((d) => d.data), kind);
}

/** The slots timeline's bars of trials holding a lane: lane label and trial id. */
export function heldLanes(frame) {
  return frame.evaluate(() =>
    window.tunekitDashboard.timelineView.chart.data.datasets.filter((d) => d.label === 'held').flatMap((d) => d.data.map((b) => ({ lane: b.y, trialId: b.trialId }))),
  );
}

/** Both redraw paces have drawn, no history is still loading, and best-so-far has its line. */
export function dashboardSettled(frame) {
  return frame.evaluate(() => {
    const app = window.tunekitDashboard;
    return app.renders.fast > 0 && app.renders.slow > 0 && app.data.pendingHistories === 0 && (app.best.chart.data.datasets[0]?.data.length ?? 0) > 0;
  });
}
