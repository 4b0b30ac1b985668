import type { Intent, IntentRequest, RequestEnvelope, ResponseEnvelope, Slot, dialog } from 'ask-sdk-model';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAlexaConversation } from '../../../voice/alexa/chat/alexa-conversation.ts';
import { loadInteractionModel, type InteractionModel } from '../../../voice/alexa/intent-models.ts';

const skillId = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000002';
let italian: InteractionModel;
let english: InteractionModel;

beforeAll(async () => {
  italian = await loadInteractionModel('it-IT');
  english = await loadInteractionModel('en-US');
});

type Reply = (envelope: RequestEnvelope) => ResponseEnvelope;

const speak = (text: string, extra: Partial<ResponseEnvelope['response']> = {}): ResponseEnvelope => ({
  version: '1.0',
  response: { outputSpeech: { type: 'SSML', ssml: `<speak>${text}</speak>` }, ...extra },
});

const intentOf = (envelope: RequestEnvelope): Intent => (envelope.request as IntentRequest).intent;

// A booking skill managing its own dialog: it elicits topic, date and time in turn, then confirms.
const bookingSkill: Reply = (envelope) => {
  const turns = Number(envelope.session?.attributes?.turns ?? 0) + 1;
  const withTurns = (response: ResponseEnvelope) => ({ ...response, sessionAttributes: { turns } });
  const { request } = envelope;
  if (request.type === 'LaunchRequest') return withTurns(speak('Ciao!', { shouldEndSession: false }));
  if (request.type === 'SessionEndedRequest') return { version: '1.0', response: {} };
  if (request.type !== 'IntentRequest') throw new Error(request.type);
  const { intent } = request;
  if (intent.name === 'AMAZON.StopIntent') return speak('A presto!', { shouldEndSession: true });
  if (intent.name !== 'BookConsultationIntent') {
    return withTurns(speak(`Hai detto ${intent.name} &amp; altro.`, { shouldEndSession: false }));
  }
  const missing = ['topic', 'date', 'time'].find((name) => !intent.slots?.[name]?.value);
  if (missing) {
    const elicit: dialog.ElicitSlotDirective = {
      type: 'Dialog.ElicitSlot',
      slotToElicit: missing,
      updatedIntent: intent,
    };
    return withTurns(speak(`Dimmi ${missing}.`, { directives: [elicit], shouldEndSession: false }));
  }
  if (intent.confirmationStatus === 'NONE') {
    const confirm: dialog.ConfirmIntentDirective = { type: 'Dialog.ConfirmIntent', updatedIntent: intent };
    return withTurns(speak('Va bene?', { directives: [confirm], shouldEndSession: false }));
  }
  if (intent.confirmationStatus === 'DENIED')
    return withTurns(speak('Non prenoto.', { shouldEndSession: false }));
  return speak('Prenotato <break time="300ms"/> a presto.', {
    card: { type: 'Simple', title: 'Videoconsulenza', content: 'Domani alle 10' },
    shouldEndSession: true,
  });
};

function conversationWith(reply: Reply, model = () => italian) {
  const sent: RequestEnvelope[] = [];
  let ids = 0;
  const conversation = createAlexaConversation({
    locale: model().locale,
    model: model(),
    skillId,
    userId: 'amzn1.ask.account.USER',
    accessToken: 'linked-token',
    today: () => '2026-11-26',
    newId: () => `id-${(ids += 1)}`,
    invoke: async (envelope) => {
      sent.push(structuredClone(envelope));
      return reply(envelope);
    },
  });
  return { conversation, sent };
}

const empty = (name: string): Slot => ({ name, confirmationStatus: 'NONE' });

describe('the Alexa conversation simulator', () => {
  it('keeps one session, new only on its first request, and carries the attributes the skill returned', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.launch();
    await conversation.say('quanto devo pagare');
    await conversation.say('aiuto');
    expect(sent.map((envelope) => envelope.request.type)).toEqual([
      'LaunchRequest',
      'IntentRequest',
      'IntentRequest',
    ]);
    expect(new Set(sent.map((envelope) => envelope.session?.sessionId))).toEqual(
      new Set(['amzn1.echo-api.session.id-1']),
    );
    expect(sent.map((envelope) => envelope.session?.new)).toEqual([true, false, false]);
    expect(sent.map((envelope) => envelope.session?.attributes)).toEqual([{}, { turns: 1 }, { turns: 2 }]);
    expect(sent[1]?.context.System.user).toEqual({
      userId: 'amzn1.ask.account.USER',
      accessToken: 'linked-token',
    });
    expect(sent[1]?.request).toMatchObject({ locale: 'it-IT', dialogState: 'COMPLETED' });
    expect(sent[1]?.request.requestId).toMatch(/^amzn1\.echo-api\.request\.id-\d+$/);
    expect(sent[1]?.request.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('starts an intent with a dialog model as STARTED, sending every slot and resolving custom values', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    const turn = await conversation.say('prenota una videochiamata per la bolletta');
    expect(sent[0]?.request).toMatchObject({ type: 'IntentRequest', dialogState: 'STARTED' });
    expect(intentOf(sent[0]!)).toEqual({
      name: 'BookConsultationIntent',
      confirmationStatus: 'NONE',
      slots: {
        topic: {
          name: 'topic',
          value: 'la bolletta',
          confirmationStatus: 'NONE',
          source: 'USER',
          resolutions: {
            resolutionsPerAuthority: [
              {
                authority: `amzn1.er-authority.echo-sdk.${skillId}.CONSULTATION_TOPIC`,
                status: { code: 'ER_SUCCESS_MATCH' },
                values: [{ value: { name: 'bollette', id: 'billing' } }],
              },
            ],
          },
          slotValue: expect.objectContaining({ type: 'Simple', value: 'la bolletta' }),
        },
        date: empty('date'),
        time: empty('time'),
      },
    });
    expect(turn).toMatchObject({ speech: 'Dimmi date.', ended: false, directives: ['Dialog.ElicitSlot'] });
  });

  it('answers an elicitation with the updated intent plus the new slot, IN_PROGRESS, then confirms', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.say('prenota una videochiamata per bollette');
    await conversation.say('domani');
    await conversation.say('alle dieci');
    const confirmed = await conversation.say('sì');
    const requests = sent.map((envelope) => envelope.request as IntentRequest);
    expect(requests.map((request) => request.dialogState)).toEqual([
      'STARTED',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
    ]);
    expect(requests.map((request) => request.intent.name)).toEqual(Array(4).fill('BookConsultationIntent'));
    expect(requests[1]?.intent.slots?.topic?.value).toBe('bollette');
    expect(requests[1]?.intent.slots?.date).toMatchObject({ value: '2026-11-27', source: 'USER' });
    expect(requests[1]?.intent.slots?.time).toEqual(empty('time'));
    expect(requests[2]?.intent.slots?.time?.value).toBe('10:00');
    expect(requests.map((request) => request.intent.confirmationStatus)).toEqual([
      'NONE',
      'NONE',
      'NONE',
      'CONFIRMED',
    ]);
    expect(confirmed).toMatchObject({
      speech: 'Prenotato a presto.',
      card: { type: 'Simple', title: 'Videoconsulenza', text: 'Domani alle 10' },
      ended: true,
    });
  });

  it('sends DENIED when the user says no to the confirmation', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.say('prenotami una consulenza su contratto domani alle 10');
    await conversation.say('no');
    expect(intentOf(sent[1]!)).toMatchObject({
      name: 'BookConsultationIntent',
      confirmationStatus: 'DENIED',
    });
  });

  it('matches anything but yes or no to a confirmation as a new request', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.say('prenotami una consulenza su contratto domani alle 10');
    await conversation.say('quanto devo pagare');
    expect(sent[1]?.request).toMatchObject({
      dialogState: 'COMPLETED',
      intent: { name: 'WhatDoIOweIntent' },
    });
    expect(sent[1]?.session?.sessionId).toBe(sent[0]?.session?.sessionId);
  });

  it('lets the user stop in the middle of an elicitation', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.say('prenota un appuntamento');
    const turn = await conversation.say('stop');
    expect(intentOf(sent[1]!).name).toBe('AMAZON.StopIntent');
    expect(turn.ended).toBe(true);
  });

  it('sends an unresolved custom value with ER_SUCCESS_NO_MATCH and no values', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.say('prenota un appuntamento');
    await conversation.say('astrologia');
    expect(intentOf(sent[1]!).slots?.topic).toMatchObject({
      value: 'astrologia',
      resolutions: {
        resolutionsPerAuthority: [
          {
            authority: `amzn1.er-authority.echo-sdk.${skillId}.CONSULTATION_TOPIC`,
            status: { code: 'ER_SUCCESS_NO_MATCH' },
          },
        ],
      },
    });
    expect(intentOf(sent[1]!).slots?.topic?.resolutions?.resolutionsPerAuthority?.[0]).not.toHaveProperty(
      'values',
    );
  });

  it('opens a new session after the skill ended one, without the old attributes', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.launch();
    await conversation.say('prenotami una consulenza su contratto domani alle 10');
    await conversation.say('sì');
    await conversation.say('stop');
    const [, , confirmed, stop] = sent;
    expect(confirmed?.session?.attributes).toEqual({ turns: 2 });
    expect(stop?.session).toMatchObject({ new: true, attributes: {} });
    expect(stop?.session?.sessionId).not.toBe(confirmed?.session?.sessionId);
    expect(intentOf(stop!).name).toBe('AMAZON.StopIntent');
  });

  it('ends the session with a USER_INITIATED SessionEndedRequest, and has nothing to end afterwards', async () => {
    const { conversation, sent } = conversationWith(bookingSkill);
    await conversation.launch();
    const turn = await conversation.end();
    expect(sent[1]?.request).toMatchObject({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' });
    expect(sent[1]?.session?.sessionId).toBe(sent[0]?.session?.sessionId);
    expect(turn).toMatchObject({ speech: '', ended: true });
    expect(await conversation.end()).toBeUndefined();
  });

  it('reports speech as plain text, with entities decoded', async () => {
    const { conversation } = conversationWith(bookingSkill);
    expect((await conversation.say('aiuto')).speech).toBe('Hai detto AMAZON.HelpIntent & altro.');
  });

  it('sends a LaunchRequest for a bare invocation', async () => {
    const { conversation, sent } = conversationWith(bookingSkill, () => english);
    await conversation.say('open bill assistant');
    expect(sent[0]?.request).toMatchObject({ type: 'LaunchRequest', locale: 'en-US' });
  });

  it('sends the slot confirmation the user gives after Dialog.ConfirmSlot', async () => {
    const { conversation, sent } = conversationWith((envelope) => {
      const request = envelope.request as IntentRequest;
      if (request.intent.slots?.code?.confirmationStatus !== 'NONE')
        return speak('Fatto.', { shouldEndSession: true });
      const directive: dialog.ConfirmSlotDirective = { type: 'Dialog.ConfirmSlot', slotToConfirm: 'code' };
      return speak('Il codice è 123456?', { directives: [directive] });
    });
    await conversation.say('il codice è uno due tre quattro cinque sei');
    const turn = await conversation.say('no');
    expect(intentOf(sent[0]!).slots?.code?.value).toBe('123456');
    expect(sent[1]?.request).toMatchObject({ dialogState: 'IN_PROGRESS' });
    expect(intentOf(sent[1]!).slots?.code).toMatchObject({ value: '123456', confirmationStatus: 'DENIED' });
    expect(turn.ended).toBe(true);
  });

  it('ends the session, like an Echo without a screen, when the response leaves shouldEndSession unset and does not reprompt', async () => {
    const { conversation, sent } = conversationWith(() => speak('Ecco.'));
    expect((await conversation.say('quanto devo pagare')).ended).toBe(true);
    await conversation.say('quanto devo pagare');
    expect(sent[1]?.session?.new).toBe(true);
  });

  it('refuses Dialog.Delegate, which only Alexa-managed dialogs use', async () => {
    const { conversation } = conversationWith(() => speak('', { directives: [{ type: 'Dialog.Delegate' }] }));
    await expect(conversation.say('prenota un appuntamento')).rejects.toThrow(
      /Dialog\.Delegate is not supported/,
    );
  });
});
