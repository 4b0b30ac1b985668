// /alexa under load with request verification on: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import {
  besideBaseline,
  fixedRate,
  freshTarget,
  seedTarget,
  settled,
  startAlexaBenchServer,
  webhookFigures,
} from './support.ts';

export async function alexaFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  /** Each rate is measured in turn on the same server: the target's, and lower ones to show what it sustains. */
  rates: number[];
  seconds: number;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  try {
    await seedTarget(target, { customers: 500, interactions: 20_000 });
    const server = await startAlexaBenchServer(
      { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env },
      400,
    );
    try {
      const waited = await settled(server.pid);
      const total = Math.round(Math.max(...options.rates) * options.seconds);
      const requests = server.sign(total + 50);
      for (let i = 0; i < 50; i++) await (await server.post('/alexa', requests[total + i]!)).arrayBuffer();
      const lines: string[] = [];
      for (const rate of options.rates) {
        const post = (path: string) => (i: number) => server.post(path, requests[i]!);
        const baseline = await fixedRate({ rate, seconds: options.seconds, request: post('/bench/fixed') });
        const alexa = await fixedRate({ rate, seconds: options.seconds, request: post('/alexa') });
        if (rate === 200) lines.push(...webhookFigures('/alexa', target.label, alexa, baseline));
        lines.push(
          ...besideBaseline(
            `/alexa [${target.label}, verification on, ${server.users.length} linked users, intent mix, start-up work done after ${waited.toFixed(0)} s] at ${rate} req/s for ${options.seconds} s`,
            alexa,
            baseline,
            Math.round(rate * options.seconds),
          ),
        );
      }
      return lines;
    } finally {
      await server.stop();
    }
  } finally {
    await target.cleanup();
  }
}
