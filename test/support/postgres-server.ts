import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../video/local-livekit-server.ts';

const run = promisify(execFile);
const SCRIPT = new URL('../../infra/postgres/test-server.sh', import.meta.url).pathname;

/**
 * A PostgreSQL server that several app instances share: the one DATABASE_URL names, or else a
 * throwaway one started here with infra/postgres/test-server.sh (which installs Debian's
 * PostgreSQL when it is missing, or fails saying how to).
 */
export async function sharedPostgresServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (given) return { url: given, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-shared-pg-'));
  const { stdout } = await run(SCRIPT, ['start', dir, String(await freePort())], { timeout: 600_000 });
  const url = stdout.trim().split('\n').at(-1) as string;
  return {
    url,
    async stop() {
      await run(SCRIPT, ['stop', dir]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
