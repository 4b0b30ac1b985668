import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Help says what every command is, the channels' too, without opening a database: asking for it
// in any folder creates nothing there, nor in DATA_DIR.

const cli = fileURLToPath(new URL('../../bin/channel-pilot.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'channel-pilot-help-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const help = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('channel-pilot help', () => {
  it('lists the app’s and the channels’ commands without creating a database where it is asked', () => {
    const here = mkdtempSync(join(root, 'cwd-'));
    const all = help(['--help'], here);
    expect(all.status, all.stderr).toBe(0);
    for (const word of ['start', 'user', 'backup', 'voice', 'video', 'bills'])
      expect(all.stdout).toMatch(new RegExp(`^ {2}${word}\\b`, 'm'));
    const user = help(['help', 'user'], here);
    expect(user.status, user.stderr).toBe(0);
    expect(user.stdout).toMatch(/^ {2}reset-password \[options\]/m);
    const bills = help(['bills', '--help'], here);
    expect(bills.stdout).toMatch(/^ {2}send \[options\]/m);
    expect(help(['help', 'voice'], here).stdout).toMatch(/^ {2}chat \[options\]/m);
    const none = help([], here);
    expect(none.stderr + none.stdout).toMatch(/Usage: channel-pilot/);
    expect(readdirSync(here)).toEqual([]);
  }, 180_000);

  it('creates no DATA_DIR, and says a word that names no command is none', () => {
    const dataDir = join(root, 'not-yet');
    for (const args of [['help', 'user'], ['--help'], ['video', '--help'], ['statr']])
      help(args, root, { DATA_DIR: dataDir });
    expect(existsSync(dataDir)).toBe(false);
    const typo = help(['statr'], root, { DATA_DIR: dataDir });
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain("unknown command 'statr'");
    expect(existsSync(dataDir)).toBe(false);
  }, 180_000);
});
