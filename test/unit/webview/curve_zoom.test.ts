import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panBox, zoomBox } from '../../../webview/model/curve_zoom';

const area = { left: 50, right: 450, top: 10, bottom: 260 };

describe('curve zoom', () => {
  it('a drag zooms to its box, whichever way it was drawn, clipped to the plot area', () => {
    assert.deepEqual(zoomBox({ x0: 300, y0: 200, x1: 100, y1: 50 }, area), { left: 100, right: 300, top: 50, bottom: 200 });
    assert.deepEqual(zoomBox({ x0: 0, y0: 0, x1: 200, y1: 500 }, area), { left: 50, right: 200, top: 10, bottom: 260 });
  });

  it('a flat drag zooms x alone, a tall thin one y alone, and a click zooms nothing', () => {
    assert.deepEqual(zoomBox({ x0: 100, y0: 100, x1: 200, y1: 102 }, area), { left: 100, right: 200, top: 10, bottom: 260 });
    assert.deepEqual(zoomBox({ x0: 100, y0: 100, x1: 101, y1: 200 }, area), { left: 50, right: 450, top: 100, bottom: 200 });
    assert.equal(zoomBox({ x0: 100, y0: 100, x1: 103, y1: 102 }, area), undefined);
  });

  it('a pan moves the visible range against the drag, so the curves follow the pointer', () => {
    assert.deepEqual(panBox({ x0: 200, y0: 100, x1: 240, y1: 90 }, area), { left: 10, right: 410, top: 20, bottom: 270 });
  });
});
