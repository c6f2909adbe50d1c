import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCsv } from '../../../webview/model/csv_export';
import { DEFAULT_QUERY, tableColumns, tableRows, toggleSort, trialHoverLines, visibleColumns } from '../../../webview/model/trial_table';
import { trial } from './trials';

const trials = [
  trial('t0', { index: 0, status: 'TERMINATED', iteration: 10, metrics: { loss: 0.3 }, params: [{ path: 'cfg/lr', value: 0.01 }] }),
  trial('t1', { index: 1, status: 'RUNNING', iteration: 4, metrics: { loss: 0.2 }, params: [{ path: 'cfg/lr', value: 0.1 }] }),
  trial('t2', { index: 2, status: 'ERROR', iteration: 1, metrics: {}, params: [{ path: 'cfg/lr', value: 0.001 }] }),
  trial('t3', { index: 3, status: 'TERMINATED', stoppedEarly: true, iteration: 2, metrics: { loss: 0.9 }, params: [{ path: 'cfg/lr', value: 'x,"y"' }] }),
];
const columns = tableColumns(['cfg/lr'], ['loss'], (p) => p.split('/').pop()!);
const ids = (rows: typeof trials) => rows.map((t) => t.id);

describe('trial table', () => {
  it('sorts by a metric, missing values last in either direction', () => {
    const asc = { ...DEFAULT_QUERY, sort: { key: 'metric:loss', descending: false } };
    assert.deepEqual(ids(tableRows(trials, columns, asc)), ['t1', 't0', 't3', 't2']);
    assert.deepEqual(ids(tableRows(trials, columns, toggleSort(asc, 'metric:loss'))), ['t3', 't0', 't1', 't2']);
  });

  it('a search finds trials by id, by name or by a parameter, each word narrowing, in any case', () => {
    const named = [...trials.slice(0, 3), trial('t12', { index: 12, name: 'Trainer_t12_special', params: [{ path: 'cfg/opt', value: 'Adam' }] })];
    const find = (search: string) => ids(tableRows(named, columns, { ...DEFAULT_QUERY, search }));
    assert.deepEqual(find('t1'), ['t1', 't12']);
    assert.deepEqual(find('SPECIAL'), ['t12']);
    assert.deepEqual(find('lr=0.1'), ['t1']);
    assert.deepEqual(find('cfg/opt=adam'), ['t12']);
    assert.deepEqual(find('t1 opt=adam'), ['t12']);
    assert.deepEqual(find('  '), ['t0', 't1', 't2', 't12']);
  });

  it('a search finds trials by a constant they ran with, not only by sampled values (issue 15)', () => {
    const ran = [
      trial('t0', { params: [{ path: 'train_loop_config/lr', value: 0.01 }], config: { train_loop_config: { lr: 0.01, epochs: 10 } } }),
      trial('t1', { params: [{ path: 'train_loop_config/lr', value: 0.1 }], config: { train_loop_config: { lr: 0.1, epochs: 20 } } }),
    ];
    const find = (search: string) => ids(tableRows(ran, columns, { ...DEFAULT_QUERY, search }));
    assert.deepEqual(find('epochs=20'), ['t1']);
    assert.deepEqual(find('train_loop_config/epochs=10'), ['t0']);
    assert.deepEqual(find('lr=0.1'), ['t1']);
  });

  it("a trial's hover lists its sampled values, then the constants it ran with, marked (issue 15)", () => {
    const t = trial('t0', {
      status: 'TERMINATED',
      params: [{ path: 'train_loop_config/lr', value: 0.01 }],
      config: { train_loop_config: { lr: 0.01, epochs: 10, layers: [64, 32] }, seed: 3 },
    });
    assert.deepEqual(trialHoverLines(t), ['terminated', 'lr = 0.01', 'epochs = 10 (constant)', 'layers = [64,32] (constant)', 'seed = 3 (constant)']);
    assert.deepEqual(trialHoverLines(trial('t1', { params: [{ path: 'cfg/lr', value: 0.1 }], config: { cfg: { lr: 0.1 } } })), ['terminated', 'lr = 0.1']);
  });

  it('hidden columns are left out, in their order, but the trial column always shows', () => {
    assert.deepEqual(visibleColumns(columns, ['status', 'param:cfg/lr', 'id']).map((c) => c.key), ['id', 'iteration', 'metric:loss']);
  });

  it('filters by status', () => {
    assert.deepEqual(ids(tableRows(trials, columns, { ...DEFAULT_QUERY, statuses: ['TERMINATED', 'ERROR'] })), ['t0', 't2', 't3']);
  });

  it('filters by value ranges; a trial without the value is out', () => {
    const rows = tableRows(trials, columns, { ...DEFAULT_QUERY, ranges: [{ key: 'metric:loss', max: 0.5 }, { key: 'iteration', min: 3 }] });
    assert.deepEqual(ids(rows), ['t0', 't1']);
  });

  it('a category filter (a brush on a categorical parallel axis) keeps the trials whose value is one of its categories, numbers or strings', () => {
    const mixed = [...trials, trial('t4', { index: 4, params: [{ path: 'cfg/lr', value: true }] })];
    const keep = (values: string[]) => ids(tableRows(mixed, columns, { ...DEFAULT_QUERY, ranges: [{ key: 'param:cfg/lr', values }] }));
    assert.deepEqual(keep(['0.1', '0.001']), ['t1', 't2']);
    assert.deepEqual(keep(['x,"y"', 'true']), ['t3', 't4']);
    assert.deepEqual(keep([]), []);
  });

  it('a trial stopped by the user reads TERMINATED (by user), not completed nor stopped early', () => {
    assert.equal(columns[1].value(trial('t9', { status: 'TERMINATED', endReason: 'stopped by the user' })), 'TERMINATED (by user)');
    assert.equal(columns[1].value(trial('t9', { status: 'TERMINATED', endReason: 'stop criterion training_iteration >= 3' })), 'TERMINATED');
  });

  it('a trial stopped by a scheduler reads TERMINATED (early)', () => {
    assert.equal(columns[1].value(trials[3]), 'TERMINATED (early)');
  });

  it('exports the shown rows as CSV with quoting and full precision', () => {
    const csv = toCsv(columns, tableRows(trials, columns, { ...DEFAULT_QUERY, statuses: ['TERMINATED'] }));
    assert.equal(csv, 'trial,status,iter,lr,loss\r\nt0,TERMINATED,10,0.01,0.3\r\nt3,TERMINATED (early),2,"x,""y""",0.9\r\n');
  });

  it('a text cell a spreadsheet would run as a formula is exported as text', () => {
    const evil = [trial('t9', { params: [{ path: 'cfg/lr', value: '=HYPERLINK("x")' }], metrics: { loss: -1 } })];
    const line = toCsv(columns, evil).split('\r\n')[1];
    assert.equal(line, `t9,TERMINATED,0,"'=HYPERLINK(""x"")",-1`);
  });
});
