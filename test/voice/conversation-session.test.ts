import { describe, expect, it } from 'vitest';
import type { ChannelAccess, Outcome } from '../../core/index.ts';
import { reply, type IntentReply, type TurnRequest } from '../../core/conversation/conversation.ts';
import {
  createConversationSession,
  customerIntentNames,
  type CustomerIntentName,
  type SessionEvent,
  type SessionState,
} from '../../core/conversation/session.ts';
import { sessionMessages } from '../../core/conversation/session-messages.ts';
import type { UnloggedTurn } from '../../core/conversation/turn-log.ts';

// The conversation's rules with no platform around them: what a turn hears and the state it
// hands back. The Alexa tests drive the same rules through /alexa on a real database.

const customerId = '0190d7e2-8c4e-7a61-9a7e-2f3b4c5d6e7f';

function harness(
  options: { linked?: boolean; permit?: Partial<Awaited<ReturnType<ChannelAccess['permit']>>> } = {},
) {
  const logged: { intent: string; outcome: Outcome; reason: string }[] = [];
  const asked: { intent: string; request: UnloggedTurn }[] = [];
  let turns = 0;
  let moves = 0;
  const log =
    (intent: string, handler: (request: TurnRequest) => Promise<IntentReply>) =>
    async (request: UnloggedTurn) => {
      const turnId = `turn-${++turns}`;
      const answered = await handler({ ...request, turnId });
      logged.push({ intent, outcome: answered.outcome, reason: answered.reason });
      return { ...answered, turnId };
    };
  // "What do I owe" answers and offers the payment link; paying sends it; the rest resolve.
  const answers: Partial<Record<CustomerIntentName, (r: TurnRequest) => IntentReply>> = {
    WhatDoIOwe: () =>
      reply('Owed', 'You owe 84.20 euros. Shall I send the link to pay?', 'resolved', 'payment', {
        kind: 'offer',
        intent: 'PayBill',
      }),
    PayBill: () => reply('Link', 'I sent the link by SMS.', 'resolved', 'payment'),
    // Asks which day the first time only, as if the day were then known.
    MoveAppointment: () =>
      ++moves === 1
        ? reply('Move', 'To which day?', 'continued', 'consultation', {
            kind: 'elicit',
            slot: 'date',
            slots: {},
          })
        : reply('Moved', 'Moved to Tuesday.', 'resolved', 'consultation'),
    BookConsultation: (r) =>
      r.slots?.topic
        ? {
            ...reply('Booked', 'Booked for Tuesday.', 'resolved', 'consultation'),
            about: { appointmentId: 'a1' },
          }
        : reply('Topic', 'What is it about?', 'continued', 'consultation', {
            kind: 'elicit',
            slot: 'topic',
            slots: { ...r.slots },
          }),
  };
  const intents = Object.fromEntries(
    customerIntentNames.map((intent) => [
      intent,
      log(intent, async (request) => {
        asked.push({ intent, request });
        return (answers[intent] ?? (() => reply('Done', 'Done.', 'resolved', 'general_enquiry')))(request);
      }),
    ]),
  ) as Parameters<typeof createConversationSession>[0]['intents'];
  const session = createConversationSession({
    intents,
    log,
    access: {
      permit: async () => ({ allowed: true, closingSurvey: false, ...options.permit }),
    },
    channel: 'voice_assistant',
  });
  let state: SessionState = {};
  const say = async (event: SessionEvent, locale: 'it-IT' | 'en-US' = 'en-US') => {
    const result = await session.turn({
      locale,
      event,
      state,
      identify: async () => (options.linked === false ? undefined : { customerId }),
    });
    state = result.state;
    return result.answer;
  };
  const intent = (name: CustomerIntentName, slots = {}): SessionEvent => ({
    kind: 'intent',
    intent: name,
    slots,
    confirmation: 'none',
  });
  return { say, intent, logged, asked, state: () => state };
}

describe('the conversation session', () => {
  it('runs what it offered on yes, with the turn in the history, and withdraws the offer on anything else', async () => {
    const s = harness();
    const owed = await s.say(s.intent('WhatDoIOwe'));
    expect(owed).toMatchObject({ next: { kind: 'offer', intent: 'PayBill' }, reprompt: owed.speech });
    expect(s.state().offer).toEqual({ intent: 'PayBill' });
    const paid = await s.say({ kind: 'yes' });
    expect(paid.card).toEqual({ title: 'Link', text: 'I sent the link by SMS.' });
    expect(s.logged.map((l) => l.intent)).toEqual(['WhatDoIOwe', 'PayBill']);
    expect(s.state().history?.map((h) => h.intent)).toEqual(['WhatDoIOwe', 'PayBill']);

    await s.say(s.intent('WhatDoIOwe'));
    await s.say({ kind: 'help' });
    expect(s.state().offer).toBeUndefined();
    const yes = await s.say({ kind: 'yes' });
    expect(yes.speech).toBe(sessionMessages['en-US'].yesToNothing());
    expect(s.logged.map((l) => l.intent)).toEqual(['WhatDoIOwe', 'PayBill', 'WhatDoIOwe']);
  });

  it('asks its question again on a yes that answers none of it, with what was said before it', async () => {
    const s = harness();
    const question = await s.say(s.intent('BookConsultation', { date: '2026-03-24' }));
    expect(question.card?.text).toBe('What is it about?');
    const again = await s.say({ kind: 'yes' });
    expect(again.speech).toBe(question.speech);
    expect(again.next).toEqual({ kind: 'elicit', slot: 'topic', slots: { date: '2026-03-24' } });
    expect(s.asked.map((a) => [a.intent, a.request.slots])).toEqual([
      ['BookConsultation', { date: '2026-03-24' }],
      ['BookConsultation', { date: '2026-03-24' }],
    ]);
    // Only right after the question: once something else came between, yes asks what is needed.
    await s.say({ kind: 'help' });
    expect((await s.say({ kind: 'yes' })).speech).toBe(sessionMessages['en-US'].yesToNothing());
    // Nor once the question asked again was answered: a second yes re-runs nothing.
    await s.say(s.intent('MoveAppointment'));
    expect((await s.say({ kind: 'yes' })).card?.text).toBe('Moved to Tuesday.');
    const asked = s.asked.length;
    expect((await s.say({ kind: 'yes' })).speech).toBe(sessionMessages['en-US'].yesToNothing());
    expect(s.asked).toHaveLength(asked);
  });

  it('gives up after two fallbacks in a row, logging the open question abandoned and the turn failed', async () => {
    const s = harness();
    const ask = await s.say(s.intent('BookConsultation'));
    expect(ask).toMatchObject({ next: { kind: 'elicit', slot: 'topic' }, intent: 'BookConsultation' });
    const first = await s.say({ kind: 'fallback' }, 'it-IT');
    expect(first).toMatchObject({ speech: sessionMessages['it-IT'].fallback(), next: { kind: 'listen' } });
    const second = await s.say({ kind: 'fallback' }, 'it-IT');
    expect(second).toMatchObject({
      speech: sessionMessages['it-IT'].fallbackGiveUp(),
      next: { kind: 'end' },
    });
    expect(s.logged.map((l) => `${l.intent}:${l.outcome}`)).toEqual([
      'BookConsultation:continued',
      'Fallback:continued',
      'BookConsultation:abandoned',
      'Fallback:failed',
    ]);
  });

  it('counts only fallbacks in a row: an understood request between starts again', async () => {
    const s = harness();
    await s.say({ kind: 'fallback' });
    await s.say(s.intent('LastPayment'));
    expect((await s.say({ kind: 'fallback' })).next).toEqual({ kind: 'listen' });
  });

  it('asks the pilot’s closing question once, on no after an answer, and then says goodbye', async () => {
    const s = harness({ permit: { closingSurvey: true } });
    await s.say(s.intent('LastPayment'));
    const question = await s.say({ kind: 'no' });
    expect(question).toMatchObject({ next: { kind: 'elicit', slot: 'score' }, intent: 'Satisfaction' });
    expect(s.state().surveyAsked).toBe(true);
    await s.say(s.intent('Satisfaction', { score: '9' }));
    expect((await s.say({ kind: 'no' })).speech).toBe(sessionMessages['en-US'].goodbye());
  });

  it('takes a score nobody asked for as not understood', async () => {
    const s = harness({ permit: { closingSurvey: true } });
    const unasked = await s.say(s.intent('Satisfaction', { score: '10' }));
    expect(unasked.speech).toBe(sessionMessages['en-US'].fallback());
    expect(s.asked).toEqual([]);
  });

  it('says nothing about any customer to an unlinked user or one the pilot does not serve', async () => {
    const unlinked = harness({ linked: false });
    expect(await unlinked.say(owedEvent())).toEqual({
      speech: '',
      next: { kind: 'listen' },
      linkAccount: true,
    });
    const outside = harness({ permit: { allowed: false } });
    expect(await outside.say(owedEvent())).toEqual({
      speech: sessionMessages['en-US'].notInPilot(),
      next: { kind: 'end' },
    });
    expect([...unlinked.asked, ...outside.asked, ...unlinked.logged, ...outside.logged]).toEqual([]);
  });

  it('cancels the appointment just talked about on "cancel", and stops once something came between', async () => {
    const s = harness();
    await s.say(s.intent('BookConsultation', { topic: 'bills' }));
    await s.say({ kind: 'cancel' });
    expect(s.asked.at(-1)).toMatchObject({ intent: 'CancelAppointment', request: { appointmentId: 'a1' } });

    const later = harness();
    await later.say(later.intent('BookConsultation', { topic: 'bills' }));
    await later.say({ kind: 'help' });
    const stop = await later.say({ kind: 'cancel' });
    expect(stop).toEqual({ speech: sessionMessages['en-US'].goodbye(), next: { kind: 'end' } });
    expect(later.asked.map((a) => a.intent)).toEqual(['BookConsultation']);
  });
});

function owedEvent(): SessionEvent {
  return { kind: 'intent', intent: 'WhatDoIOwe', slots: {}, confirmation: 'none' };
}
