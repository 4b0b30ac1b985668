import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startLocalLivekitServer, type LivekitServer } from '../video/index.ts';

/** Where `npm run livekit` (infra/livekit/install.sh) puts the server it builds. */
export const BUNDLED_LIVEKIT = fileURLToPath(new URL('../infra/bin/livekit-server', import.meta.url));
const INSTALL_SCRIPT = fileURLToPath(new URL('../infra/livekit/install.sh', import.meta.url));
const PROGRESS_EVERY_MS = 15_000;

export interface LocalLivekit {
  /** One line for the start banner: ready, building, or what to do. */
  status(): string;
  stop(): Promise<void>;
}

/**
 * The local livekit-server beside `npm start`, with fresh keys and its webhooks pointed at this
 * app. Started at once when it has been built; otherwise built in the background (Go and its
 * module proxy needed, a few minutes), with a progress line now and then, and started when the
 * build is done: `onReady` then switches video on. Without Go, `status` says what to install.
 */
export async function provideLocalLivekit(options: {
  config: Config;
  logger: Logger;
  onReady: (server: LivekitServer) => void;
  /** Prints a line for the operator. */
  say: (line: string) => void;
  binary?: string;
  installScript?: string;
  goAvailable?: boolean;
}): Promise<LocalLivekit> {
  const { config, logger, say } = options;
  const binary = options.binary ?? BUNDLED_LIVEKIT;
  let server: LivekitServer | null = null;
  let status: string;
  let stopping = false;
  let building: ReturnType<typeof spawn> | null = null;

  const start = async () => {
    try {
      server = await startLocalLivekitServer({
        binary,
        port: config.LIVEKIT_LOCAL_PORT,
        webhookUrl: `http://127.0.0.1:${config.PORT}/api/video/webhooks`,
        room: { empty_timeout: 600, departure_timeout: 60 },
      });
      if (stopping) {
        await server.stop();
        return;
      }
      status = `LiveKit at ${server.wsUrl} (started with the app)`;
      options.onReady(server);
    } catch (error) {
      logger.error({ err: error }, 'the local livekit-server did not start; video is unavailable');
      status = 'UNAVAILABLE: the local livekit-server did not start (see the log), or set LIVEKIT_URL.';
      say(`Video: ${status}`);
    }
  };

  if (isExecutable(binary)) {
    status = 'starting the local livekit-server…';
    await start();
  } else if (!(options.goAvailable ?? hasGo())) {
    status =
      'UNAVAILABLE: livekit-server is not built and Go is not installed to build it. Install Go 1.24+ ' +
      '(apt-get install -y golang-go, or https://go.dev/dl/) and start again, or set LIVEKIT_URL, ' +
      'LIVEKIT_API_KEY and LIVEKIT_API_SECRET for an existing LiveKit.';
  } else {
    status =
      'building livekit-server in the background (first start only, a few minutes); video turns on when it is ready';
    const began = Date.now();
    let fetched = 0;
    let output = '';
    building = spawn(options.installScript ?? INSTALL_SCRIPT, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    const read = (chunk: Buffer) => {
      const text = String(chunk);
      output = (output + text).slice(-4000);
      fetched += text.match(/go: downloading/g)?.length ?? 0;
    };
    building.stdout?.on('data', read);
    building.stderr?.on('data', read);
    const progress = setInterval(() => {
      const seconds = Math.round((Date.now() - began) / 1000);
      say(`Video: building livekit-server… ${fetched} Go modules fetched, ${seconds} s so far`);
    }, PROGRESS_EVERY_MS);
    building.once('exit', (code) => {
      clearInterval(progress);
      building = null;
      if (stopping) return;
      if (code === 0 && isExecutable(binary)) {
        say(`Video: livekit-server built in ${Math.round((Date.now() - began) / 1000)} s; starting it`);
        void start().then(() => server && say(`Video: ready, ${status}`));
      } else {
        status = `UNAVAILABLE: building livekit-server failed (exit ${code}). Run infra/livekit/install.sh to see why, or set LIVEKIT_URL.`;
        logger.error({ output }, 'building livekit-server failed');
        say(`Video: ${status}`);
      }
    });
  }

  return {
    status: () => status,
    async stop() {
      stopping = true;
      building?.kill('SIGTERM');
      await server?.stop();
    },
  };
}

function hasGo(): boolean {
  return spawnSync('sh', ['-c', 'command -v go || test -x /usr/local/go/bin/go']).status === 0;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
