import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withAlpha } from '../../../webview/model/color';

describe('theme colours with an alpha', () => {
  it('reads the hex and rgb forms VS Code themes use', () => {
    assert.equal(withAlpha('#3794ff', 0.5), 'rgba(55, 148, 255, 0.5)');
    assert.equal(withAlpha('#fff', 1), 'rgba(255, 255, 255, 1)');
    assert.equal(withAlpha('#ff000080', 0.5), 'rgba(255, 0, 0, 0.251)');
    assert.equal(withAlpha('rgba(10, 20, 30, 0.5)', 0.5), 'rgba(10, 20, 30, 0.25)');
    assert.equal(withAlpha(' rgb(1 2 3) ', 0.2), 'rgba(1, 2, 3, 0.2)');
  });

  it('leaves a colour it cannot read as it is', () => {
    assert.equal(withAlpha('CanvasText', 0.5), 'CanvasText');
  });
});
