// package.json's tree menus match items by `viewItem`; a misspelt value there hides a command
// with no error anywhere, so every match is checked against the closed set in tree_items.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExperimentSummary, TrialSummary } from '../../../protocol/runtime_api';
import { CONTEXT_VALUES, experimentItem, trialItem, type ContextValue } from '../../../extension/tree_items';
import { experiment, trial } from '../extension/summaries';

const root = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
};

interface ViewItemMatch {
  where: string;
  clause: string;
  matches: (value: string) => boolean;
}

/** Every `viewItem == x`, `viewItem != x` and `viewItem =~ /re/` in the menus' `when` clauses. */
function viewItemMatches(): ViewItemMatch[] {
  const found: ViewItemMatch[] = [];
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const entry of entries) {
      const when = entry.when ?? '';
      const where = `${menu} ${entry.command}`;
      for (const m of when.matchAll(/viewItem\s*(==|!=)\s*([\w.-]+)/g)) {
        found.push({ where, clause: m[0], matches: (value) => value === m[2] });
      }
      for (const m of when.matchAll(/viewItem\s*=~\s*\/((?:\\.|[^/\\])*)\/([a-z]*)/g)) {
        const re = new RegExp(m[1], m[2]);
        found.push({ where, clause: m[0], matches: (value) => re.test(value) });
      }
      const mentions = when.match(/viewItem/g)?.length ?? 0;
      const read = found.filter((f) => f.where === where && when.includes(f.clause)).length;
      assert.ok(read >= mentions, `${where}: a viewItem test this reader cannot parse: ${when}`);
    }
  }
  return found;
}

/** The context values the tree's builders produce, over every experiment state and trial status. */
function producedContextValues(): Set<ContextValue> {
  const experiments: ExperimentSummary[] = [
    experiment({ state: 'running', live: true }),
    experiment({ state: 'running', live: false }),
    experiment({ state: 'finished', live: false }),
  ];
  const statuses: Array<TrialSummary['status']> = ['PENDING', 'RUNNING', 'PAUSED', 'TERMINATED', 'ERROR'];
  return new Set([
    ...experiments.map((e) => experimentItem(e, 2000).contextValue),
    ...statuses.map((status) => trialItem(trial({ status })).contextValue),
  ]);
}

const matches = viewItemMatches();

test('the menus are read: every experiment and trial menu has a viewItem test', () => {
  assert.ok(matches.length >= 10, `only ${matches.length} viewItem tests read from package.json`);
});

test('every viewItem test in package.json matches a known context value', () => {
  const dead = matches.filter((m) => !CONTEXT_VALUES.some((value) => m.matches(value))).map((m) => `${m.where}: ${m.clause}`);
  assert.deepEqual(dead, []);
});

test('every context value a menu matches is one the tree actually produces', () => {
  const produced = producedContextValues();
  const withMenus = CONTEXT_VALUES.filter((value) => matches.some((m) => m.matches(value)));
  assert.deepEqual(
    withMenus.filter((value) => !produced.has(value)),
    [],
  );
  // The statuses a trial's menus name (stop while pending, running or paused; extend when ended).
  for (const value of [
    'trial.pending',
    'trial.running',
    'trial.paused',
    'trial.finished',
    'trial.error',
    'experiment.running',
    'experiment.resumable',
  ]) {
    assert.ok(withMenus.includes(value as ContextValue), `${value} has no menu`);
  }
});
