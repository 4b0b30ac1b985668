import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../core/index.ts';
import { runCli } from '../support/app-process.ts';

// Staff logins from the command line, on the embedded database: what each command says it did
// is in the staff table.

describe('channel-pilot user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-staff-cli-'));
  const env = { DATABASE_URL: '', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) => runCli(args, env);

  const stored = async (username: string) => {
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      return await storage.db
        .selectFrom('staff_users')
        .select(['username', 'display_name', 'role', 'disabled_at'])
        .where('username', '=', username)
        .executeTakeFirst();
    } finally {
      await storage.close();
    }
  };

  it('adds a login with a password shown once, lists it, and disables it', async () => {
    const added = await cli([
      'user',
      'add',
      '--username',
      'giulia.conti',
      '--role',
      'advisor',
      '--name',
      'Giulia Conti',
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('created advisor giulia.conti');
    expect(added.stdout).toMatch(/password: \S{12,}/);
    expect(await stored('giulia.conti')).toEqual({
      username: 'giulia.conti',
      display_name: 'Giulia Conti',
      role: 'advisor',
      disabled_at: null,
    });

    const listed = await cli(['user', 'list']);
    expect(listed.stdout).toMatch(/giulia\.conti\s+advisor\s+active\s+Giulia Conti/);

    const disabled = await cli(['user', 'disable', '--username', 'giulia.conti']);
    expect(disabled.stdout).toContain('disabled giulia.conti');
    expect((await stored('giulia.conti'))?.disabled_at).toBeInstanceOf(Date);
  }, 120_000);

  it('refuses a role that does not exist, naming the roles, and adds nobody', async () => {
    const refused = await cli(['user', 'add', '--username', 'mario.rossi', '--role', 'boss']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('must be one of');
    expect(await stored('mario.rossi')).toBeUndefined();
  }, 120_000);
});
