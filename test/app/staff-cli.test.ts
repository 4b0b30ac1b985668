import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStores, openDatabase } from '../../core/index.ts';
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

  it('refuses a second login whose name differs only in case, in a sentence of its own', async () => {
    expect((await cli(['user', 'add', '--username', 'ops1', '--role', 'admin'])).code).toBe(0);
    const again = await cli(['user', 'add', '--username', 'OPS1', '--role', 'advisor']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^error: a staff login named ops1 already exists \(logins ignore case: OPS1 is ops1\)$/m,
    );
    expect(again.stderr).toMatch(/^hint: Choose another username\.$/m);
    expect(again.stderr).not.toContain('Key (');
    const same = await cli(['user', 'add', '--username', 'ops1', '--role', 'advisor']);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/^error: a staff login named ops1 already exists$/m);
    expect((await stored('ops1'))?.role).toBe('admin');
  }, 120_000);

  it('says a disabled login cannot take a new password, and enables it again with one', async () => {
    expect((await cli(['user', 'disable', '--username', 'ops1'])).code).toBe(0);
    const reset = await cli(['user', 'reset-password', '--username', 'ops1']);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain('error: staff login ops1 is disabled: it could not use a new password');
    expect(reset.stdout).not.toContain('password:');

    const enabled = await cli(['user', 'enable', '--username', 'ops1']);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout).toContain('enabled ops1, with a new password');
    const password = /password: (\S+)/.exec(enabled.stdout)?.[1] as string;
    expect((await stored('ops1'))?.disabled_at).toBeNull();
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      expect((await createPostgresStores(storage.db).staff.verifyLogin('ops1', password))?.username).toBe(
        'ops1',
      );
    } finally {
      await storage.close();
    }
    expect((await cli(['user', 'enable', '--username', 'ops1'])).stderr).toContain('ops1 is not disabled');
  }, 120_000);
});
