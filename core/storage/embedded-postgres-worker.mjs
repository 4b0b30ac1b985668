// Hosts the embedded database (PGlite) on its own thread and serves it over the
// Postgres wire protocol on a Unix socket, so that SQL — however heavy — never runs
// on the HTTP server's event loop, and the rest of the app talks to it with the same
// driver and dialect it uses for a real PostgreSQL server.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';

const { dataDir, socketPath } = workerData;

try {
  // btree_gist lets exclusion constraints mix equality (an advisor) with overlap (a time range).
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { btree_gist } });
  // PGlite is a single session: one connection, and the client pool is sized to match.
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message === 'stop') {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    }
  });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
