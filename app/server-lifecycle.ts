import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChannelModule } from '../core/index.ts';
import type { Logger } from './logger.ts';

/** How long after the stop signal idle connections are closed (and again as often after). */
const IDLE_GRACE_MS = 500;

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
      // Answers from now on close their connection. Idle keep-alive connections are closed a
      // moment later, not at once: a request a client has already sent may still sit unread in
      // one of them, and closing it would reset that request instead of answering it.
      server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
      const idle = setInterval(() => server.closeIdleConnections(), IDLE_GRACE_MS);
      const timer = setTimeout(() => {
        logger.warn(
          { timeoutMs: options.timeoutMs },
          'requests still running at the shutdown deadline; closing them',
        );
        server.closeAllConnections();
      }, options.timeoutMs);
      await closed;
      clearTimeout(timer);
      clearInterval(idle);
      await options.afterClose();
      logger.info('stopped');
    })();
    return closing;
  };
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over 16 KB, a malformed
 * request line) are answered as problem details too, not with an empty body.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const title = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
    const body = JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail: tooLarge ? 'the address and headers together exceed 16 KB' : 'the request is not valid HTTP',
      instance: '',
      code: 'invalid_input',
    });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Hands each upgrade request (a WebSocket) to the first channel that takes it; nobody's is
 * refused with 404. Returns what ends the upgraded connections at shutdown: the server's close
 * does not wait for them, and their clients reconnect to another instance.
 */
export function serveUpgrades(server: Server, channels: readonly ChannelModule[]): () => void {
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!channels.some((channel) => channel.upgrade?.(request, socket, head))) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  return () => {
    for (const socket of upgraded) socket.destroy();
  };
}
