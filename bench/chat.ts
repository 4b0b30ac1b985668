// Live chat delivery: `chats` concurrent chats on one instance, each visitor's message timed until
// it comes back on the visitor's own socket (stored, announced with NOTIFY, read back), and until
// it reaches a second socket on the same chat connected to another instance; beside a bare
// WebSocket echo on the same machine in the same run. Run by `npm run bench` (BENCH_ONLY=chat):
//   BENCH_CHATS (default 500), BENCH_CHAT_ROUNDS (default 5) messages per chat;
//   BENCH_CHAT_SPREAD_MS (default 5000): each round's messages are sent at random moments over
//   that long (0: all at once, a burst).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { composeApp } from '../app/compose.ts';
import { serveUpgrades } from '../app/server-lifecycle.ts';
import { openDatabase, type StorageHandle } from '../core/index.ts';
import { figureLine } from './figures.ts';
import { freshTarget } from './support.ts';

export interface ChatBenchSize {
  /** Concurrent chats on the first instance. */
  chats: number;
  /** Messages each visitor sends. */
  rounds: number;
  /** Each round's messages go at random moments over this long (0: a burst). */
  spreadMs: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const signed = (ms: number) => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)}`;
const summary = (name: string, samples: number[]) => {
  const sorted = [...samples].sort((x, y) => x - y);
  return { name, n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function open(url: string): Promise<{ socket: WebSocket; first: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('message', (data) => resolve({ socket, first: JSON.parse(data.toString()) }));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` receives a message frame whose body is `body`. */
function arrival(socket: WebSocket, body: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type: string; message?: { body: string } };
      if (frame.type === 'message' && frame.message?.body === body) {
        socket.off('message', listener);
        resolve(performance.now());
      }
    };
    socket.on('message', listener);
  });
}

async function bareEcho({ chats, rounds, spreadMs }: ChatBenchSize): Promise<number[]> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * spreadMs));
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data.toString())));
  const url = await listen(server);
  const sockets = await Promise.all(
    Array.from(
      { length: chats },
      () =>
        new Promise<WebSocket>((resolve) => {
          const socket = new WebSocket(url);
          socket.once('open', () => resolve(socket));
        }),
    ),
  );
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      sockets.map(async (socket, i) => {
        const body = `echo ${round} ${i}`;
        await pause();
        const started = performance.now();
        const back = new Promise<number>((resolve) => {
          const listener = (data: WebSocket.RawData) => {
            if (JSON.parse(data.toString()).message?.body !== body) return;
            socket.off('message', listener);
            resolve(performance.now());
          };
          socket.on('message', listener);
        });
        socket.send(JSON.stringify({ type: 'message', message: { body } }));
        samples.push((await back) - started);
      }),
    );
  }
  for (const socket of sockets) socket.close();
  await new Promise((resolve) => server.close(resolve));
  wss.close();
  return samples;
}

/** The chat's delivery figures on a new database of the PostgreSQL server at `serverUrl`. */
export async function chatFigures(options: ChatBenchSize & { serverUrl: string }): Promise<string[]> {
  const { chats: CHATS, rounds: ROUNDS, spreadMs: SPREAD_MS } = options;
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * SPREAD_MS));
  const target = await freshTarget('postgres', options.serverUrl);
  const storages: StorageHandle[] = [];
  const servers: Server[] = [];
  const endings: (() => void)[] = [];
  const apps: Awaited<ReturnType<typeof composeApp>>[] = [];
  const lines: string[] = [];
  try {
    const echo = await bareEcho(options);
    console.error('bare echo measured');
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const storage = await openDatabase({ kind: 'postgres', url: target.env.DATABASE_URL!, poolSize: 10 });
      storages.push(storage);
      const app = await composeApp({
        storage,
        config: {
          PUBLIC_URL: 'http://localhost:3000',
          SESSION_TTL_HOURS: 1,
          COOKIE_SECURE: false,
          CHAT_ENABLED: true,
          CHAT_CONNECTIONS_PER_IP: CHATS * 2,
          CHAT_MESSAGES_PER_MINUTE: ROUNDS * 4,
        },
        logger: pino({ level: 'silent' }),
      });
      apps.push(app);
      const server = createServer(app.app);
      endings.push(serveUpgrades(server, app.channels));
      servers.push(server);
      urls.push(await listen(server));
    }
    const startedAt = performance.now();
    const visitors: { socket: WebSocket; conversationId: string; key: string }[] = [];
    // Chats open in batches, as visitors arrive: the pool, not the benchmark, would queue them all.
    for (let i = 0; i < CHATS; i += 50) {
      visitors.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, CHATS - i) }, async () => {
            const { socket, first } = await open(`${urls[0]}/chat/socket?locale=en-US`);
            return { socket, conversationId: first.conversationId as string, key: first.key as string };
          }),
        )),
      );
    }
    const opening = performance.now() - startedAt;
    console.error(`${CHATS} chats open in ${(opening / 1000).toFixed(1)} s; timing ${ROUNDS} rounds`);
    const watchers = await Promise.all(
      visitors.map(
        async (v) =>
          (await open(`${urls[1]}/chat/socket?conversation=${v.conversationId}&key=${v.key}`)).socket,
      ),
    );
    const same: number[] = [];
    const across: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        visitors.map(async (v, i) => {
          const body = `round ${round} chat ${i}`;
          await pause();
          const back = arrival(v.socket, body);
          const there = arrival(watchers[i]!, body);
          const started = performance.now();
          v.socket.send(JSON.stringify({ type: 'message', text: body }));
          const [here, other] = await Promise.all([back, there]);
          same.push(here - started);
          across.push(other - started);
        }),
      );
    }
    const rows = [
      summary('bare WebSocket echo', echo),
      summary('chat, same instance', same),
      summary('chat, other instance', across),
    ];
    const [bare, one, two] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    const size = `${CHATS} chats × ${ROUNDS} messages`;
    const figure = (name: string, value: number) =>
      figureLine({ figure: `${name}, ${size}`, database: target.label, value, unit: 'ms', better: 'lower' });
    lines.push(
      `live chat delivery, ${size}, each round spread over ${SPREAD_MS} ms, node ${process.version}`,
      `opening ${CHATS} chats (bot greeting included): ${(opening / 1000).toFixed(1)} s`,
      ...rows.map(
        (row) =>
          `${row.name.padEnd(24)} n=${row.n}  p50 ${row.p50.toFixed(1)} ms  p99 ${row.p99.toFixed(1)} ms`,
      ),
      `chat over bare echo: p50 ×${(one.p50 / bare.p50).toFixed(1)}, p99 ×${(one.p99 / bare.p99).toFixed(1)}; ` +
        `extra across instances: p50 ${signed(two.p50 - one.p50)} ms, p99 ${signed(two.p99 - one.p99)} ms`,
      figure('chat delivery on one instance, p50', one.p50),
      figure('chat delivery on one instance, p99', one.p99),
      figure('extra latency across two instances, p50', two.p50 - one.p50),
      figure('extra latency across two instances, p99', two.p99 - one.p99),
      figure('bare WebSocket echo, same run, p50', bare.p50),
      figure('bare WebSocket echo, same run, p99', bare.p99),
    );
    for (const socket of [...visitors.map((v) => v.socket), ...watchers]) socket.terminate();
  } finally {
    for (const end of endings) end();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    for (const app of apps) for (const channel of app.channels) await channel.close?.();
    for (const storage of storages) await storage.close();
    await target.cleanup();
  }
  return lines;
}
