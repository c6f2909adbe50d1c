import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblems, type SpecProblem } from '../../../runtime/spec/spec_error';

const at = (line: number, message: string): SpecProblem => ({ file: 'a.tune.yaml', line, column: 1, endLine: line, endColumn: 2, message, severity: 'error' });

test('a problem repeated on many lines is printed once, naming the other lines', () => {
  const problems = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((line) => at(line, 'a tab is used for indentation'));
  assert.deepEqual(formatProblems([...problems, at(11, 'something else')]), [
    'a.tune.yaml:2:1: a tab is used for indentation (also on lines 3, 4, 5, 6, 7, 8 and 2 more)',
    'a.tune.yaml:11:1: something else',
  ]);
});

test('a flood of distinct problems is cut short with a count of the rest', () => {
  const lines = formatProblems(Array.from({ length: 45 }, (_, i) => at(i + 1, `problem ${i}`)));
  assert.equal(lines.length, 31);
  assert.equal(lines[30], '… and 15 more problems');
});
