import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { composeDialogflowApp, CX_AGENT, CX_SECRET } from '../support/dialogflow-app.ts';
import { dualFuelEnglish, dualFuelTurin, type Household } from '../support/households.ts';

// CX's webhook calls through the real route, as CX sends them (camelCase JSON, its own fields
// beside the ones read), on a fixed clock for the bills' figures.

const SECRET = CX_SECRET;
const AGENT = CX_AGENT;
let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;
let turin: Household;
let chicago: Household;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeDialogflowApp({
    storage,
    config: {
      DIALOGFLOW_WEBHOOK_USERNAME: 'cx-agent',
      DIALOGFLOW_WEBHOOK_PASSWORD: 'basic-password-42-long',
    },
  });
  turin = await dualFuelTurin(composed.stores);
  chicago = await dualFuelEnglish(composed.stores);
});

afterAll(async () => {
  await composed?.voice.close();
  await storage?.close();
});

let sessions = 0;
/** A CX session of its own: every conversation in a test starts afresh. */
function cxSession(options: { languageCode: string; callerId?: string }) {
  const session = `${AGENT}/sessions/test-${Date.now()}-${++sessions}`;
  let parameters: Record<string, unknown> = {};
  async function call(
    tag: string,
    extra: { intentParameters?: Record<string, unknown>; form?: unknown[] } = {},
  ) {
    const body = {
      detectIntentResponseId: `d${sessions}-${tag}`,
      languageCode: options.languageCode,
      fulfillmentInfo: { tag },
      intentInfo: {
        lastMatchedIntent: `${AGENT}/intents/00000000-0000-0000-0000-000000000001`,
        displayName: tag,
        confidence: 0.93,
        parameters: extra.intentParameters ?? {},
      },
      pageInfo: {
        currentPage: `${AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE`,
        displayName: 'Start Page',
        ...(extra.form ? { formInfo: { parameterInfo: extra.form } } : {}),
      },
      sessionInfo: { session, parameters },
      text: 'as the customer said it',
      sentimentAnalysisResult: { score: 0.1, magnitude: 0.1 },
      ...(options.callerId ? { payload: { telephony: { caller_id: options.callerId } } } : {}),
    };
    const response = await request(composed.app)
      .post('/dialogflow/webhook')
      .set('x-channel-pilot-secret', SECRET)
      .send(body);
    expect(response.status).toBe(200);
    expect(Buffer.byteLength(response.text)).toBeLessThan(64 * 1024);
    for (const [name, value] of Object.entries(response.body.sessionInfo?.parameters ?? {})) {
      if (value === null) delete parameters[name];
      else parameters = { ...parameters, [name]: value };
    }
    const messages = response.body.fulfillmentResponse.messages as {
      text?: { text: string[] };
      outputAudioText?: { ssml: string };
    }[];
    return {
      body: response.body,
      text: messages.flatMap((m) => m.text?.text ?? []).join(' '),
      ssml: messages.find((m) => m.outputAudioText)?.outputAudioText?.ssml ?? '',
      ended: response.body.sessionInfo.parameters.channel_pilot_end === true,
    };
  }
  return { call, session };
}

async function linkWithCode(session: string, customerId: string) {
  const { code } = await composed.voice.linking.issueCode(customerId);
  return { session, code };
}

describe('the Dialogflow CX webhook', () => {
  it('answers what is owed in it-IT once a code links the session, with text and SSML, and logs the turn', async () => {
    const cx = cxSession({ languageCode: 'it' });
    const open = await cx.call('open');
    expect(open.text).toMatch(/devo prima sapere chi sei/);
    const { code } = await linkWithCode(cx.session, turin.customer.id);
    const linked = await cx.call('LinkAccount', {
      intentParameters: { code: { originalValue: code, resolvedValue: code } },
    });
    expect(linked.text).not.toMatch(/codice/i);
    const owed = await cx.call('WhatDoIOwe');
    expect(owed.ssml).toMatch(/^<speak>.*<\/speak>$/);
    expect(owed.text).toMatch(/euro/);
    await composed.voice.close();
    const turns = await composed.stores.interactions.forCustomer(turin.customer.id, { limit: 10 });
    expect(turns.map((t) => `${t.channel}/${t.touchpoint}`)).toContain('voice_assistant/dialogflow');
  });

  it('offers the payment link in en-US and sends it on yes, as the outbox shows', async () => {
    const cx = cxSession({ languageCode: 'en-US' });
    const { code } = await linkWithCode(cx.session, chicago.customer.id);
    await cx.call('LinkAccount', {
      intentParameters: { code: { originalValue: code, resolvedValue: code } },
    });
    const owed = await cx.call('WhatDoIOwe');
    expect(owed.text).toMatch(/link/i);
    const before = (await composed.stores.outbox.recent({ limit: 50, customerId: chicago.customer.id }))
      .length;
    await cx.call('yes');
    const after = await composed.stores.outbox.recent({ limit: 50, customerId: chicago.customer.id });
    expect(after.length).toBe(before + 1);
    expect(after[0]?.kind).toMatch(/payment/);
  });

  it('verifies a caller by a code sent to the customer their number proposes, before any figure', async () => {
    const cx = cxSession({ languageCode: 'it-IT', callerId: turin.customer.phone as string });
    const before = await composed.stores.outbox.recent({ limit: 50, customerId: turin.customer.id });
    const owedFirst = await cx.call('WhatDoIOwe');
    expect(owedFirst.text).toMatch(/ti ho appena mandato un codice/);
    expect(owedFirst.text).not.toMatch(/euro/);
    expect(owedFirst.body.pageInfo.formInfo.parameterInfo).toEqual([
      { displayName: 'code', required: true, state: 'INVALID' },
    ]);
    const sent = await composed.stores.outbox.recent({ limit: 50, customerId: turin.customer.id });
    expect(sent.length).toBe(before.length + 1);
    const code = /\d{6}/.exec(sent[0]?.body ?? '')?.[0] as string;
    const again = await cx.call('LastPayment');
    expect(again.text).toMatch(/ti ho appena mandato un codice/);
    expect(await composed.stores.outbox.recent({ limit: 50, customerId: turin.customer.id })).toHaveLength(
      sent.length,
    );
    const wrong = await cx.call('LinkAccount', {
      intentParameters: { code: { originalValue: '000000', resolvedValue: '000000' } },
    });
    expect(wrong.text).not.toMatch(/euro/);
    await cx.call('LinkAccount', {
      intentParameters: { code: { originalValue: code, resolvedValue: code } },
    });
    const owed = await cx.call('WhatDoIOwe');
    expect(owed.text).toMatch(/euro/);
    await composed.voice.close();
    const turns = await composed.stores.interactions.forCustomer(turin.customer.id, { limit: 20 });
    expect(turns.some((t) => t.touchpoint === 'phone')).toBe(true);
  });

  it('refuses missing and wrong credentials with 401, and takes basic authentication as configured', async () => {
    const body = { fulfillmentInfo: { tag: 'open' }, sessionInfo: { session: `${AGENT}/sessions/x` } };
    await request(composed.app).post('/dialogflow/webhook').send(body).expect(401);
    await request(composed.app)
      .post('/dialogflow/webhook')
      .set('x-channel-pilot-secret', `${SECRET}x`)
      .send(body)
      .expect(401);
    await request(composed.app)
      .post('/dialogflow/webhook')
      .auth('cx-agent', 'wrong-password-000000')
      .send(body)
      .expect(401);
    await request(composed.app)
      .post('/dialogflow/webhook')
      .auth('cx-agent', 'basic-password-42-long')
      .send(body)
      .expect(200);
  });

  it('answers 400 naming what is malformed, 413 to an oversized request, and never 5xx', async () => {
    const post = () =>
      request(composed.app).post('/dialogflow/webhook').set('x-channel-pilot-secret', SECRET);
    const missing = await post().send({ sessionInfo: { session: `${AGENT}/sessions/x` } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.fulfillmentInfo']);
    expect((await post().type('application/json').send('{"fulfillmentInfo":')).status).toBe(400);
    const huge = await post().send({
      fulfillmentInfo: { tag: 'open' },
      sessionInfo: { session: 'x' },
      text: 'a'.repeat(300_000),
    });
    expect(huge.status).toBe(413);
    // Tags no agent has, the names every object answers to among them: each a polite 200.
    for (const tag of ['OrderPizza', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const unknown = await post().send({
        fulfillmentInfo: { tag },
        sessionInfo: { session: `${AGENT}/sessions/y` },
      });
      expect(unknown.status, tag).toBe(200);
      expect(JSON.stringify(unknown.body)).not.toMatch(/euro/);
    }
  });
});
