import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dashboardCsp, dashboardHtml } from '../../../extension/dashboard_html';
import { readRecordFacts, TimelineReader } from '../../../extension/experiment_record_reader';

describe('the dashboard page', () => {
  const html = dashboardHtml({ cspSource: 'https://file+.vscode-resource.test', nonce: 'abc123', scriptUri: 'https://x/dashboard.js', styleUri: 'https://x/dashboard.css', title: 'Dashboard: "q" <b>' });

  it('allows only nonce’d scripts, no eval and no inline code', () => {
    const csp = dashboardCsp('https://src', 'N');
    assert.equal(csp, "default-src 'none'; script-src 'nonce-N'; style-src https://src 'nonce-N'; img-src https://src data:; font-src https://src");
    assert.doesNotMatch(csp, /unsafe/);
  });

  it('loads the bundle and stylesheet with the nonce and has no inline script', () => {
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/dashboard.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/dashboard.css" nonce="abc123">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, / on\w+=/);
  });

  it('escapes the title', () => {
    assert.match(html, /<title>Dashboard: &quot;q&quot; &lt;b&gt;<\/title>/);
  });
});

describe('reading an experiment directory for the dashboard', () => {
  it('takes param_space and admission from experiment.json, and capacity from the spec’s resources over the machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-dash-'));
    try {
      const spec = { param_space: { lr: { loguniform: [0.001, 1] } }, tune_config: { admission: 'ray' }, resources: { GPU: 2 } };
      writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ spec, machine: { cpu: { logical: 8 }, gpus: [] } }));
      writeFileSync(
        join(dir, 'events.jsonl'),
        [
          { type: 'experiment_started', ts: 1, experiment_id: 'e', name: 'n' },
          { type: 'checkpoint_committed', ts: 2, trial_id: 'a', checkpoint_dir_name: 'c', iteration: 1 },
          { type: 'trial_waiting', ts: 3, trial_id: 'a', reason: 'r' },
        ]
          .map((e) => JSON.stringify(e))
          .join('\n') + '\n{"type":"trial_fin',
      );
      const facts = await readRecordFacts(dir);
      assert.deepEqual(facts, { paramSpace: spec.param_space, capacity: { CPU: 8, gpus: [0, 1] }, admission: 'ray' });
      const reader = new TimelineReader(dir);
      assert.deepEqual((await reader.read()).map((e) => e.type), ['experiment_started', 'trial_waiting'], 'checkpoint events and the torn line are not timeline events');
      assert.deepEqual(await reader.read(), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing experiment.json gives an empty space rather than an error', async () => {
    assert.deepEqual(await readRecordFacts('/nonexistent/exp'), { paramSpace: {}, capacity: { CPU: 0, gpus: [] }, admission: 'coordinated' });
  });
});
