import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A livekit-server on this machine, for `npm start` without an external LiveKit and for the
// tests: its own config with fresh keys, free loopback ports, started and stopped with the app.

export interface LivekitServer {
  /** The signalling URL clients connect to (ws://127.0.0.1:PORT). */
  wsUrl: string;
  /** The same server for the server APIs (RoomService). */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The server's process id. */
  pid: number;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface LivekitServerOptions {
  /** The livekit-server binary to run. */
  binary: string;
  /** Signalling port; a free one when omitted. */
  port?: number;
  /** Where the server posts its webhooks, signed with `apiKey` (each event to every address). */
  webhookUrl?: string | readonly string[];
  /** The API key and secret; fresh ones when omitted. Nodes of one cluster share them. */
  credentials?: { apiKey: string; apiSecret: string };
  /** A Redis address (`127.0.0.1:6379`): the server joins the nodes that share it, as one cluster. */
  redisAddress?: string;
  /** Extra `room` defaults merged into the generated config. */
  room?: Record<string, unknown>;
}

/**
 * Starts livekit-server on free loopback ports and waits until it answers. A port found free can
 * be taken by another process before the server binds it (parallel test files each start one),
 * so a bind failure on ports picked here is retried with fresh ones.
 */
export async function startLocalLivekitServer(options: LivekitServerOptions): Promise<LivekitServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: LivekitServerOptions): Promise<LivekitServer> {
  const { binary } = options;
  const apiKey = options.credentials?.apiKey ?? `test_${randomBytes(6).toString('hex')}`;
  const apiSecret = options.credentials?.apiSecret ?? randomBytes(32).toString('hex');
  const [port, udpPort] = [options.port ?? (await freePort()), await freeUdpPort()];
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-livekit-'));
  // Reachable from this machine only. Signalling binds `bind_addresses`; media takes one UDP
  // port, bound to the addresses `rtc.ips` lets through. ICE over TCP is off (`tcp_port: 0`;
  // left out, it is 7881): LiveKit binds that listener on every interface whatever the config
  // says, and a browser on this machine reaches the UDP port over loopback.
  const config = {
    port,
    bind_addresses: ['127.0.0.1'],
    keys: { [apiKey]: apiSecret },
    rtc: {
      tcp_port: 0,
      udp_port: udpPort,
      node_ip: '127.0.0.1',
      use_external_ip: false,
      enable_loopback_candidate: true,
      ips: { includes: ['127.0.0.1/32'] },
      stun_servers: [],
    },
    room: { auto_create: false, ...options.room },
    ...(options.webhookUrl ? { webhook: { api_key: apiKey, urls: [options.webhookUrl].flat() } } : {}),
    ...(options.redisAddress ? { redis: { address: options.redisAddress } } : {}),
    logging: { level: 'info', json: false },
  };
  // JSON is YAML: no YAML library needed to write the config.
  const configPath = join(dir, 'livekit.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const child = spawn(binary, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswers(httpUrl, exited, () => out);
  } catch (error) {
    await stop();
    if (/address already in use/.test(out)) throw new PortTaken((error as Error).message);
    throw error;
  }
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl,
    apiKey,
    apiSecret,
    pid: child.pid as number,
    output: () => out,
    stop,
  };
}

async function waitUntilAnswers(url: string, exited: Promise<number | null>, output: () => string) {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`livekit-server exited with ${exitCode}:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`livekit-server did not answer on ${url} within 30 s:\n${output()}`);
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
