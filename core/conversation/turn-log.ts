import { createTimeOrderedIds } from '../ids.ts';
import type { Clock } from '../clock.ts';
import type { Interaction, InteractionInput, InteractionLog } from '../interactions.ts';
import type { IntentHandler, IntentReply, TurnRequest } from './conversation.ts';

/** A turn as the adapter asks it: the turn log names it. */
export type UnloggedTurn = Omit<TurnRequest, 'turnId'>;

/** What a turn log tells of its turns (the metrics count them). */
export interface TurnWatch {
  /** A turn was answered, with its outcome. */
  answered(outcome: string): void;
  /** A turn reached the log, this many milliseconds after its answer. */
  stored(waitedMs: number): void;
}

/** The reply and the id the turn is logged under. */
export type LoggedReply = Omit<IntentReply, 'whenLogged'> & { turnId: string };

/**
 * Turns written in one go at most; more wait for the next write. A backlog comes after slow
 * writes (before a held customer's turns were set aside, an import's lock on one held every turn
 * behind it: 13 s was seen at 200 turns/s), and placing hundreds of turns at once held the app's
 * event loop for 50 ms and more, the answers with it: it is written in small transactions one
 * after another.
 */
export const TURN_BATCH_LIMIT = 50;
/**
 * How long a turn waits for others to share its write. Each write is a transaction of several
 * statements: under load, fewer and larger writes leave more of the database and of the app to
 * the answers (at 200 turns/s: ~10 per write).
 */
const GATHER_MS = 50;
/** How long turns of a customer another write holds wait before they are tried again. */
const HELD_RETRY_MS = 100;

/**
 * Wraps intent handlers so that every turn is a contact in the customer's journey: on the
 * channel and touchpoint given (the voice assistant, the platform), with the intent and how long
 * the answer took.
 *
 * The customer does not wait for the log: each turn is queued as it is answered and written
 * within GATHER_MS, together with whatever else was answered meanwhile (one transaction for
 * many turns under load). The turn's id is fixed before it is written, so what the turn sends (a
 * payment link, a callback request) can name it; what needs the turn's journey (a consultation it
 * booked) is the answer's `whenLogged`, run once the turn is stored. A failed write is reported and never changes
 * an answer, and costs no other turn its place; nor does a customer whose contacts another write
 * holds (an import storing them): their turns wait for it alone, everyone else's are written
 * meanwhile. `drained()` waits until everything answered is written (shutdown, tests). Turns
 * answered in the last milliseconds before a crash are lost.
 */
export function createTurnLog(options: {
  interactions: InteractionLog;
  clock: Clock;
  /** The registry's channel and touchpoint the turns are contacts of (`voice_assistant`, `alexa`). */
  channel: string;
  touchpoint: string;
  onError?: (error: unknown) => void;
  watch?: TurnWatch | undefined;
  newId?: () => string;
}) {
  const { interactions, clock, channel, touchpoint } = options;
  // Turns of one conversation often start within the same millisecond: ids made in time order keep theirs.
  const newId = options.newId ?? createTimeOrderedIds();
  const queued: (InteractionInput & { id: string; endedAt: Date })[] = [];
  let writing: Promise<void> | null = null;

  /** Turns whose customer another write held (an import storing them): tried again after a pause. */
  const held: typeof queued = [];
  /** The pause before the held turns are tried again, while there is one. */
  let retrying: Promise<void> | null = null;
  /** What answers still have to do once their turn is stored, by turn id. */
  const followUps = new Map<string, (turn: Interaction) => Promise<void>>();

  /**
   * Stores the turns whose customers no other write holds, in one write, and tells the watch how
   * long each waited after its answer; returns the others.
   */
  async function store(turns: typeof queued): Promise<typeof queued> {
    const { busy } = await interactions.recordUnlessBusy(turns);
    const at = clock.now().getTime();
    const stored = turns.filter((turn) => !busy.includes(turn));
    for (const turn of stored) options.watch?.stored(at - turn.endedAt.getTime());
    for (const turn of stored) await followUp(turn.id);
    return busy;
  }

  /** Runs what the turn's answer left to do once the turn is in its journey; a failure is reported. */
  async function followUp(turnId: string): Promise<void> {
    const then = followUps.get(turnId);
    if (!then) return;
    followUps.delete(turnId);
    try {
      const turn = await interactions.interaction(turnId);
      if (turn) await then(turn);
    } catch (error) {
      options.onError?.(error);
    }
  }

  async function writeQueued(): Promise<void> {
    while (queued.length > 0) {
      const batch = queued.splice(0, TURN_BATCH_LIMIT);
      try {
        held.push(...(await store(batch)));
      } catch {
        // One turn the log refuses must not cost the others theirs: each is tried on its own.
        for (const turn of batch) {
          try {
            held.push(...(await store([turn])));
          } catch (error) {
            followUps.delete(turn.id);
            options.onError?.(error);
          }
        }
      }
    }
    writing = null;
    // The held turns go back to the queue after a pause; turns answered meanwhile do not wait for it.
    if (held.length > 0)
      retrying ??= new Promise((resolve) => setTimeout(resolve, HELD_RETRY_MS)).then(() => {
        retrying = null;
        queued.unshift(...held.splice(0));
        return (writing ??= writeQueued());
      });
  }

  return {
    wrap(intent: string, handler: IntentHandler): (request: UnloggedTurn) => Promise<LoggedReply> {
      return async (request) => {
        const startedAt = clock.now();
        const turnId = newId();
        const { whenLogged, ...reply } = await handler({ ...request, turnId });
        options.watch?.answered(reply.outcome);
        if (whenLogged) followUps.set(turnId, whenLogged);
        queued.push({
          id: turnId,
          customerId: request.customerId,
          channel,
          touchpoint,
          direction: 'inbound',
          reason: reply.reason,
          startedAt,
          endedAt: clock.now(),
          outcome: reply.outcome,
          handoffFromId: request.handoffFromId ?? null,
          source: 'app',
          externalId: null,
          details: { intent, locale: request.locale, ...(reply.next ? { next: reply.next.kind } : {}) },
        });
        writing ??= new Promise((resolve) => setTimeout(resolve, GATHER_MS)).then(writeQueued);
        return { ...reply, turnId };
      };
    },
    /** Resolves once every turn answered so far is written (or reported as failed). */
    async drained(): Promise<void> {
      while (writing ?? retrying) await (writing ?? retrying);
    },
  };
}
