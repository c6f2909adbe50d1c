/**
 * Trial identities: one opaque colour per trial index, distinct for many trials and
 * readable on the theme's background. Theme chart colours are few (six) and some themes
 * give them an alpha, so trials would repeat every fifth and some would fade (issue 15).
 */

type Rgb = [number, number, number];

/** Hues near yellow are left out: yellow is the best trial's colour. */
const SKIP_FROM = 40;
const SKIP_TO = 70;
const MIN_CONTRAST = 3;

export function parseColor(color: string): Rgb | undefined {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c)?.[1];
  if (hex && [3, 4, 6, 8].includes(hex.length)) {
    const full = hex.length <= 4 ? [...hex].map((h) => h + h).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(c);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio, 1..21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255)) as Rgb;
}

const hex = (rgb: Rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

function lab(rgb: Rgb): Rgb {
  const [r, g, b] = rgb.map(channel);
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047);
  const y = f(r * 0.2126 + g * 0.7152 + b * 0.0722);
  const z = f((r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** Perceptual distance (CIE76 ΔE). */
export function colorDistance(a: string, b: string): number {
  const [x, y] = [lab(parseColor(a) ?? [0, 0, 0]), lab(parseColor(b) ?? [0, 0, 0])];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

/**
 * Candidate colours readable on `bg`: a grid of hues, lightnesses and saturations, each at
 * least `minContrast` against the background.
 */
function candidates(bg: Rgb, highContrast: boolean): Array<{ hex: string; lab: Rgb }> {
  const dark = luminance(bg) < 0.4;
  const lightness = dark ? [0.5, 0.6, 0.7, 0.8] : [0.25, 0.33, 0.41, 0.49];
  const saturation = highContrast ? [1] : [0.55, 0.85];
  const out: Array<{ hex: string; lab: Rgb }> = [];
  for (let h = 0; h < 360; h += 10) {
    if (h >= SKIP_FROM && h <= SKIP_TO) continue;
    for (const l of lightness) {
      for (const s of saturation) {
        const rgb = hslToRgb(h, s, l);
        if (contrast(rgb, bg) >= (highContrast ? 4.5 : MIN_CONTRAST)) out.push({ hex: hex(rgb), lab: lab(rgb) });
      }
    }
  }
  return out;
}

/**
 * Colours per trial index for one background, opaque and readable on it. Trial `i` gets the
 * candidate farthest from trials 0..i-1 (greedy farthest-point), so a trial's colour never
 * depends on how many trials come after it, and the first dozens are all far apart.
 */
export class TrialColors {
  private readonly picked: string[] = [];
  private readonly pool: Array<{ hex: string; lab: Rgb }>;
  private readonly nearest: number[];

  constructor(
    readonly background: string,
    readonly highContrast = false,
  ) {
    const bg = parseColor(background) ?? [255, 255, 255];
    this.pool = candidates(bg, highContrast);
    // Distance from the background counts too: no trial is drawn in a near-background colour.
    const b = lab(bg);
    this.nearest = this.pool.map((c) => Math.hypot(c.lab[0] - b[0], c.lab[1] - b[1], c.lab[2] - b[2]));
  }

  of(index: number): string {
    const i = Math.max(0, Math.floor(index));
    if (this.pool.length === 0) return '#808080';
    while (this.picked.length <= i && this.picked.length < this.pool.length) this.pick();
    return this.picked[i % this.picked.length];
  }

  private pick(): void {
    let best = 0;
    for (let k = 1; k < this.pool.length; k++) if (this.nearest[k] > this.nearest[best]) best = k;
    const chosen = this.pool[best].lab;
    this.picked.push(this.pool[best].hex);
    this.pool.forEach((c, k) => {
      this.nearest[k] = Math.min(this.nearest[k], Math.hypot(c.lab[0] - chosen[0], c.lab[1] - chosen[1], c.lab[2] - chosen[2]));
    });
    this.nearest[best] = -1;
  }
}

/**
 * A sequential scale for colouring by the metric: `t` in 0..1 (0 the worst, 1 the best)
 * runs from a faint, background-like blue to a saturated colour, each end readable on the
 * background.
 */
export function metricColorOn(t: number, background: string): string {
  const bg = parseColor(background) ?? [255, 255, 255];
  const dark = luminance(bg) < 0.4;
  const x = Math.max(0, Math.min(1, t));
  // Blue → teal → green → orange-red: the best end stands out.
  const h = 230 - x * 215;
  const l = dark ? 0.45 + 0.2 * x : 0.6 - 0.2 * x;
  return hex(hslToRgb((h + 360) % 360, 0.75, l));
}
