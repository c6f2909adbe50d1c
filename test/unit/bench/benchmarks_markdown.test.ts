import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRatio, formatSeconds, renderBenchmarks, type MachineFacts } from '../../../scripts/bench/benchmarks_markdown';

const machine: MachineFacts = {
  date: '2026-01-02',
  nproc: 2,
  cpuModel: 'Test CPU',
  node: 'v20.0.0',
  python: 'Python 3.11.7',
  loadAverage: '0.10 0.20 0.30',
  loadAverageAfter: '1.00 0.50 0.40',
};

test('each benchmark becomes a table with one line per row, under its own heading', () => {
  const text = renderBenchmarks(
    machine,
    [
      {
        title: 'Bookkeeping overhead',
        summary: 'N trials.',
        rows: [
          { what: 'wall ÷ spawn-bound', figure: '70 s', baseline: '66 s', ratio: '1.061×', target: '≤ 1.05×' },
          { what: 'wall ÷ naive', figure: '70 s', baseline: '62.5 s', ratio: '1.120×', target: '-' },
        ],
        notes: ['a note'],
      },
    ],
    'npm run bench',
  );
  const lines = text.split('\n');
  const heading = lines.indexOf('## Bookkeeping overhead');
  assert.ok(heading > 0);
  assert.ok(lines.includes('| what | figure | baseline | ratio | target |'));
  assert.ok(lines.includes('| wall ÷ spawn-bound | 70 s | 66 s | 1.061× | ≤ 1.05× |'));
  assert.ok(lines.includes('- a note'));
  assert.ok(lines.includes('| 2026-01-02 | 2 | Test CPU | v20.0.0 | Python 3.11.7 | 0.10 0.20 0.30 → 1.00 0.50 0.40 |'));
});

test('a pipe inside a cell is escaped so it cannot split the table', () => {
  const text = renderBenchmarks(
    machine,
    [{ title: 'T', summary: 's', rows: [{ what: 'a | b', figure: '1', baseline: '1', ratio: '1', target: '1' }], notes: [] }],
    'x',
  );
  assert.ok(text.includes('| a \\| b | 1 |'));
});

test('durations switch to milliseconds below a tenth of a second and ratios keep three decimals', () => {
  assert.equal(formatSeconds(0.0934), '93.4 ms');
  assert.equal(formatSeconds(2.5), '2.50 s');
  assert.equal(formatSeconds(65.43), '65.4 s');
  assert.equal(formatRatio(1.04567), '1.046×');
});
