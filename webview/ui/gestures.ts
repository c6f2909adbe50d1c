/** Which selection gesture a click meant: Ctrl/Cmd toggles, Shift extends a range. */
import type { SelectGesture } from '../model/selection';

export function gestureOf(event: MouseEvent | null | undefined): SelectGesture {
  if (event?.shiftKey) return 'range';
  if (event?.ctrlKey || event?.metaKey) return 'toggle';
  return 'replace';
}
