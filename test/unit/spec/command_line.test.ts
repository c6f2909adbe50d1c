import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommandLine } from '../../../protocol/spec_rules';

test('blanks separate words and runs of blanks make no empty words', () => {
  assert.deepEqual(splitCommandLine('  python3   train.py\t--x 1 '), { argv: ['python3', 'train.py', '--x', '1'] });
});

test('single quotes keep everything inside literally, backslashes included', () => {
  assert.deepEqual(splitCommandLine(`echo 'a  b\\n' ''`), { argv: ['echo', 'a  b\\n', ''] });
});

test('double quotes group words and let a backslash escape a quote or a backslash only', () => {
  assert.deepEqual(splitCommandLine('run "say \\"hi\\" \\\\ \\d"'), { argv: ['run', 'say "hi" \\ \\d'] });
});

test('quoted and bare parts next to each other join into one word', () => {
  assert.deepEqual(splitCommandLine(`--name="my run"_2 pre'fix'`), { argv: ['--name=my run_2', 'prefix'] });
});

test('a backslash outside quotes escapes the next character, a space included', () => {
  assert.deepEqual(splitCommandLine('python3 my\\ train.py'), { argv: ['python3', 'my train.py'] });
});

test('shell syntax stays literal, since no shell runs the command', () => {
  assert.deepEqual(splitCommandLine('echo $HOME *.py | wc'), { argv: ['echo', '$HOME', '*.py', '|', 'wc'] });
});

test('an unclosed quote is an error naming where it opens', () => {
  assert.deepEqual(splitCommandLine('a "b'), { error: 'has an unclosed " quote at character 3; close it or use a list of arguments' });
  assert.ok('error' in splitCommandLine("a 'b"));
});
