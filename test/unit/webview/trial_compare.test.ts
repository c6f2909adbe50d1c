import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTrials } from '../../../webview/model/trial_compare';
import { trial } from './trials';

const a = trial('a', { config: { train_loop_config: { lr: 0.0012211, epochs: 10 } }, metrics: { loss: 0.3 }, iteration: 10 });
const b = trial('b', { config: { train_loop_config: { lr: 0.0012213, epochs: 10 } }, metrics: { loss: 0.3, acc: 0.9 }, iteration: 10 });

describe('trial comparison', () => {
  it('differences only keeps the fields that differ, compared unrounded', () => {
    const rows = compareTrials([a, b], true);
    assert.deepEqual(rows.map((r) => r.label), ['config.train_loop_config.lr', 'acc']);
    assert.deepEqual(rows[1].values, ['', '0.9']);
  });

  it('without the filter every field shows, with the differing ones marked', () => {
    const rows = compareTrials([a, b], false);
    assert.ok(rows.some((r) => r.label === 'config.train_loop_config.epochs' && !r.differs && r.values.join() === '10,10'));
    assert.ok(rows.find((r) => r.label === 'status')!.differs === false);
  });
});
