import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LEAN_HEAP_FLAGS, leanHeapFlags } from '../../../protocol/node_flags';

const REPO = join(__dirname, '..', '..', '..', '..');

test('the tunekit command starts Node with the same V8 flags as the daemon and the drivers', () => {
  const shebang = readFileSync(join(REPO, 'bin', 'tunekit.js'), 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${LEAN_HEAP_FLAGS.join(' ')}`);
});

test('Electron’s Node mode gets no V8 flags of ours; plain Node gets them all', () => {
  assert.deepEqual(leanHeapFlags({ electron: '32.2.1' }), []);
  assert.deepEqual(leanHeapFlags({ node: '20.20.2' }), [...LEAN_HEAP_FLAGS]);
});
