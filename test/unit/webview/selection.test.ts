import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_SELECTION, pruneSelection, select } from '../../../webview/model/selection';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('shared selection', () => {
  it('a plain click selects one trial, and clicking it again clears the selection', () => {
    const one = select(EMPTY_SELECTION, 'c', 'replace', order);
    assert.deepEqual(one.ids, ['c']);
    assert.deepEqual(select(one, 'd', 'replace', order).ids, ['d']);
    assert.deepEqual(select(one, 'c', 'replace', order).ids, []);
  });

  it('Ctrl/Cmd-click adds a trial or takes it out', () => {
    let s = select(EMPTY_SELECTION, 'a', 'replace', order);
    s = select(s, 'c', 'toggle', order);
    assert.deepEqual(s.ids, ['a', 'c']);
    assert.deepEqual(select(s, 'a', 'toggle', order).ids, ['c']);
  });

  it('Shift-click selects the run of rows from the anchor in the order shown', () => {
    const s = select(select(EMPTY_SELECTION, 'd', 'replace', order), 'b', 'range', order);
    assert.deepEqual(s.ids, ['d', 'b', 'c']);
    assert.equal(s.anchor, 'd');
  });

  it('Shift-click without an anchor selects just that trial', () => {
    assert.deepEqual(select(EMPTY_SELECTION, 'b', 'range', order).ids, ['b']);
  });

  it('trials the experiment does not have are dropped from a restored selection', () => {
    const s = pruneSelection({ ids: ['a', 'zz'], anchor: 'zz' }, new Set(order));
    assert.deepEqual(s, { ids: ['a'], anchor: undefined });
  });
});
