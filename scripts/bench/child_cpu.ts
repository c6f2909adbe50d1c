import { readFileSync } from 'node:fs';

/** Linux reports process times in USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) of every reaped descendant of this process, from
 * /proc/self/stat; the difference across a run is that run's whole process tree.
 * Undefined where /proc is missing.
 */
export function reapedChildrenCpuSeconds(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name start at field 3 (state); cutime is 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}
