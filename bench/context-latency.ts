// The customer-context endpoint's p50/p99 at a fixed request rate, beside /healthz at the
// same rate in the same run, on the embedded database or PostgreSQL.
import { freshTarget, login, printedCredentials, settled, startApp } from './support.ts';
import { fixedRate, ms, percentile, send } from './load.ts';
import { figureLine } from './figures.ts';

export async function contextLatency(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  rate: number;
  seconds: number;
  interactions: number;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  const app = await startApp({
    ...target.env,
    SEED_CUSTOMERS: '3000',
    SEED_INTERACTIONS: String(options.interactions),
  });
  try {
    const waited = await settled(app.process.pid as number);
    const credentials = printedCredentials(app.output());
    const cookie = await login(app.baseUrl, 'advisor', credentials.advisor ?? '');
    const page = (await (
      await fetch(`${app.baseUrl}/api/customers?limit=200`, { headers: { cookie } })
    ).json()) as { items: { id: string }[] };
    const ids = page.items.map((c) => c.id);
    const get = (path: string) => send(`${app.baseUrl}${path}`, { headers: { cookie } });
    // Warm up connections and caches.
    for (const id of ids.slice(0, 20)) await get(`/api/customers/${id}/context`);
    const baseline = await fixedRate({
      rate: options.rate,
      seconds: options.seconds,
      request: () => get('/healthz'),
    });
    const context = await fixedRate({
      rate: options.rate,
      seconds: options.seconds,
      request: (i) => get(`/api/customers/${ids[i % ids.length]}/context`),
    });
    const p50 = percentile(context.latencies, 50);
    const p99 = percentile(context.latencies, 99);
    const b50 = percentile(baseline.latencies, 50);
    const b99 = percentile(baseline.latencies, 99);
    return [
      figureLine({
        figure: `GET /api/customers/:id/context at ${options.rate} req/s, p99`,
        database: target.label,
        value: p99,
        unit: 'ms',
        target: 30,
        better: 'lower',
      }),
      `context [${target.label}, ${options.interactions} interactions, start-up work done after ${waited.toFixed(0)} s] at ${options.rate} req/s for ${options.seconds} s: ` +
        `p50 ${ms(p50)}, p99 ${ms(p99)}, errors ${context.errors}/${context.latencies.length + context.errors}`,
      `  baseline /healthz same rate: p50 ${ms(b50)}, p99 ${ms(b99)}; ratio p50 ×${(p50 / b50).toFixed(1)}, p99 ×${(p99 / b99).toFixed(1)}`,
    ];
  } finally {
    await app.stop();
    await target.cleanup();
  }
}
