import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorDistance, contrast, metricColorOn, parseColor, TrialColors } from '../../../webview/model/trial_colors';

const THEMES = [
  { name: 'Light Modern', background: '#ffffff', highContrast: false },
  { name: 'Dark Modern', background: '#1f1f1f', highContrast: false },
  { name: 'High Contrast', background: '#000000', highContrast: true },
  { name: 'High Contrast Light', background: '#ffffff', highContrast: true },
];

describe('trial identity colours', () => {
  for (const theme of THEMES) {
    it(`in ${theme.name}, 40 trials get 40 opaque colours, each readable on the background and far from every other`, () => {
      const colors = new TrialColors(theme.background, theme.highContrast);
      const all = Array.from({ length: 40 }, (_, i) => colors.of(i));
      assert.ok(all.every((c) => /^#[0-9a-f]{6}$/.test(c)), 'opaque #rrggbb, no alpha');
      assert.equal(new Set(all).size, 40);
      const bg = parseColor(theme.background)!;
      for (const c of all) assert.ok(contrast(parseColor(c)!, bg) >= 3, `${c} on ${theme.background}`);
      let nearest = Infinity;
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) nearest = Math.min(nearest, colorDistance(all[i], all[j]));
      assert.ok(nearest > 12, `the two closest of 40 are ${nearest.toFixed(1)} ΔE apart`);
      const first12 = all.slice(0, 12);
      let nearest12 = Infinity;
      for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) nearest12 = Math.min(nearest12, colorDistance(first12[i], first12[j]));
      assert.ok(nearest12 > 25, `the first dozen are at least 25 ΔE apart (${nearest12.toFixed(1)})`);
    });
  }

  it('a trial keeps its colour however many trials come after it, and a background with an alpha reads as opaque', () => {
    const a = new TrialColors('#1f1f1f');
    const b = new TrialColors('#1f1f1fa8');
    const late = Array.from({ length: 60 }, (_, i) => b.of(59 - i)).reverse();
    assert.deepEqual(Array.from({ length: 60 }, (_, i) => a.of(i)), late);
  });

  it('no trial wears the best trial’s yellow', () => {
    const colors = new TrialColors('#ffffff');
    for (let i = 0; i < 40; i++) assert.ok(colorDistance(colors.of(i), '#bf8803') > 10, colors.of(i));
  });

  it('the metric scale runs from one end to a clearly different other, readable on both backgrounds', () => {
    for (const bg of ['#ffffff', '#1f1f1f']) {
      assert.ok(colorDistance(metricColorOn(0, bg), metricColorOn(1, bg)) > 40);
      assert.ok(contrast(parseColor(metricColorOn(1, bg))!, parseColor(bg)!) >= 2);
    }
  });
});
