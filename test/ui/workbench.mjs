// What a user does in the workbench, as Playwright calls on code-server's page: the
// selectors are the ones /work/shared/vscode-e2e.md found to work with VS Code 1.139.
import { until } from './until.mjs';

const TUNEKIT_CONTAINER = '.activitybar .action-item .action-label[aria-label^="Tunekit"]';

export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator(TUNEKIT_CONTAINER).waitFor({ timeout });
}

/**
 * Shows the Tunekit side bar. Its icon toggles, and right after a reload the workbench may
 * restore the side bar on its own just after a click, hiding it again; so: click when
 * hidden, give it two seconds, look again.
 */
export async function showTunekit(page) {
  const experiments = page.locator('.pane-header', { hasText: 'Experiments' });
  await until('the Tunekit side bar to show', async () => {
    if (await experiments.isVisible()) return true;
    await page.locator(TUNEKIT_CONTAINER).click();
    return experiments.waitFor({ timeout: 2_000 }).then(() => true, () => false);
  }, 30_000);
  await widenSideBar(page);
}

/** Trial rows carry their parameters in the description; the default side bar cuts them off. */
async function widenSideBar(page, width = 560) {
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (!bar || bar.width >= width) return;
  const edge = bar.x + bar.width;
  await page.mouse.move(edge + 1, bar.y + bar.height / 2);
  await page.mouse.down();
  await page.mouse.move(bar.x + width, bar.y + bar.height / 2, { steps: 5 });
  await page.mouse.up();
}

export async function statusBarText(page) {
  const item = page.locator('.statusbar-item', { hasText: 'Tunekit:' }).first();
  return (await item.isVisible()) ? (await item.innerText()).trim() : '';
}

export function waitForStatus(page, pattern, timeout = 30_000) {
  return until(`the status bar to match ${pattern}`, async () => {
    const text = await statusBarText(page);
    return pattern.test(text) ? text : undefined;
  }, timeout, () => statusBarText(page));
}

/** F1, the command's title, Enter: the way a user runs a command. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
export async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
}

export function lens(page, title) {
  return page.locator('.monaco-editor .codelens-decoration a', { hasText: title });
}

/** Lenses sit above line 1, where the editor drops them from the DOM once it scrolls a little. */
export async function clickLens(page, title, timeout = 20_000) {
  const scrollToTop = async () => {
    const editor = await page.locator('.editor-instance .monaco-editor .lines-content').first().boundingBox();
    if (!editor) return;
    await page.mouse.move(editor.x + 200, editor.y + 60);
    await page.mouse.wheel(0, -2000);
  };
  await scrollToTop();
  try {
    await lens(page, title).click({ timeout: timeout / 2 });
  } catch {
    await page.keyboard.press('Escape');
    await scrollToTop();
    const seen = await page.evaluate(() => ({
      lenses: [...document.querySelectorAll('.monaco-editor .codelens-decoration')].map((e) => e.textContent),
      firstLineTop: document.querySelector('.editor-instance .monaco-editor .view-line')?.getBoundingClientRect().top,
    }));
    await lens(page, title).click({ timeout: timeout / 2 }).catch((e) => {
      throw new Error(`no "${title}" lens to click (lenses shown: ${JSON.stringify(seen)}): ${e.message.split('\n')[0]}`);
    });
  }
}

export function pane(page, name) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: name }) });
}

/** A tree row by its label (exact), inside one view. */
export function treeRow(page, view, label) {
  return pane(page, view).locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Expands a collapsed tree row (clicking an expanded one would fold it). */
export async function expand(row) {
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await until(`${await row.innerText()} to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', 10_000);
}

/** Every row a view shows now: label, description, codicon and the accessible label (the tooltip). */
export async function rowsOf(page, view) {
  return pane(page, view).evaluate((el) => [...el.querySelectorAll('.monaco-list-row')].map(readRow));
}

export function notificationToasts(page) {
  return page.locator('.notifications-toasts .notification-list-item-message');
}

export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Installs, once per page load, the in-page row reader the recorder and rowsOf share. */
export async function installRowReader(page) {
  await page.addInitScript(() => {
    const codicon = (el) => [...(el?.classList ?? [])].find((c) => c.startsWith('codicon-') && c !== 'codicon-colored' && !c.startsWith('codicon-modifier')) ?? '';
    window.readRow = (r) => ({
      label: r.querySelector('.label-name')?.textContent ?? '',
      description: r.querySelector('.label-description')?.textContent ?? '',
      icon: codicon(r.querySelector('.custom-view-tree-node-item-icon')).replace(/^codicon-/, ''),
      aria: r.getAttribute('aria-label') ?? '',
      level: Number(r.getAttribute('aria-level') ?? 0),
    });
  });
}

/**
 * Records every rendering of a view's rows, of the status bar and of the editors' lenses
 * (`lenses`: their texts joined by " | "), from inside the page (a MutationObserver), so
 * states shown for a quarter of a second are not missed.
 */
export async function startRecording(page, view) {
  await pane(page, view).waitFor();
  await page.evaluate((viewName) => {
    const pane = [...document.querySelectorAll('.pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes(viewName));
    const status = document.querySelector('.statusbar');
    const editors = document.querySelector('.part.editor');
    window.tunekitFrames = [];
    let last = '';
    const snap = () => {
      const rows = [...pane.querySelectorAll('.monaco-list-row')].map(window.readRow);
      const statusText = [...status.querySelectorAll('.statusbar-item')].map((s) => s.textContent ?? '').find((t) => t.includes('Tunekit:')) ?? '';
      const lenses = [...editors.querySelectorAll('.codelens-decoration')].map((l) => (l.textContent ?? '').trim()).join(' | ');
      const key = JSON.stringify([rows, statusText, lenses]);
      if (key !== last) window.tunekitFrames.push({ at: Date.now(), rows, status: statusText.trim(), lenses });
      last = key;
    };
    window.tunekitObserver?.disconnect();
    window.tunekitObserver = new MutationObserver(snap);
    for (const el of [pane, status, editors]) window.tunekitObserver.observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
    snap();
  }, view);
}

export function recordedFrames(page) {
  return page.evaluate(() => window.tunekitFrames ?? []);
}
