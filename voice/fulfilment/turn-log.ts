import { randomUUID } from 'node:crypto';
import type { Clock, InteractionLog } from '../../core/index.ts';
import type { IntentHandler, IntentReply, TurnRequest } from './conversation.ts';

/** Which voice platform a turn came through: the channel's touchpoints in the registry. */
export type VoiceTouchpoint = 'alexa' | 'dialogflow';

/** A turn as the adapter asks it: the turn log names it. */
export type UnloggedTurn = Omit<TurnRequest, 'turnId'>;

/** The reply and the id the turn was logged under. */
export type LoggedReply = IntentReply & { turnId: string };

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
  newId?: () => string;
}) {
  const { interactions, clock, touchpoint } = options;
  const newId = options.newId ?? randomUUID;
  return {
    wrap(intent: string, handler: IntentHandler): (request: UnloggedTurn) => Promise<LoggedReply> {
      return async (request) => {
        const startedAt = clock.now();
        const turnId = newId();
        const reply = await handler({ ...request, turnId });
        try {
          await interactions.record({
            id: turnId,
            customerId: request.customerId,
            channel: 'voice_assistant',
            touchpoint,
            direction: 'inbound',
            reason: reply.reason,
            startedAt,
            endedAt: clock.now(),
            outcome: reply.outcome,
            details: { intent, locale: request.locale, ...(reply.next ? { next: reply.next.kind } : {}) },
          });
        } catch (error) {
          options.onError?.(error);
        }
        return { ...reply, turnId };
      };
    },
  };
}
