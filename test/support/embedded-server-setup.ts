import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../../core/storage/embedded-postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server the storage tests make their databases on. */
    databaseServerUrl: string;
  }
}

/**
 * One embedded PostgreSQL server for the whole run (the server `npm start` runs), on which each
 * test file makes a database of its own; or the server DATABASE_URL names.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('databaseServerUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-test-db-'));
  const server = await startEmbeddedServer({ clusterDir: join(dir, 'postgres') });
  project.provide('databaseServerUrl', server.url('postgres'));
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
