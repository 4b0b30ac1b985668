// /alexa under load with request verification on: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import { webhookBesideBaseline, type WebhookBench } from './support.ts';

export function alexaFigures(options: WebhookBench): Promise<string[]> {
  return webhookBesideBaseline({
    ...options,
    route: '/alexa',
    env: {},
    requests: async (server, total) => {
      const requests = await server.sign(total + 50);
      return (path) => (i) => server.post(path, requests[i]!);
    },
    describe: (server) => `verification on, ${server.users.length} linked users, intent mix`,
  });
}
