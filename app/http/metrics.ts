import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ChannelPilotError, type StorageHandle } from '../../core/index.ts';
import type { TurnWatch } from '../../core/services.ts';

/**
 * The app's Prometheus metrics, one registry per app (no module-level state): requests by route,
 * the database, the outbox backlog, analyses running, LiveKit rooms and voice turns.
 */
export function createMetrics(options: {
  storage: StorageHandle;
  /** How many consultation rooms LiveKit holds now; absent without video. */
  liveRooms?: () => Promise<number>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'channel_pilot_process_' });
  const requests = new Histogram({
    name: 'channel_pilot_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const turns = new Counter({
    name: 'channel_pilot_voice_turns_total',
    help: 'Voice assistant turns answered, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const turnsWaited = new Histogram({
    name: 'channel_pilot_voice_turn_log_delay_seconds',
    help: 'How long after its answer a voice turn was stored in the interaction log',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const { db } = options.storage;
  // Read from the database when scraped, so that every instance reports the same backlog.
  new Gauge({
    name: 'channel_pilot_database_connections',
    help: 'Connections to the app database, by state (all instances)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const rows = await sql<{ state: string | null; n: number }>`
        select state, count(*)::int as n from pg_stat_activity
        where datname = current_database() group by state`.execute(db);
      this.reset();
      for (const row of rows.rows) this.set({ state: row.state ?? 'unknown' }, row.n);
    },
  });
  new Gauge({
    name: 'channel_pilot_database_up',
    help: '1 while the database answers',
    registers: [registry],
    async collect() {
      this.set((await options.storage.ping()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'channel_pilot_change_notices_listening',
    help: '1 while this instance hears the database tell of changes to pilots, voice links and supply accounts',
    registers: [registry],
    collect() {
      this.set(options.storage.broadcast.listening() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'channel_pilot_outbox_backlog',
    help: 'Messages to customers due and not sent yet, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('outbox')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('status', 'in', ['pending', 'sending', 'failed'])
        .where('send_after', '<=', new Date())
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of ['pending', 'sending', 'failed']) {
        this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      }
    },
  });
  new Gauge({
    name: 'channel_pilot_analyses_running',
    help: 'Analyses (census, pilot reports) being computed, on every instance',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('analysis_runs')
        .select(['kind', sql<number>`count(*)::int`.as('n')])
        .where('status', '=', 'computing')
        .groupBy('kind')
        .execute();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind }, row.n);
    },
  });
  if (options.liveRooms) {
    const liveRooms = options.liveRooms;
    new Gauge({
      name: 'channel_pilot_livekit_rooms',
      help: 'Consultation rooms open on the LiveKit server',
      registers: [registry],
      async collect() {
        this.set(await liveRooms());
      },
    });
  }

  /** Times every request and labels it with the route that answered (or `unmatched`). */
  const timing: RequestHandler = (req, res, next) => {
    const end = requests.startTimer({ method: req.method });
    res.once('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      const path = typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
      end({ route: path, status: String(res.statusCode) });
    });
    next();
  };

  return {
    timing,
    /** Counts voice turns by outcome, and times how long each waited for the log (the turn log calls it). */
    voiceTurns: {
      answered: (outcome: string) => turns.inc({ outcome }),
      stored: (waitedMs: number) => turnsWaited.observe(waitedMs / 1000),
    } satisfies TurnWatch,
    /** `GET /metrics`: only with `Authorization: Bearer <token>`; not served without a token. */
    endpoint(token: string | undefined): RequestHandler {
      return async (req, res) => {
        if (!token) {
          throw new ChannelPilotError('not_found', 'metrics are not served: set METRICS_TOKEN');
        }
        const given = Buffer.from(req.headers.authorization ?? '');
        const expected = Buffer.from(`Bearer ${token}`);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          throw new ChannelPilotError('unauthenticated', 'metrics need the METRICS_TOKEN as a bearer token');
        }
        res.type(registry.contentType).send(await registry.metrics());
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
