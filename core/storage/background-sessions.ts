import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type pg from 'pg';

// Bulk work (an import) and the live channels share the machine's CPU when the database runs on
// it. PostgreSQL gives each session a server process of its own, in a session of its own, and
// Linux (with autogroup, as here) shares the CPU between sessions before it looks at any niceness
// inside them: one busy import session weighed as much as the whole app, and on two cores the
// app's answers queued behind it for seconds. A background session's server process is put at
// the lowest priority both ways, so that it takes what the live work leaves.

/** The application name of background sessions (seen in `pg_stat_activity`). */
export const BACKGROUND_SESSION = 'channel-pilot-background';

/** The lowest CPU priority Linux gives (niceness 19). */
const LOWEST = 19;

/** `url` with its sessions named as background work. */
export function inBackground(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', BACKGROUND_SESSION);
  return parsed.toString();
}

export const isBackground = (url: string): boolean =>
  new URL(url).searchParams.get('application_name') === BACKGROUND_SESSION;

/**
 * Puts the server process of `client`'s session at the lowest CPU priority: its niceness and, where
 * Linux groups processes by session, its session's group. Only a process on this machine is
 * touched: the session must come over a Unix socket and its process id be a PostgreSQL process here
 * (a server elsewhere has process ids of its own). Best effort: where this process may not lower
 * it (a server of another user), it stays as it was.
 */
export async function yieldCpu(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ pid: number; local: boolean }>(
    'select pg_backend_pid() as pid, inet_server_addr() is null as local',
  );
  const { pid, local } = rows[0]!;
  if (local && isPostgresProcess(pid)) lower(pid, true);
}

/**
 * Sets process `pid` at niceness 19 and, with `group`, its session's group at 19 too. Where this
 * process may not lower it (a process of another user), it stays as it was.
 */
function lower(pid: number, group: boolean): void {
  try {
    setPriority(pid, LOWEST);
  } catch {
    return;
  }
  if (!group) return;
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(LOWEST));
  } catch {
    // No session groups on this kernel: the niceness is what counts.
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('postgres');
  } catch {
    return false;
  }
}

/**
 * Lowers this process's own CPU priority: its niceness and, when it leads its session (started as a
 * service or a detached job, not from an operator's shell), its session's group. A shell's group
 * is left alone, since it would stay lowered after this process ends.
 */
export function yieldOwnCpu(): void {
  lower(process.pid, leadsOwnSession());
}

/** Whether this process is its session's leader (Linux: the session id in `/proc/self/stat`). */
function leadsOwnSession(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    return session === process.pid;
  } catch {
    return false;
  }
}
