import type { Clock, InteractionLog } from '../../core/index.ts';
import type { IntentHandler, IntentReply, IntentRequest } from './bill-intents.ts';

/** Which voice platform a turn came through: the channel's touchpoints in the registry. */
export type VoiceTouchpoint = 'alexa' | 'dialogflow';

/**
 * Wraps intent handlers so that every turn is a contact in the customer's journey: channel
 * `voice_assistant`, the platform as touchpoint, the intent and how long the answer took.
 * Recording never changes the answer: a failure to record is reported, and the customer still
 * hears the reply.
 */
export function createTurnLog(options: {
  interactions: InteractionLog;
  clock: Clock;
  touchpoint: VoiceTouchpoint;
  onError?: (error: unknown) => void;
}) {
  const { interactions, clock, touchpoint } = options;
  return {
    wrap(intent: string, handler: IntentHandler): IntentHandler {
      return async (request: IntentRequest): Promise<IntentReply> => {
        const startedAt = clock.now();
        const reply = await handler(request);
        try {
          await interactions.record({
            customerId: request.customerId,
            channel: 'voice_assistant',
            touchpoint,
            direction: 'inbound',
            reason: reply.reason,
            startedAt,
            endedAt: clock.now(),
            outcome: reply.outcome,
            details: { intent, locale: request.locale },
          });
        } catch (error) {
          options.onError?.(error);
        }
        return reply;
      };
    },
  };
}
