// /dialogflow/webhook under load, authenticated: p50/p99 at a fixed rate, beside a bare Express
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
      const waited = await settled(server.pid);
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
        if (rate === 200)
          lines.push(...webhookFigures('/dialogflow/webhook', target.label, webhook, baseline));
        lines.push(
          ...besideBaseline(
            `/dialogflow/webhook [${target.label}, header secret, ${server.sessions.length} linked sessions, tag mix, start-up work done after ${waited.toFixed(0)} s] at ${rate} req/s for ${options.seconds} s`,
            webhook,
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
