/**
 * Zoom and pan of the learning curves, in pixels (the view turns pixels into values with the
 * chart's own scales, so a log axis zooms and pans in log space). A drag draws a box and zooms
 * to it; Shift+drag pans; a double click or "Reset zoom" returns to the whole curves.
 */

/** A drag shorter than this on both axes is a click, not a zoom box or a pan. */
export const DRAG_PX = 5;

export interface PixelBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function isDrag(d: Drag): boolean {
  return Math.abs(d.x1 - d.x0) >= DRAG_PX || Math.abs(d.y1 - d.y0) >= DRAG_PX;
}

/**
 * The box to zoom to, clipped to the plot area. A box that is thin on one axis zooms only the
 * other (a horizontal drag zooms x alone, as in TensorBoard), so its thin side is the area's.
 */
export function zoomBox(d: Drag, area: PixelBox): PixelBox | undefined {
  if (!isDrag(d)) return undefined;
  const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const left = clip(Math.min(d.x0, d.x1), area.left, area.right);
  const right = clip(Math.max(d.x0, d.x1), area.left, area.right);
  const top = clip(Math.min(d.y0, d.y1), area.top, area.bottom);
  const bottom = clip(Math.max(d.y0, d.y1), area.top, area.bottom);
  const wide = right - left >= DRAG_PX;
  const tall = bottom - top >= DRAG_PX;
  if (!wide && !tall) return undefined;
  return { left: wide ? left : area.left, right: wide ? right : area.right, top: tall ? top : area.top, bottom: tall ? bottom : area.bottom };
}

/** The area's pixel edges after a pan by the drag: the content follows the pointer. */
export function panBox(d: Drag, area: PixelBox): PixelBox {
  const dx = d.x1 - d.x0;
  const dy = d.y1 - d.y0;
  return { left: area.left - dx, right: area.right - dx, top: area.top - dy, bottom: area.bottom - dy };
}
