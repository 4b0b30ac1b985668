import { calendarDate, type Clock, type Locale } from '../../../core/index.ts';
import { loadInteractionModel } from '../../alexa/intent-models.ts';
import type { WebhookRequest, WebhookResponse } from '../dialogflow-request.ts';
import { createDialogflowConversation, type DialogflowExchange } from './dialogflow-conversation.ts';

/** The agent the typed conversation's sessions belong to. */
export const CHAT_AGENT =
  'projects/channel-pilot-chat/locations/global/agents/00000000-0000-4000-8000-00000000c4a7';

/**
 * A typed conversation with the Dialogflow webhook, with a simulated CX in between (see
 * createDialogflowConversation): each line is matched against the agent made from `locale`'s
 * interaction model and sent to the webhook as CX's request JSON; the agent's text replies are
 * written out. An ended session starts anew with the next line.
 */
export async function runDialogflowChat(options: {
  /** Posts a request to the webhook as CX does (its credentials included). */
  send: (request: WebhookRequest) => Promise<WebhookResponse>;
  locale: Locale;
  clock: Clock;
  /** The caller's number, to try a phone line. */
  callerId?: string | undefined;
  lines: AsyncIterable<string>;
  write: (line: string) => void;
}): Promise<void> {
  const { write, clock } = options;
  const cx = createDialogflowConversation({
    locale: options.locale,
    model: await loadInteractionModel(options.locale),
    send: options.send,
    agent: CHAT_AGENT,
    callerId: options.callerId,
    today: () => calendarDate(clock.now()),
  });
  const show = (exchange: DialogflowExchange | undefined, closing = false) => {
    if (!exchange) return;
    if (exchange.text) write(`Dialogflow: ${exchange.text}`);
    if (exchange.ended && !closing) write('  (the session ended; the next line starts a new one)');
  };
  show(await cx.open());
  for await (const raw of options.lines) {
    const line = raw.trim();
    if (line !== '') show(await cx.say(line));
  }
  show(await cx.end(), true);
}
