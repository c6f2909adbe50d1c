import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carrySections, splitSections, withSection } from '../../../scripts/bench/benchmarks_file';

const FILE = '# Tunekit benchmarks\n\nintro\n\n## Overhead\n\ntable 1\n\n## Soak\n\nold soak\n';

test('the file splits into its head and one section per second-level heading', () => {
  const { head, sections } = splitSections(FILE);
  assert.equal(head, '# Tunekit benchmarks\n\nintro\n\n');
  assert.deepEqual(sections.map((s) => s.title), ['Overhead', 'Soak']);
  assert.equal(sections[1].text, '## Soak\n\nold soak\n');
});

test('a section replaces its namesake and leaves the others as they were', () => {
  const next = withSection(FILE, { title: 'Soak', text: '## Soak\n\nnew soak\n' });
  assert.equal(next, '# Tunekit benchmarks\n\nintro\n\n## Overhead\n\ntable 1\n\n## Soak\n\nnew soak\n');
});

test('a section the file lacks goes at the end, after a blank line', () => {
  const next = withSection('# T\n\n## A\n\na\n', { title: 'Soak', text: '## Soak\n\ns\n' });
  assert.equal(next, '# T\n\n## A\n\na\n\n## Soak\n\ns\n');
});

test('a full bench run keeps the soak section of the file it replaces', () => {
  const fresh = '# Tunekit benchmarks\n\nnew intro\n\n## Overhead\n\ntable 2\n';
  assert.equal(carrySections(FILE, fresh, ['Soak']), '# Tunekit benchmarks\n\nnew intro\n\n## Overhead\n\ntable 2\n\n## Soak\n\nold soak\n');
});

test('sections not asked for are not carried over, and a rewritten one wins', () => {
  const fresh = '# T\n\n## Soak\n\nfresh soak\n';
  assert.equal(carrySections(FILE, fresh, ['Soak']), fresh);
  assert.equal(carrySections(FILE, '# T\n', []), '# T\n');
});
