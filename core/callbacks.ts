import { z } from 'zod';
import { Slug, Uuid } from './vocabulary.ts';

export const CallbackRequestInput = z.object({
  customerId: Uuid,
  /** The contact that asked for the call; the call joins its journey. */
  interactionId: Uuid.nullable().default(null),
  /** The channel the customer asked on (`voice_assistant`, `web`…). */
  channel: Slug,
  reason: Slug,
  /** One or two sentences for the agent who calls back. */
  summary: z.string().trim().min(1).max(2000),
  /** What the channel knew: the questions asked, the answers given, the topic. */
  context: z.record(z.string(), z.unknown()).default({}),
});
export type CallbackRequestInput = z.input<typeof CallbackRequestInput>;

export interface CallbackRequest extends z.infer<typeof CallbackRequestInput> {
  id: string;
  status: 'open' | 'done';
  createdAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
}

/** Port: the call centre's queue of customers waiting to be called back. */
export interface CallbackQueue {
  request(input: CallbackRequestInput, at: Date): Promise<CallbackRequest>;
  /** Oldest first: the longest wait is called first. */
  open(options: { limit: number }): Promise<CallbackRequest[]>;
  /** Fails with `not_found`, or `conflict` when it is done already. */
  complete(id: string, staffUserId: string, at: Date): Promise<CallbackRequest>;
}
