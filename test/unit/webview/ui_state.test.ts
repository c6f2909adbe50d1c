import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modeFor } from '../../../webview/model/header_stats';
import { DEFAULT_UI_STATE, restoreUiState } from '../../../webview/model/ui_state';
import type { DashboardExperiment } from '../../../protocol/dashboard_messages';

describe('UI state kept across reloads', () => {
  it('a saved state comes back as it was', () => {
    const saved = {
      metric: 'val_acc',
      mode: 'max',
      scope: 'all',
      xAxis: 'metric:val_acc',
      yScale: 'log',
      smoothing: 0.6,
      scatterParam: 'train_loop_config/lr',
      query: { sort: { key: 'metric:val_acc', descending: true }, statuses: ['RUNNING'], ranges: [{ key: 'iteration', min: 3 }], search: 'optimizer=adam' },
      hiddenColumns: ['param:train_loop_config/optimizer'],
      selection: ['a', 'b'],
      differencesOnly: false,
    };
    assert.deepEqual(restoreUiState(JSON.parse(JSON.stringify(saved))), { ...saved, query: { ...saved.query, ranges: [{ key: 'iteration', min: 3, max: undefined }] } });
  });

  it('a brush on a category axis comes back with its categories', () => {
    const query = { ...DEFAULT_UI_STATE.query, ranges: [{ key: 'param:train_loop_config/batch_size', values: ['64', '128'] }] };
    const restored = restoreUiState(JSON.parse(JSON.stringify({ ...DEFAULT_UI_STATE, query })));
    assert.deepEqual(restored.query.ranges, [{ key: 'param:train_loop_config/batch_size', min: undefined, max: undefined, values: ['64', '128'] }]);
  });

  it('anything malformed falls back to the defaults instead of breaking the page', () => {
    assert.deepEqual(restoreUiState(undefined), DEFAULT_UI_STATE);
    const state = restoreUiState({ mode: 'sideways', xAxis: 3, query: { statuses: ['BOGUS', 'ERROR'], ranges: [null, { key: 1 }] }, selection: [1, 'x'] });
    assert.deepEqual([state.mode, state.xAxis, state.query.statuses, state.query.ranges, state.selection], ['auto', 'training_iteration', ['ERROR'], [], ['x']]);
  });

  it('the best is judged with the experiment’s mode for its metric, and a loss is minimised otherwise', () => {
    const exp = { summary: { metric: 'val_acc', mode: 'max' } } as DashboardExperiment;
    assert.equal(modeFor('val_acc', exp, 'auto'), 'max');
    assert.equal(modeFor('train_loss', exp, 'auto'), 'min');
    assert.equal(modeFor('train_loss', exp, 'max'), 'max');
  });
});
