/** Where a process spent its CPU, from a V8 `.cpuprofile` (`node --cpu-prof`), by function. */
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name (file:line)`, or V8's own labels such as `(garbage collector)`. */
  where: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** Sampled time within the window, idle included. */
  totalMs: number;
  idleMs: number;
  top: HotFunction[];
}

function label(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} (${basename(frame.url)}:${frame.lineNumber + 1})`;
}

/** Self time per function over the first `untilMs` of the profile, the `count` largest first. */
export function summarizeProfile(profile: CpuProfile, untilMs: number, count: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let elapsedUs = 0;
  let totalUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs > untilMs * 1000) break;
    // A sample's time is the gap to the next one.
    const spanUs = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    totalUs += spanUs;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += spanUs;
      continue;
    }
    const where = label(node.callFrame);
    self.set(where, (self.get(where) ?? 0) + spanUs);
  }
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, us]) => ({ where, selfMs: us / 1000 }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, top };
}
