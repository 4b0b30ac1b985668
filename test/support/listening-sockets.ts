import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** A socket a process listens on: TCP in LISTEN, or a bound UDP socket. */
export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
}

/**
 * The TCP sockets a process listens on and the UDP sockets it has bound, read from /proc (Linux):
 * its open file descriptors name socket inodes, and /proc/net lists each socket with its inode.
 */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed while listed
    }
  }
  const found: ListeningSocket[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const [, ...rows] = readFileSync(`/proc/${pid}/net/${protocol}`, 'utf8').trim().split('\n');
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      const [local, , state] = fields.slice(1, 4);
      const inode = fields[9];
      if (!local || !inode || !inodes.has(inode)) continue;
      // 0A is LISTEN; a UDP socket is listed as 07 (unconnected) once bound.
      if (protocol.startsWith('tcp') ? state !== '0A' : state !== '07') continue;
      const [hex, port] = local.split(':') as [string, string];
      found.push({ protocol, address: addressOf(hex), port: parseInt(port, 16) });
    }
  }
  return found;
}

/** /proc/net writes an address as 32-bit words, each in the machine's (little-endian) byte order. */
function addressOf(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse());
  const octets = bytes.map((b) => parseInt(b, 16));
  if (octets.length === 4) return octets.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** 127.0.0.0/8, ::1, or an IPv4 loopback address mapped into IPv6. */
export function isLoopback(address: string): boolean {
  if (/^127\./.test(address)) return true;
  if (address === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^0:0:0:0:0:ffff:(7f[0-9a-f]{2}):/.exec(address);
  return mapped !== null;
}
