// /dialogflow/webhook under load, authenticated: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import { fixedRate, freshTarget, ms, percentile, seedTarget, startAlexaBenchServer } from './support.ts';

const SECRET = 'bench-dialogflow-secret-0123456789';
// What customers ask the agent, roughly as often as they ask it (the tags of bench/alexa.ts's mix).
const tags = [
  'WhatDoIOwe',
  'WhatDoIOwe',
  'WhyHigher',
  'LastPayment',
  'BillDetail',
  'NextAppointment',
  'help',
  'open',
];

export async function dialogflowFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  rates: number[];
  seconds: number;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  try {
    await seedTarget(target, { customers: 500, interactions: 20_000 });
    const server = await startAlexaBenchServer(
      { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', BENCH_DIALOGFLOW_SECRET: SECRET, ...target.env },
      400,
    );
    try {
      const body = (i: number) => {
        const [session = '', locale = 'it-IT'] = (server.sessions[i % server.sessions.length] ?? '').split(
          ' ',
        );
        return JSON.stringify({
          detectIntentResponseId: `bench-${i}`,
          languageCode: locale,
          fulfillmentInfo: { tag: tags[i % tags.length] },
          sessionInfo: { session, parameters: {} },
          text: 'bench',
        });
      };
      const post = (path: string) => (i: number) =>
        fetch(`${server.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-channel-pilot-secret': SECRET },
          body: body(i),
          signal: AbortSignal.timeout(10_000),
        });
      for (let i = 0; i < 50; i++) await (await post('/dialogflow/webhook')(i)).arrayBuffer();
      const lines: string[] = [];
      for (const rate of options.rates) {
        const baseline = await fixedRate({ rate, seconds: options.seconds, request: post('/bench/fixed') });
        const webhook = await fixedRate({
          rate,
          seconds: options.seconds,
          request: post('/dialogflow/webhook'),
        });
        const [p50, p99, b50, b99] = [
          percentile(webhook.latencies, 50),
          percentile(webhook.latencies, 99),
          percentile(baseline.latencies, 50),
          percentile(baseline.latencies, 99),
        ] as [number, number, number, number];
        const sent = Math.round(rate * options.seconds);
        lines.push(
          `/dialogflow/webhook [${target.label}, header secret, ${server.sessions.length} linked sessions, tag mix] at ${rate} req/s for ${options.seconds} s: ` +
            `p50 ${ms(p50)}, p99 ${ms(p99)}, errors ${webhook.errors}/${sent}`,
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
