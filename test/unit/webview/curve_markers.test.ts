import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curveMarkers } from '../../../webview/model/curve_markers';
import { splitSuperseded } from '../../../webview/model/series';
import { columns, trial } from './trials';

describe('curve markers', () => {
  it('a restore is marked on the checkpoint row it continued from, naming its source', () => {
    const rows = columns([1, 2, 3, 4, 3, 4, 5]);
    const t = trial('t1', {
      restores: [{ ts: 1005, iteration: 2, fromCheckpoint: 'checkpoint_000001', reason: 'PBT exploit of t7', afterFailure: false, source: 'Trainer_t7/checkpoint_000002' }],
    });
    const [m] = curveMarkers(t, rows, splitSuperseded(rows.iteration).current, 'loss', 'training_iteration');
    assert.equal(m.kind, 'restore');
    assert.equal(m.x, 2);
    assert.equal(m.y, 0.5);
    assert.match(m.text, /from Trainer_t7\/checkpoint_000002 at iteration 2: PBT exploit of t7/);
  });

  it('a restore without a checkpoint says it started from scratch', () => {
    const t = trial('t1', { restores: [{ ts: 1, iteration: 0, reason: 'worker 0 was killed', afterFailure: true }] });
    const [m] = curveMarkers(t, columns([1, 2]), [0, 1], 'loss', 'training_iteration');
    assert.match(m.text, /from scratch/);
    assert.equal(m.x, 1);
  });

  it('an early stop by a scheduler is marked at its iteration with the reason', () => {
    const t = trial('t2', { stoppedEarly: true, decisions: [{ ts: 1, iteration: 4, kind: 'stop', reason: 'stopped by ASHA at rung 4' }] });
    const [m] = curveMarkers(t, columns([1, 2, 3, 4]), [0, 1, 2, 3], 'loss', 'time_total_s');
    assert.deepEqual([m.kind, m.x, m.text], ['stop', 4, 'stopped early: stopped by ASHA at rung 4']);
  });

  it('an early stop whose judged row has not arrived yet is not drawn on an earlier row', () => {
    const t = trial('t2', { stoppedEarly: true, decisions: [{ ts: 1, iteration: 9, kind: 'stop', reason: 'stopped by ASHA at rung 9' }] });
    assert.deepEqual(curveMarkers(t, columns([1, 2, 3, 4, 5, 6]), [0, 1, 2, 3, 4, 5], 'loss', 'training_iteration'), []);
    const [m] = curveMarkers(t, columns([1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 1, 2, 3, 4, 5, 6, 7, 8], 'loss', 'training_iteration');
    assert.equal(m.x, 9);
  });

  it('reaching max_t is a normal end and gets no early-stop marker', () => {
    const t = trial('t3', { decisions: [{ ts: 1, iteration: 8, kind: 'stop', reason: 'reached max_t 8' }] });
    assert.deepEqual(curveMarkers(t, columns([1, 8]), [0, 1], 'loss', 'training_iteration'), []);
  });

  it('a trial stopped by a metric stop rule is marked at its last row', () => {
    const t = trial('t4', { stoppedEarly: true, iteration: 3, endReason: 'stop criterion loss >= 0.3' });
    const [m] = curveMarkers(t, columns([1, 2, 3]), [0, 1, 2], 'loss', 'training_iteration');
    assert.deepEqual([m.x, m.text], [3, 'stopped early: stop criterion loss >= 0.3']);
  });

  it('a trial the user stopped gets its own mark on its last result; one that completed gets none', () => {
    const rows = columns([1, 2, 3]);
    const stopped = trial('t4', { iteration: 3, endReason: 'stopped by the user' });
    const [m] = curveMarkers(stopped, rows, [0, 1, 2], 'loss', 'training_iteration');
    assert.deepEqual([m.kind, m.x, m.text], ['user-stop', 3, 'stopped by the user at iteration 3']);
    assert.deepEqual(curveMarkers(trial('t5', { iteration: 3 }), rows, [0, 1, 2], 'loss', 'training_iteration'), []);
  });
});
