import { beforeAll, describe, expect, it } from 'vitest';
import { everyoneMayUse } from '../../../core/index.ts';
import { createAlexaSkill, type AlexaSkillOptions } from '../../../voice/alexa/alexa-skill.ts';
import { createConversationSession } from '../../../core/conversation/session.ts';
import { createAlexaConversation } from '../../../voice/alexa/chat/alexa-conversation.ts';
import { loadInteractionModel, type InteractionModel } from '../../../voice/alexa/intent-models.ts';

const skillId = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000004';
let italian: InteractionModel;

beforeAll(async () => {
  italian = await loadInteractionModel('it-IT');
});

describe('the Alexa conversation simulator with the real skill', () => {
  // Only the built-in handlers answer here, so the bill fulfilment is never reached.
  const skill = createAlexaSkill({
    session: createConversationSession({
      intents: {} as Parameters<typeof createConversationSession>[0]['intents'],
      log: (_intent, handler) => handler as never,
      access: everyoneMayUse(),
      channel: 'voice_assistant',
    }),
    turnLog: { wrap: (_intent: unknown, handler: unknown) => handler },
    identify: async () => undefined,
    onError: (error: unknown) => {
      throw error;
    },
  } as unknown as AlexaSkillOptions);

  it('drives launch, help, two fallbacks and a new session through ask-sdk-core', async () => {
    const conversation = createAlexaConversation({
      locale: 'it-IT',
      model: italian,
      skillId,
      userId: 'amzn1.ask.account.USER',
      today: () => '2026-11-26',
      invoke: (envelope) => skill.invoke(envelope),
    });
    // Nobody is linked here: the skill says how to link, and keeps listening for a code.
    expect(await conversation.launch()).toMatchObject({
      speech: expect.stringMatching(/^Per parlarti della tua bolletta devo prima sapere chi sei/),
      ended: false,
    });
    expect((await conversation.say('cosa sai fare')).ended).toBe(false);
    expect((await conversation.say('vorrei una pizza')).ended).toBe(false);
    const giveUp = await conversation.say('e una birra');
    expect(giveUp.request.session?.attributes).toEqual({ consecutiveFallbacks: 1 });
    expect(giveUp.ended).toBe(true);
    const goodbye = await conversation.say('stop');
    expect(goodbye).toMatchObject({ speech: 'A presto!', ended: true });
    expect(goodbye.request.session?.new).toBe(true);
  });
});
