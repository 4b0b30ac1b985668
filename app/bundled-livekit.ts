import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startLocalLivekitServer, type LivekitServer } from '../video/local-livekit-server.ts';

/** Where `npm run livekit` (infra/livekit/install.sh) puts the server it builds. */
export const BUNDLED_LIVEKIT = fileURLToPath(new URL('../infra/bin/livekit-server', import.meta.url));

/**
 * Runs the locally built livekit-server beside the app, with fresh keys and its webhooks
 * pointed at this app; null (and video unavailable) when it has not been built.
 */
export async function startBundledLivekit(config: Config, logger: Logger): Promise<LivekitServer | null> {
  try {
    accessSync(BUNDLED_LIVEKIT, constants.X_OK);
  } catch {
    return null;
  }
  try {
    return await startLocalLivekitServer({
      binary: BUNDLED_LIVEKIT,
      port: config.LIVEKIT_LOCAL_PORT,
      webhookUrl: `http://127.0.0.1:${config.PORT}/api/video/webhooks`,
      room: { empty_timeout: 600, departure_timeout: 60 },
    });
  } catch (error) {
    logger.error({ err: error }, 'the local livekit-server did not start; video is unavailable');
    return null;
  }
}
