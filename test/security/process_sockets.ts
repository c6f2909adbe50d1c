/**
 * What the kernel says our processes expose: the process tree under a pid, the sockets
 * those processes hold (by inode, from /proc/<pid>/fd), and which of them listen where
 * (/proc/net/{tcp,tcp6,udp,udp6}). Linux only, as the runtime tests are.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `root` and every process below it, from /proc/<pid>/stat parent links. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces and parentheses: the parent pid follows the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Exited meanwhile.
    }
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** socket inode → pid, for the given processes. */
export function socketOwners(pids: number[]): Map<string, number> {
  const owners = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) owners.set(m[1], pid);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return owners;
}

/** /proc/net's hex address: IPv4 is one little-endian word; IPv6 is four of them. */
export function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  const v4mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (v4mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

export interface Listener {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  pid: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Sockets of these processes that accept traffic: TCP in LISTEN, UDP bound and unconnected. */
export function listeners(pids: number[]): Listener[] {
  const owners = socketOwners(pids);
  const found: Listener[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const wanted = proto.startsWith('tcp') ? TCP_LISTEN : UDP_UNCONNECTED;
      const pid = owners.get(cols[9]);
      if (cols[3] !== wanted || pid === undefined) continue;
      const [addr, port] = cols[1].split(':');
      found.push({ proto, address: decodeAddress(addr), port: parseInt(port, 16), pid });
    }
  }
  return found;
}

/** A process's environment, from /proc/<pid>/environ. */
export function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
