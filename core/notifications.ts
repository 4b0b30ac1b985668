import { reachableMedia, type Consent, type Customer, type CustomerDirectory } from './customers.ts';

/** The media messages are sent on automatically (calls and letters are made by people). */
export type MessageMedium = 'email' | 'sms';

/** A message as queued: the medium and address it goes to, and its row in the outbox. */
export interface QueuedMessage {
  medium: MessageMedium;
  recipient: string;
  /** The outbox row that carries it. */
  messageId: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  /** UTF-8 text (an ICS invite, say), or base64 when `encoding` says so (a PDF). */
  content: string;
  encoding?: 'base64';
}

export interface NewMessage {
  /** Same key, same message: enqueueing it again adds nothing (a reminder is queued once). */
  dedupeKey: string;
  customerId: string;
  appointmentId: string | null;
  kind: string;
  medium: MessageMedium;
  recipient: string;
  subject: string | null;
  /** The plain text; every message has it, and an e-mail's text part is this. */
  body: string;
  /** An e-mail's HTML part, beside the text (none for SMS). */
  html?: string | null;
  attachments: Attachment[];
  sendAfter: Date;
  /**
   * One of many queued at once (a billing run's bills, a pilot's invitations): sent after every
   * due message that is not, so that they never hold up a code valid for minutes or a reply.
   */
  bulk?: boolean;
}

export type MessageStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxMessage extends NewMessage {
  bulk: boolean;
  id: string;
  /** Set while a sender holds the message; completing it needs the same token. */
  claimToken: string | null;
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

/** Port: messages waiting to go out, claimed by one sender at a time. */
export interface Outbox {
  /**
   * Returns how many were queued. A key already used is skipped, unless its message was
   * withdrawn: then it is queued again with the new content (a consultation moved back).
   */
  enqueue(messages: NewMessage[]): Promise<number>;
  /** Withdraws what has not been sent yet for an appointment (after a move or a cancellation), claimed or not. */
  cancelPending(appointmentId: string, kinds?: string[]): Promise<number>;
  /** Claims due messages for `leaseMs`; a claim nobody completes becomes due again after it. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxMessage[]>;
  /** Completes a claim; does nothing when the claim has expired or the message was withdrawn. */
  markSent(message: OutboxMessage, at: Date): Promise<void>;
  /** Gives up after the last attempt; otherwise the message is due again at `retryAt`. Same guard as markSent. */
  markFailed(message: OutboxMessage, error: string, retryAt: Date | null): Promise<void>;
  recent(options: { limit: number; customerId?: string }): Promise<OutboxMessage[]>;
  /** The message queued under a key, whatever became of it since; undefined when there is none. */
  queued(dedupeKey: string): Promise<OutboxMessage | undefined>;
}

/** Port: a provider that delivers messages of one medium (an SMTP server, an SMS gateway). */
export interface MessageSender {
  medium: MessageMedium;
  send(message: OutboxMessage): Promise<void>;
}

const MAX_ATTEMPTS = 5;
// A claim must outlive a whole batch of slow sends, or another instance would send them again.
const BATCH = 10;
const LEASE_MS = 10 * 60_000;

/**
 * Sends what is due through the sender of its medium. Safe to run on every instance at once:
 * each message is claimed by one of them.
 */
export function createOutboxDispatcher(options: {
  outbox: Outbox;
  senders: MessageSender[];
  clock: { now(): Date };
  batchSize?: number;
  leaseMs?: number;
  onError?: (message: OutboxMessage, error: unknown) => void;
}) {
  const senders = new Map(options.senders.map((s) => [s.medium, s]));
  return {
    /** Sends one batch of due messages; returns how many went out. */
    async runOnce(): Promise<number> {
      const now = options.clock.now();
      const due = await options.outbox.claimDue(now, options.batchSize ?? BATCH, options.leaseMs ?? LEASE_MS);
      let sent = 0;
      for (const message of due) {
        const sender = senders.get(message.medium);
        try {
          if (!sender) throw new Error(`no sender configured for ${message.medium}`);
          await sender.send(message);
          await options.outbox.markSent(message, options.clock.now());
          sent++;
        } catch (error) {
          options.onError?.(message, error);
          const attempts = message.attempts + 1;
          // Back off 1, 2, 4, 8 minutes, then give up.
          const retryAt =
            attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + 60_000 * 2 ** (attempts - 1));
          await options.outbox.markFailed(
            message,
            error instanceof Error ? error.message : String(error),
            retryAt,
          );
        }
      }
      return sent;
    },
  };
}

/** Where an automatic message to a customer goes: their preferred consented medium that is e-mail or SMS. */
export interface MessageAddress {
  customer: Customer;
  medium: MessageMedium;
  recipient: string;
}

/** The medium automatic messages go to a customer on: their preferred consented e-mail or SMS. */
export function messageMediumOf(customer: Customer, consents: readonly Consent[]): MessageMedium | null {
  return (
    reachableMedia(customer, consents).find((m): m is MessageMedium => m === 'email' || m === 'sms') ?? null
  );
}

/** The customer's address for automatic messages; null when unknown or when they may not be messaged. */
export async function messageAddress(
  customers: CustomerDirectory,
  customerId: string,
): Promise<MessageAddress | null> {
  const customer = await customers.get(customerId);
  if (!customer) return null;
  const medium = messageMediumOf(customer, await customers.consents(customer.id));
  if (!medium) return null;
  return { customer, medium, recipient: (medium === 'email' ? customer.email : customer.phone) as string };
}
