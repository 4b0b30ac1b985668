import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ChannelPilotError, writeSetting, type StorageHandle } from '../core/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { composeApp, type VideoServer } from './compose.ts';
import { openConfiguredDatabase, version } from './configured-database.ts';
import { provideLocalLivekit } from './bundled-livekit.ts';
import { answerClientErrors, gracefulShutdown, serveUpgrades } from './server-lifecycle.ts';
import { createSmtpEmailSender } from './notify/smtp-email-sender.ts';
import { createDevelopmentSender } from './notify/development-sender.ts';
import { seedOnFirstStart } from './cli-seed.ts';
import { SERVED_URL } from './cli-runner.ts';
import { METRICS_OFF, servedPages } from './web/landing-page.ts';

// `channel-pilot start`, imported when it runs: the server, its channels and their packages are
// loaded by this command only.

/** Serves the app until a stop signal. */
export async function start(config: Config, logger: Logger): Promise<void> {
  const started = startedParts(logger);
  let stopSignal: NodeJS.Signals | undefined;
  const stopBeforeReady = (signal: NodeJS.Signals) => {
    stopSignal = signal;
    logger.info({ signal }, 'stop signal before the server was ready: stopping what has started');
    void started.stopAll();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stopBeforeReady);
  let accepting = true;
  try {
    // Listening comes first: a port in use or a HOST not of this machine is said at once, not
    // after the database has started and a first start has seeded it.
    const server = await listenWhileStarting(config);
    started.add(() => closeServer(server));
    const storage = await openConfiguredDatabase(config, { logger, serving: true });
    started.add(() => storage.close());
    const served = await serve(config, logger, storage, started, server, () => accepting);
    await afterStart(config, logger, storage, served, {
      stopAccepting: () => (accepting = false),
      ready: () => {
        started.check();
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, stopBeforeReady);
      },
    });
  } catch (error) {
    await started.stopAll();
    // Stopped as asked: what failed after the signal failed for want of what it stopped.
    if (stopSignal) process.exit(0);
    throw error;
  }
}

/**
 * What a start has started, stopped in reverse should the start fail or a stop signal come before
 * the server is ready: nothing is left running without this process. A part started once the
 * stopping has begun is stopped at once, and `check` then ends the start.
 */
function startedParts(logger: Logger) {
  const parts: (() => Promise<unknown>)[] = [];
  let stopping = false;
  let stopped: Promise<void> = Promise.resolve();
  const stopRest = async () => {
    for (let stop = parts.pop(); stop; stop = parts.pop())
      await stop().catch((error: unknown) =>
        logger.warn({ err: error }, 'could not stop a part of the failed start'),
      );
  };
  return {
    add(stop: () => Promise<unknown>): void {
      parts.push(stop);
      if (stopping) stopped = stopped.then(stopRest);
    },
    /** Ends the start if it is being stopped. */
    check(): void {
      if (stopping) throw new ChannelPilotError('unavailable', 'stopped before the server was ready');
    },
    stopAll(): Promise<void> {
      stopping = true;
      stopped = stopped.then(stopRest);
      return stopped;
    },
  };
}

/**
 * Composes the app, starts what it needs and seeds a first start, then serves the app on `server`;
 * each part started is noted in `started`.
 */
async function serve(
  config: Config,
  logger: Logger,
  storage: StorageHandle,
  started: ReturnType<typeof startedParts>,
  server: Server,
  isAccepting: () => boolean,
) {
  const senders = [
    config.EMAIL_SENDER === 'smtp'
      ? createSmtpEmailSender({ url: config.SMTP_URL as string, from: config.EMAIL_FROM })
      : createDevelopmentSender('email', logger),
    createDevelopmentSender('sms', logger),
  ];
  const video: VideoServer | null = config.LIVEKIT_URL
    ? {
        url: config.LIVEKIT_URL,
        apiKey: config.LIVEKIT_API_KEY as string,
        apiSecret: config.LIVEKIT_API_SECRET as string,
      }
    : null;
  started.check();
  const composed = await composeApp({ storage, config, logger, senders, video, isAccepting });
  started.add(async () => {
    for (const channel of composed.channels) await channel.close?.();
  });
  started.check();
  // Without LIVEKIT_URL, the local server: started now when built, else built in the background.
  const localVideo = config.LIVEKIT_URL
    ? null
    : await provideLocalLivekit({
        config,
        logger,
        say: (line) => console.log(line),
        onReady: (local) =>
          composed.enableVideo({ url: local.wsUrl, apiKey: local.apiKey, apiSecret: local.apiSecret }),
      });
  if (localVideo) started.add(() => localVideo.stop());
  started.check();
  // The browser scripts are bundled on first use; bundled now, the first customer does not wait.
  composed.bundles
    .warm()
    .catch((error: unknown) => logger.error({ err: error }, 'browser scripts failed to bundle'));
  if (config.SEED_DEMO_DATA && (await composed.stores.staff.count()) === 0) {
    await seedOnFirstStart(storage, config);
  }
  // Not fatal: connections the database refuses now are made, or refused, as requests come.
  await storage
    .warm()
    .catch((error: unknown) =>
      logger.warn({ err: error }, 'the database connections could not all be opened at start'),
    );
  started.check();
  server.off('request', whileStarting);
  server.on('request', composed.app);
  const endUpgraded = serveUpgrades(server, composed.channels);
  return { ...composed, video, localVideo, server, endUpgraded };
}

/** What the server answers until the app is ready: alive (`/healthz`), not ready for anything else. */
function whileStarting(req: IncomingMessage, res: ServerResponse): void {
  const alive = req.method === 'GET' && req.url === '/healthz';
  res.writeHead(alive ? 200 : 503, {
    'Content-Type': alive ? 'application/json' : 'application/problem+json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(alive ? {} : { 'Retry-After': '5' }),
  });
  res.end(
    JSON.stringify(
      alive
        ? { status: 'ok' }
        : {
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: 'the server is starting',
            code: 'unavailable',
          },
    ),
  );
}

/** Listens on PORT and HOST, answering `whileStarting`, or says why it cannot, naming the setting. */
async function listenWhileStarting(config: Pick<Config, 'PORT' | 'HOST'>): Promise<Server> {
  const server = createServer(whileStarting);
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) => reject(cannotListen(error, config)));
    server.listen(config.PORT, config.HOST);
  });
  return server;
}

/** Stops a server that never served the app (or a start that failed): its connections go too. */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** Why the server could not listen, naming the setting to change. */
function cannotListen(error: NodeJS.ErrnoException, config: Pick<Config, 'PORT' | 'HOST'>) {
  const { PORT, HOST } = config;
  const said = { cause: error };
  switch (error.code) {
    case 'EADDRINUSE':
      return new ChannelPilotError('unavailable', `PORT=${PORT}: port ${PORT} is already in use on ${HOST}`, {
        ...said,
        hint: 'Stop the program that uses it, or set PORT to a free port.',
      });
    case 'EACCES':
      return new ChannelPilotError('unavailable', `PORT=${PORT}: this user may not listen on port ${PORT}`, {
        ...said,
        hint: 'Ports below 1024 need privileges: set PORT to 1024 or above (a proxy can listen on 80 or 443).',
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return new ChannelPilotError(
        'unavailable',
        `HOST=${JSON.stringify(HOST)}: not an address of this machine`,
        {
          ...said,
          hint: 'Set HOST to 0.0.0.0 (every interface), 127.0.0.1 (this machine only) or one of its addresses.',
        },
      );
    default:
      return new ChannelPilotError('unavailable', `cannot listen on HOST=${HOST} PORT=${PORT}`, said);
  }
}

/** Runs the started server: its background work, its stop signals, and the banner. */
async function afterStart(
  config: Config,
  logger: Logger,
  storage: StorageHandle,
  served: Awaited<ReturnType<typeof serve>>,
  { stopAccepting, ready }: { stopAccepting: () => void; ready: () => void },
): Promise<void> {
  const { server, endUpgraded, channels, dispatcher, pilotDesk, guardrails, video, localVideo } = served;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, database: storage.kind }, 'listening');
  // Links the CLI makes point where this server is reached, whatever environment the CLI runs in.
  await writeSetting(
    storage.db,
    SERVED_URL,
    config.publicUrlFromEnvironment ? config.PUBLIC_URL : `http://localhost:${port}`,
  );
  // Every instance sends what is due; the outbox hands each message to one of them.
  let sending: Promise<unknown> = Promise.resolve();
  // The daily guardrail check runs beside the sweep, so that computing a report never delays messages.
  let watching: Promise<unknown> = Promise.resolve();
  const outboxTimer = setInterval(() => {
    sending = sending
      .then(() => pilotDesk.inviteEnrolled())
      .then(() => dispatcher.runOnce())
      .catch((error) => logger.error({ err: error }, 'invitation or outbox sweep failed'))
      .then(() =>
        Promise.all(
          channels.flatMap((channel) =>
            (channel.background ?? []).map((work) =>
              work
                .run()
                .catch((error) =>
                  logger.error({ err: error, channel: channel.registration.code }, `${work.name} failed`),
                ),
            ),
          ),
        ),
      );
    watching = watching
      .then(() => guardrails.checkDue())
      .then(({ paused }) => {
        for (const code of paused) logger.warn({ pilot: code }, 'a guardrail was breached: pilot paused');
      })
      .catch((error) => logger.error({ err: error }, 'daily guardrail check failed'));
  }, config.OUTBOX_POLL_MS);
  const shutdown = gracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    beforeClose: () => {
      stopAccepting();
      clearInterval(outboxTimer);
      endUpgraded();
    },
    afterClose: async () => {
      await sending;
      await watching;
      for (const channel of channels) await channel.close?.();
      await storage.close();
      await localVideo?.stop();
    },
  });
  ready();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  // Said once a stop signal is handled: whoever waits for this line may stop the server at once.
  console.log(
    [
      `channel-pilot ${version} is running on ${storage.kind === 'embedded' ? `the embedded database in ${config.DATA_DIR}` : 'PostgreSQL'}`,
      `  Start here:       ${config.PUBLIC_URL}/`,
      ...servedPages({ metricsServed: Boolean(config.METRICS_TOKEN) }).map(
        (p) => `  ${`${p.name}:`.padEnd(18)}${config.PUBLIC_URL}${p.path}  (${p.who})`,
      ),
      ...(config.METRICS_TOKEN ? [] : [`  Metrics:          ${METRICS_OFF}`]),
      `  Log in (API):     POST ${config.PUBLIC_URL}/api/auth/login`,
      `  Video:            ${video ? `LiveKit at ${video.url}` : (localVideo?.status() ?? '')}`,
      config.ALEXA_SKILL_ID
        ? `  Alexa:            ${config.PUBLIC_URL}/alexa  (skill ${config.ALEXA_SKILL_ID})`
        : '  Alexa:            not served: set ALEXA_SKILL_ID. Try the skill without a device: channel-pilot voice chat --customer ID',
    ].join('\n'),
  );
  if (config.ALEXA_SKILL_ID && !config.ALEXA_VERIFY_SIGNATURE) {
    logger.warn(
      'ALEXA_VERIFY_SIGNATURE=false: /alexa accepts unsigned requests; never run it like this in production',
    );
    console.warn(
      "WARNING: Alexa request verification is OFF (ALEXA_VERIFY_SIGNATURE=false). Anyone who can reach /alexa can ask for any linked customer's data. Use it only for local development.",
    );
  }
}
