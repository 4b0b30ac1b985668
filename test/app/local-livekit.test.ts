import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { provideLocalLivekit, type LocalLivekit } from '../../app/bundled-livekit.ts';
import { ConfigSchema, type Config } from '../../app/config.ts';
import { freePort } from '../support/app-process.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, ensureLivekitBinary, type LivekitServer } from '../support/livekit.ts';
import { isLoopback, listeningSockets } from '../support/listening-sockets.ts';

// `npm start` on a machine where livekit-server is not built yet: it is built in the background
// (here a stand-in for infra/livekit/install.sh that takes a few seconds and puts the real
// binary in place), the operator sees progress, and video turns on once the server answers.

const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-local-livekit-'));
const started: LocalLivekit[] = [];

afterAll(async () => {
  for (const local of started) await local.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function config(): Promise<Config> {
  const parsed = ConfigSchema.parse({ LIVEKIT_LOCAL_PORT: String(await freePort()) });
  return {
    ...parsed,
    PUBLIC_URL: 'http://localhost:3000',
    COOKIE_SECURE: false,
    publicUrlFromEnvironment: false,
  };
}

describe('the local livekit-server on first start', () => {
  it(
    'is built in the background with progress lines, and turns video on when ready',
    async () => {
      const real = await ensureLivekitBinary();
      const binary = join(dir, 'livekit-server');
      const script = join(dir, 'install.sh');
      writeFileSync(
        script,
        `#!/bin/sh\nfor i in 1 2 3; do echo "go: downloading example.com/module$i v1.0.0" >&2; sleep 1; done\ncp "${real}" "${binary}"\n`,
      );
      chmodSync(script, 0o755);
      const lines: string[] = [];
      const ready = vi.fn();
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const local = await provideLocalLivekit({
        config: await config(),
        logger: pino({ level: 'silent' }),
        say: (line) => lines.push(line),
        onReady: ready,
        binary,
        installScript: script,
        goAvailable: true,
      });
      started.push(local);
      expect(local.status()).toMatch(/building livekit-server in the background/);
      expect(ready).not.toHaveBeenCalled();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      vi.advanceTimersByTime(15_000);
      expect(lines.at(-1)).toMatch(/^Video: building livekit-server… [1-3] Go modules fetched/);
      vi.useRealTimers();
      await vi.waitFor(() => expect(ready).toHaveBeenCalledOnce(), { timeout: 30_000, interval: 100 });
      const server = ready.mock.calls[0]![0] as { httpUrl: string; wsUrl: string };
      expect((await fetch(server.httpUrl)).ok).toBe(true);
      expect(local.status()).toBe(`LiveKit at ${server.wsUrl} (started with the app)`);
      expect(lines.at(-1)).toMatch(/^Video: ready, LiveKit at ws:\/\/127\.0\.0\.1:\d+/);
    },
    LIVEKIT_INSTALL_TIMEOUT_MS,
  );

  it(
    'listens on loopback only: signalling on LIVEKIT_LOCAL_PORT, media on a UDP port',
    async () => {
      const settings = await config();
      const ready = vi.fn();
      const local = await provideLocalLivekit({
        config: settings,
        logger: pino({ level: 'silent' }),
        say: () => undefined,
        onReady: ready,
        binary: await ensureLivekitBinary(),
      });
      started.push(local);
      await vi.waitFor(() => expect(ready).toHaveBeenCalledOnce(), { timeout: 30_000, interval: 100 });
      const server = ready.mock.calls[0]![0] as LivekitServer;
      const sockets = listeningSockets(server.pid);
      expect(sockets).toContainEqual({
        protocol: 'tcp',
        address: '127.0.0.1',
        port: settings.LIVEKIT_LOCAL_PORT,
      });
      expect(sockets.filter((s) => s.protocol.startsWith('udp')).length).toBeGreaterThan(0);
      expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
    },
    LIVEKIT_INSTALL_TIMEOUT_MS,
  );

  it('says what to install, or to set LIVEKIT_URL, when Go is missing', async () => {
    const local = await provideLocalLivekit({
      config: await config(),
      logger: pino({ level: 'silent' }),
      say: () => undefined,
      onReady: () => undefined,
      binary: join(dir, 'never-built'),
      goAvailable: false,
    });
    expect(local.status()).toMatch(/Go is not installed.*apt-get install -y golang-go.*LIVEKIT_URL/);
  });
});
