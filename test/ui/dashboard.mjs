// The dashboard steps of the scenarios. The dashboard (command tunekit.openDashboard) is
// being built beside these scenarios: until the installed extension contributes the command,
// each step is skipped with its reason printed. Once it does, a step opens the panel and
// reads the webview's DOM. Charts draw on a canvas, so a step reads what the dashboard states
// in its DOM: per-trial series as elements with `data-trial-id` inside the chart's section
// (`[data-chart="<name>"]`), and markers as `[data-marker="<kind>"]`.
import { runCommand } from './workbench.mjs';
import { until } from './until.mjs';

export const DASHBOARD_COMMAND = 'tunekit.openDashboard';

/** The webview's document: VS Code nests it in two iframes. */
export function dashboardFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Runs `check` on the opened dashboard, or says why the step is skipped; returns whether it ran. */
export async function dashboardStep(session, what, check) {
  if (!session.hasCommand(DASHBOARD_COMMAND)) {
    session.step(`skipped: ${what} (the installed extension has no ${DASHBOARD_COMMAND} command yet)`);
    return false;
  }
  session.step(what);
  const { page } = session;
  if (!(await page.locator('iframe.webview.ready').count())) {
    await runCommand(page, session.commandTitle(DASHBOARD_COMMAND));
  }
  await page.locator('iframe.webview.ready').waitFor({ timeout: 20_000 });
  await check(dashboardFrame(page));
  return true;
}

/** The distinct trial ids a chart section shows series for. */
export async function seriesIn(frame, chart) {
  const section = frame.locator(`[data-chart="${chart}"]`);
  await section.waitFor({ timeout: 20_000 });
  const ids = await section.locator('[data-trial-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trial-id')));
  return [...new Set(ids)];
}

/** Waits until a chart shows exactly these trials' series. */
export async function waitForSeries(frame, chart, trialIds) {
  const want = [...trialIds].sort().join(',');
  await until(`the ${chart} chart to show one series per trial (${trialIds.length})`, async () => (await seriesIn(frame, chart)).sort().join(',') === want, 20_000, () =>
    seriesIn(frame, chart),
  );
}
