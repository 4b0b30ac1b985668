import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ChannelPilotError } from '../errors.ts';
import { alive } from './embedded-postgres-server.ts';

// Which process of the app holds a data folder's embedded server: the one that started it (or
// took it over from a killed one) stops it when it is done; the others only use it. Written in
// `channel-pilot.pid`: the owner's pid, then what it is (a server, or a command).

/** What opened the folder: `npm start` (a server), or a command of the CLI. */
export type OwnerRole = 'server' | 'command';

export interface FolderOwner {
  pid: number;
  role: OwnerRole;
}

const fileOf = (dataDir: string) => join(dataDir, 'channel-pilot.pid');

/**
 * The live process of the app, other than this one, that holds the folder's server; null when
 * none does. A file naming a process that is gone, or is no Node process (its pid reused after a
 * crash), is removed: the server it left, if any, is this process's to take over.
 */
export function folderOwner(dataDir: string): FolderOwner | null {
  const owner = readOwner(dataDir);
  if (!owner || owner.pid === process.pid) return null;
  if (alive(owner.pid) && isNode(owner.pid)) return owner;
  rmSync(fileOf(dataDir), { force: true });
  return null;
}

/**
 * Makes this process the folder's owner, unless another process has just done so (two started
 * at the same moment): the file is created only when absent, so one of them wins.
 */
export function claimFolder(dataDir: string, role: OwnerRole): boolean {
  try {
    writeFileSync(fileOf(dataDir), `${process.pid}\n${role}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readOwner(dataDir)?.pid === process.pid;
  }
}

/** Gives the folder up, if this process holds it. */
export function releaseFolder(dataDir: string): void {
  if (readOwner(dataDir)?.pid === process.pid) rmSync(fileOf(dataDir), { force: true });
}

/** Why a second server may not start on a folder another process of the app holds. */
export function folderInUse(dataDir: string, owner: FolderOwner | null): ChannelPilotError {
  const who = owner ? ` (process ${owner.pid})` : '';
  return owner?.role === 'command'
    ? new ChannelPilotError(
        'conflict',
        `a channel-pilot command${who} has the embedded database in ${dataDir} open`,
        { hint: 'Start again once it has finished: the server must own the database it serves.' },
      )
    : new ChannelPilotError(
        'conflict',
        `another channel-pilot server${who} runs the embedded database in ${dataDir}; a second one on the same DATA_DIR would stop working when the first stops`,
        {
          hint:
            `Give this one a DATA_DIR of its own, or stop the other first${owner ? ` (kill -TERM ${owner.pid})` : ''}. ` +
            'Several instances share one database through DATABASE_URL (see Scaling out). ' +
            `If no such process runs, remove ${fileOf(dataDir)}.`,
        },
      );
}

function readOwner(dataDir: string): FolderOwner | null {
  try {
    const [pid, role] = readFileSync(fileOf(dataDir), 'utf8').split('\n');
    const n = Number(pid?.trim());
    return n > 0 ? { pid: n, role: role?.trim() === 'command' ? 'command' : 'server' } : null;
  } catch {
    return null;
  }
}

/** Whether a process runs Node (this app), as far as /proc tells; without /proc, trusted. */
function isNode(pid: number): boolean {
  try {
    const exe = realpathSync(`/proc/${pid}/exe`);
    return exe === realpathSync(process.execPath) || basename(exe).startsWith('node');
  } catch {
    return true;
  }
}
