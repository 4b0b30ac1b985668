// /dialogflow/webhook under load, authenticated: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import { webhookBesideBaseline, type WebhookBench } from './support.ts';
import { send } from './load.ts';

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

export function dialogflowFigures(options: WebhookBench): Promise<string[]> {
  return webhookBesideBaseline({
    ...options,
    route: '/dialogflow/webhook',
    env: { BENCH_DIALOGFLOW_SECRET: SECRET },
    requests: async (server) => {
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
      return (path) => (i) =>
        send(`${server.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-channel-pilot-secret': SECRET },
          body: body(i),
        });
    },
    describe: (server) => `header secret, ${server.sessions.length} linked sessions, tag mix`,
  });
}
