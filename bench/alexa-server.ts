// The app as `npm start` composes it, with the Alexa skill trusting the bench's test certificate
// chain and the Dialogflow webhook taking BENCH_DIALOGFLOW_SECRET, plus a bare route answering a
// fixed JSON body for the baseline, and the same after one round trip to the database. Run by
// bench/alexa.ts and bench/dialogflow.ts in its own process, so that the load generator does not
// share its event loop.
//   BENCH_CHAIN_FILE: the PEM chain to pin; BENCH_LINKED: Alexa users (and CX sessions) to link to customers;
//   BENCH_COST=1: counts statements, CPU and GC for GET /bench/cost (bench/cost-probe.ts);
//   BENCH_CPU_PROFILE: a folder for a CPU profile of each stretch between two readings.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import { pino } from 'pino';
import { composeApp } from '../app/compose.ts';
import { openConfiguredDatabase } from '../app/configured-database.ts';
import { loadConfig } from '../app/config.ts';
import { testCertUrl, testSkillId } from '../test/support/alexa-requests.ts';
import { installCostProbe } from './cost-probe.ts';

const costProbe = process.env.BENCH_COST ? installCostProbe(process.env.BENCH_CPU_PROFILE) : undefined;

const config = loadConfig({
  ...process.env,
  ALEXA_SKILL_ID: testSkillId,
  DIALOGFLOW_WEBHOOK_SECRET: process.env.BENCH_DIALOGFLOW_SECRET,
});
const storage = await openConfiguredDatabase(config);
const composed = await composeApp({
  storage,
  config,
  logger: pino({ level: 'warn' }),
  alexaCertificates: new Map([[testCertUrl, readFileSync(process.env.BENCH_CHAIN_FILE as string, 'utf8')]]),
});
const { stores, voice } = composed;

// Link Alexa users the way customers do: a code sent to them, said to the skill.
const wanted = Number(process.env.BENCH_LINKED ?? 50);
const users: string[] = [];
const sessions: string[] = [];
const { customers } = await stores.customers.search({ limit: wanted * 3, offset: 0 });
for (const customer of customers) {
  if (users.length >= wanted) break;
  if ((await stores.billing.openBills(customer.id)).length === 0) continue;
  try {
    await voice.linking.issueCode(customer.id);
  } catch {
    continue; // no consented medium to send the code on
  }
  const [message] = (await stores.outbox.recent({ limit: 5, customerId: customer.id })).filter(
    (m) => m.kind === 'link_code',
  );
  const code = /\d{6}/.exec(message?.body ?? '')?.[0] ?? '';
  const userId = `amzn1.ask.account.bench-${users.length}`;
  const result = await voice.linking.redeem({ platform: 'alexa', platformUserId: userId, code });
  if (result.status === 'linked') users.push(`${userId} ${customer.locale}`);
  // The same customer in a CX conversation, linked the same way.
  const { code: cxCode } = await voice.linking.issueCode(customer.id);
  const session = `projects/bench/locations/europe-west1/agents/bench/sessions/bench-${sessions.length}`;
  const cx = await voice.linking.redeem({ platform: 'dialogflow', platformUserId: session, code: cxCode });
  if (cx.status === 'linked') sessions.push(`${session} ${customer.locale}`);
}

const fixed = { version: '1.0', response: { outputSpeech: { type: 'SSML', ssml: '<speak>Hi!</speak>' } } };
const outer = express();
outer.post('/bench/fixed', express.raw({ type: '*/*' }), (_req, res) => {
  res.json(fixed);
});
outer.post('/bench/one-read', express.raw({ type: '*/*' }), (_req, res, next) => {
  sql`select 1`.execute(storage.db).then(() => res.json(fixed), next);
});
if (costProbe) outer.get('/bench/cost', costProbe);
outer.use(composed.app);
await storage.warm(); // as the app does before it listens
const server = outer.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
console.log(JSON.stringify({ port: (server.address() as AddressInfo).port, users, sessions }));
// The channels finish what they were writing (the turn log) before the database closes.
const stop = () => {
  server.close(
    () =>
      void Promise.all(composed.channels.map((channel) => channel.close?.()))
        .then(() => storage.close())
        .then(() => process.exit(0)),
  );
};
process.once('SIGTERM', stop);
// The bench that started it is gone (its end of stdin closed): so is the reason to run.
process.stdin.once('end', stop).resume();
