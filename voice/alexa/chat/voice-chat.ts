import type { Skill } from 'ask-sdk-core';
import { calendarDate, type Clock, type Locale } from '../../../core/index.ts';
import { createAlexaConversation, type AlexaTurn } from './alexa-conversation.ts';
import { loadInteractionModel } from '../intent-models.ts';

/** The skill id the typed conversation presents to the skill. */
export const CHAT_SKILL_ID = 'amzn1.ask.skill.00000000-0000-4000-8000-00000000c4a7';

/**
 * A typed conversation with the skill, with a simulated Alexa in between: each line is matched
 * against the shipped interaction model of `locale`, sent as a real Alexa request through the
 * skill's handlers, and what Alexa would say (and show on a card) is written out. The session
 * follows the skill's dialog; an ended session opens anew with the next line.
 */
export async function runVoiceChat(options: {
  skill: Skill;
  locale: Locale;
  /** The Alexa user id the requests carry; the skill's identity decides whose account it is. */
  userId: string;
  clock: Clock;
  lines: AsyncIterable<string>;
  write: (line: string) => void;
}): Promise<void> {
  const { skill, clock, write } = options;
  const conversation = createAlexaConversation({
    locale: options.locale,
    invoke: (envelope) => skill.invoke(envelope),
    model: await loadInteractionModel(options.locale),
    skillId: CHAT_SKILL_ID,
    userId: options.userId,
    today: () => calendarDate(clock.now()),
  });
  const show = (turn: AlexaTurn | undefined, closing = false) => {
    if (!turn) return;
    if (turn.speech) write(`Alexa: ${turn.speech}`);
    // A card that repeats the speech adds nothing on a terminal.
    if (turn.card?.text && turn.card.text !== turn.speech)
      write(`  [card] ${turn.card.title}: ${turn.card.text}`);
    else if (turn.card?.type === 'LinkAccount') write('  [card] link your account in the Alexa app');
    // Leaving at the end of the input opens nothing again.
    if (turn.ended && !closing) write('  (the session ended; the next line opens the skill again)');
  };
  show(await conversation.launch());
  for await (const raw of options.lines) {
    const line = raw.trim();
    if (line === '') continue;
    show(await conversation.say(line));
  }
  show(await conversation.end(), true);
}
