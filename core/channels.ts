import { z } from 'zod';
import { Slug } from './vocabulary.ts';

export const channelKinds = ['existing', 'pilot'] as const;

export const ChannelInput = z.object({
  code: Slug,
  name: z.string().trim().min(1).max(80),
  kind: z.enum(channelKinds),
  /** People answer on it (advisors, agents), so piloting it needs their hours; self-service channels do not. */
  staffed: z.boolean().default(false),
  /** The places inside the channel where a contact happens: an IVR menu, a web form, a skill. */
  touchpoints: z
    .array(z.object({ code: Slug, name: z.string().trim().min(1).max(80) }))
    .min(1, { error: 'a channel has at least one touchpoint' }),
});
export type ChannelInput = z.input<typeof ChannelInput>;
export type Channel = z.output<typeof ChannelInput>;

/** Port: the channels the organisation runs today and the ones it pilots. */
export interface ChannelRegistry {
  /** Adds a channel, or replaces its name, kind and touchpoints. */
  register(input: ChannelInput): Promise<Channel>;
  channels(): Promise<Channel[]>;
  channel(code: string): Promise<Channel | undefined>;
}

/**
 * Channels answered later rather than in a conversation (a letter, an e-mail): a contact's end
 * marks the answer, so its length is a response time, not a handle time.
 */
export const asynchronousChannels: readonly string[] = ['email', 'paper_mail'];

export function isAsynchronous(channel: string): boolean {
  return asynchronousChannels.includes(channel);
}

/** The channels the organisation runs already; pilot channels register themselves (ChannelModule). */
export const standardChannels: ChannelInput[] = [
  {
    code: 'call_centre',
    name: 'Call centre',
    kind: 'existing',
    staffed: true,
    touchpoints: [
      { code: 'ivr', name: 'IVR' },
      { code: 'agent', name: 'Agent' },
      { code: 'callback', name: 'Callback' },
    ],
  },
  {
    code: 'email',
    name: 'E-mail',
    kind: 'existing',
    touchpoints: [
      { code: 'inbox', name: 'Customer care inbox' },
      { code: 'notification', name: 'Notification' },
    ],
  },
  {
    code: 'sms',
    name: 'SMS',
    kind: 'existing',
    touchpoints: [
      { code: 'notification', name: 'Notification' },
      { code: 'link', name: 'Link' },
    ],
  },
  {
    code: 'web',
    name: 'Website and app',
    kind: 'existing',
    touchpoints: [
      { code: 'self_service', name: 'Self-service area' },
      { code: 'contact_form', name: 'Contact form' },
      { code: 'payment_page', name: 'Payment page' },
    ],
  },
  {
    code: 'shop',
    name: 'Shops',
    kind: 'existing',
    staffed: true,
    touchpoints: [{ code: 'counter', name: 'Counter' }],
  },
  {
    code: 'paper_mail',
    name: 'Paper mail',
    kind: 'existing',
    touchpoints: [{ code: 'letter', name: 'Letter' }],
  },
];
