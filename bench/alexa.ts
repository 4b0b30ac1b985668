// /alexa under load with request verification on: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import { fixedRate, freshTarget, ms, percentile, seedTarget, startAlexaBenchServer } from './support.ts';

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
      const total = Math.round(Math.max(...options.rates) * options.seconds);
      const requests = server.sign(total + 50);
      for (let i = 0; i < 50; i++) await (await server.post('/alexa', requests[total + i]!)).arrayBuffer();
      const lines: string[] = [];
      for (const rate of options.rates) {
        const post = (path: string) => (i: number) => server.post(path, requests[i]!);
        const baseline = await fixedRate({ rate, seconds: options.seconds, request: post('/bench/fixed') });
        const alexa = await fixedRate({ rate, seconds: options.seconds, request: post('/alexa') });
        const [p50, p99, b50, b99] = [
          percentile(alexa.latencies, 50),
          percentile(alexa.latencies, 99),
          percentile(baseline.latencies, 50),
          percentile(baseline.latencies, 99),
        ] as [number, number, number, number];
        const sent = Math.round(rate * options.seconds);
        lines.push(
          `/alexa [${target.label}, verification on, ${server.users.length} linked users, intent mix] at ${rate} req/s for ${options.seconds} s: ` +
            `p50 ${ms(p50)}, p99 ${ms(p99)}, errors ${alexa.errors}/${sent}`,
          `  bare Express route, fixed JSON, same server and rate: p50 ${ms(b50)}, p99 ${ms(b99)}; ratio p50 ×${(p50 / b50).toFixed(1)}, p99 ×${(p99 / b99).toFixed(1)}`,
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
