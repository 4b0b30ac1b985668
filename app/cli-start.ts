import { writeSetting } from '../core/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { composeApp, type VideoServer } from './compose.ts';
import { openConfiguredDatabase, version } from './configured-database.ts';
import { provideLocalLivekit } from './bundled-livekit.ts';
import { answerClientErrors, gracefulShutdown, serveUpgrades } from './server-lifecycle.ts';
import { createSmtpEmailSender } from './notify/smtp-email-sender.ts';
import { createDevelopmentSender } from './notify/development-sender.ts';
import { seed } from './cli-seed.ts';
import { SERVED_URL } from './cli-runner.ts';
import { METRICS_OFF, servedPages } from './web/landing-page.ts';

// `channel-pilot start`, imported when it runs: the server, its channels and their packages are
// loaded by this command only.

/** Serves the app until a stop signal. */
export async function start(config: Config, logger: Logger): Promise<void> {
  const storage = await openConfiguredDatabase(config, { logger });
  let accepting = true;
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
  const { app, stores, dispatcher, channels, pilotDesk, guardrails, bundles, enableVideo } = await composeApp(
    {
      storage,
      config,
      logger,
      senders,
      video,
      isAccepting: () => accepting,
    },
  );
  // Without LIVEKIT_URL, the local server: started now when built, else built in the background.
  const localVideo = config.LIVEKIT_URL
    ? null
    : await provideLocalLivekit({
        config,
        logger,
        say: (line) => console.log(line),
        onReady: (local) =>
          enableVideo({ url: local.wsUrl, apiKey: local.apiKey, apiSecret: local.apiSecret }),
      });
  // The browser scripts are bundled on first use; bundled now, the first customer does not wait.
  bundles.warm().catch((error: unknown) => logger.error({ err: error }, 'browser scripts failed to bundle'));
  if (config.SEED_DEMO_DATA && (await stores.staff.count()) === 0) {
    await seed(storage, config, {});
  }
  // Not fatal: connections the database refuses now are made, or refused, as requests come.
  await storage
    .warm()
    .catch((error: unknown) =>
      logger.warn({ err: error }, 'the database connections could not all be opened at start'),
    );
  const server = app.listen(config.PORT, config.HOST);
  answerClientErrors(server);
  const endUpgraded = serveUpgrades(server, channels);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
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
      accepting = false;
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
