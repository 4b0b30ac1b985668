import type { Server } from 'node:http';
import type { Logger } from './logger.ts';

/**
 * Stops taking new connections, lets in-flight requests finish (up to `timeoutMs`, then cuts
 * the rest), and only then runs `afterClose` (closing the database).
 */
export function gracefulShutdown(options: {
  server: Server;
  logger: Logger;
  timeoutMs: number;
  beforeClose: () => void;
  afterClose: () => Promise<void>;
}): (signal: string) => Promise<void> {
  let closing: Promise<void> | undefined;
  return (signal) => {
    closing ??= (async () => {
      const { server, logger } = options;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      options.beforeClose();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn(
          { timeoutMs: options.timeoutMs },
          'requests still running at the shutdown deadline; closing them',
        );
        server.closeAllConnections();
      }, options.timeoutMs);
      await closed;
      clearTimeout(timer);
      await options.afterClose();
      logger.info('stopped');
    })();
    return closing;
  };
}
