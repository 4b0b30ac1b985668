import { type Outcome, type Stores, type SurveyAnswerInput } from '../../core/index.ts';
import { consultationContact } from '../../core/services.ts';
import { localDay, romeDay } from './demo-calendar.ts';
import { createDemoConsultations, type DemoConsultation } from './demo-consultations.ts';
import type { CustomerProfile } from './demo-customers.ts';
import type { DemoInteraction } from './demo-interactions.ts';
import { flows } from './demo-flows.ts';
import type { RunningDemoPilot } from './demo-pilots.ts';
import { tableOf, type DemoRandom, type Table } from './demo-random.ts';
import { csatScore, npsMix, npsScore } from './demo-surveys.ts';

// What the pilots did to the year of contacts: adopters in the pilot arm took some of their
// calls, e-mails, web visits (voice) or counter visits (video) about what the pilot serves to the
// pilot channel instead. A contact moves rather than being added, so the year holds exactly as many contacts
// as asked for; what followed it stays, and says how well the new channel settled things.

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** A contact's follow-ups: the same customer's contacts for the same reason within this long. */
const FOLLOW_UP_MS = 7 * DAY_MS;
/** Contacts are held this long after their start, so that what follows them is known when they are settled. */
const LOOK_AHEAD_MS = 8 * DAY_MS;
/** A consultation may take place up to this many days after the contact it stands for. */
const VIDEO_DAYS = 3;
/** Survey answers stored per statement. */
const ANSWER_BATCH = 1000;
const topicOf: Record<string, string> = {
  bill_explanation: 'billing',
  bill_copy: 'billing',
  payment: 'payments',
  payment_plan: 'payments',
};
const voiceIntents: Record<string, Table<string>> = {
  payment: tableOf({ WhatDoIOwe: 45, PayBill: 35, LastPayment: 20 }),
  payment_plan: tableOf({ WhatDoIOwe: 1 }),
  bill_explanation: tableOf({ WhyHigher: 70, BillDetail: 30 }),
  bill_copy: tableOf({ BillDetail: 1 }),
};
// Outcomes of a voice contact, knowing whether the customer came back about it within the week.
const voiceSettled = tableOf<Outcome>({ resolved: 90, abandoned: 6, failed: 4 });
const voiceFollowedUp = tableOf<Outcome>({ resolved: 45, abandoned: 25, failed: 24, handed_off: 6 });
const bookedVia = tableOf({ web: 50, call_centre: 35, email: 15 });
const surveyed = new Set(['call_centre', 'shop', 'web', 'email']);

export interface PilotEvidenceSummary {
  /** Contacts that happened on a pilot channel instead. */
  pilotContacts: number;
  appointments: number;
  surveyAnswers: number;
}

interface Held {
  contact: DemoInteraction;
  start: number;
}

/**
 * Sits between the contact generator and the interaction log: holds each contact until the
 * week after it is known, moves it onto a pilot channel when its customer uses the pilot for
 * it, and records the survey answers once the contacts they are about are stored.
 */
export function createPilotEvidence(options: {
  random: DemoRandom;
  stores: Stores;
  now: Date;
  pilots: readonly RunningDemoPilot[];
  customers: ReadonlyMap<string, CustomerProfile>;
  chunkSize: number;
  write(chunk: DemoInteraction[]): Promise<void>;
}) {
  const { random, stores } = options;
  const now = options.now.getTime();
  const consultations = createDemoConsultations({ stores, random });
  const enrolled = new Map<string, RunningDemoPilot[]>();
  for (const pilot of options.pilots) {
    for (const id of pilot.arms.keys()) enrolled.set(id, [...(enrolled.get(id) ?? []), pilot]);
  }
  const summary: PilotEvidenceSummary = { pilotContacts: 0, appointments: 0, surveyAnswers: 0 };
  let queue: Held[] = [];
  let head = 0;
  /** Each customer's contacts in the queue from the one next released on, in the queue's order. */
  const heldOf = new Map<string, Held[]>();
  const handoffsFrom = new Map<string, Held[]>();
  const lastStart = new Map<string, number>();
  let out: DemoInteraction[] = [];
  const answers = new Map<string, SurveyAnswerInput[]>();
  /** Answers about contacts written, stored once the contacts are. */
  const written: SurveyAnswerInput[] = [];

  /** Later contacts of the customer still held, soonest first (the first held is the one being released). */
  function* later(customerId: string, until: number) {
    const held = heldOf.get(customerId) ?? [];
    for (let j = 1; j < held.length && (held[j] as Held).start <= until; j++) yield held[j] as Held;
  }

  function toVoice(held: Held, customer: CustomerProfile): void {
    const contact = held.contact;
    const handoffs = handoffsFrom.get(contact.id) ?? [];
    const followedUp = [...later(customer.id, held.start + FOLLOW_UP_MS)].some(
      (h) => h.contact.reason === contact.reason,
    );
    const outcome: Outcome =
      handoffs.length > 0 ? 'handed_off' : random.draw(followedUp ? voiceFollowedUp : voiceSettled);
    const seconds =
      outcome === 'abandoned'
        ? random.int(15, 60)
        : outcome === 'failed'
          ? random.int(40, 120)
          : Math.round(Math.min(180, Math.max(60, random.logNormal(105, 0.3))));
    let end = held.start + seconds * 1000;
    for (const handoff of handoffs) {
      end = Math.min(end, handoff.start - 5000);
      // The assistant hands over by asking for a callback: the agent calls, knowing what was asked.
      // Out of the agents' hours (or without a phone) the case went where it went before.
      if (customer.hasPhone && callbackOpen(handoff.start)) {
        Object.assign(handoff.contact, {
          channel: 'call_centre',
          touchpoint: 'callback',
          direction: 'outbound',
          details: {},
        });
      }
    }
    const ended = Math.max(held.start + 1000, end);
    Object.assign(contact, {
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      endedAt: new Date(ended),
      outcome,
      details: {
        intent:
          outcome === 'handed_off'
            ? 'TalkToPerson'
            : random.draw(voiceIntents[contact.reason] as Table<string>),
        locale: customer.locale,
      },
    });
    if (outcome !== 'abandoned' && random.chance(0.35)) {
      // The closing question, asked as the conversation ends.
      survey(contact, 'nps', npsScore(random, npsMix.voice, outcome), ended + random.int(3, 20) * 1000);
    }
  }

  async function toVideo(held: Held, customer: CustomerProfile, adoptedAt: number): Promise<boolean> {
    const contact = held.contact;
    if (handoffsFrom.has(contact.id)) return false;
    const day = localDay(romeDay(new Date(held.start)));
    const [next] = later(customer.id, Infinity);
    const lastDay = Math.min(day.day + VIDEO_DAYS, romeDay(options.now) - 1);
    // Booked a few days ahead, though not before the customer took the channel up.
    const booked =
      (day.hourStarts[0] as number) - random.int(1, 6) * DAY_MS + random.int(8 * 60, 20 * 60) * MINUTE;
    const consultation = await consultations.book({
      customerId: customer.id,
      locale: customer.locale,
      topic: topicOf[contact.reason] ?? 'billing',
      bookedVia: random.draw(bookedVia),
      bookedAt: new Date(Math.max(adoptedAt, booked)),
      // Between the customer's contacts before and after it, so that their order stays.
      from: Math.max(day.hourStarts[0] as number, (lastStart.get(customer.id) ?? 0) + 30 * MINUTE),
      to: Math.min(localDay(lastDay).hourStarts[24] as number, next ? next.start - 60 * MINUTE : Infinity),
      prefer: held.start,
    });
    if (!consultation) return false;
    summary.appointments++;
    const { appointment, state } = consultation;
    // A consultation the customer missed is no contact of theirs: theirs stays where it was.
    const entry = consultationContact(appointment, state);
    if (entry === null) return false;
    Object.assign(contact, entry);
    held.start = (contact.startedAt as Date).getTime();
    if (entry.outcome === 'resolved') surveyConsultation(contact, consultation);
    return true;
  }

  function surveyConsultation(contact: DemoInteraction, { state }: DemoConsultation): void {
    const ended = (state.endedAt as Date).getTime();
    if (random.chance(0.35)) {
      survey(contact, 'nps', npsScore(random, npsMix.video, 'resolved'), ended + random.int(1, 90) * MINUTE);
    }
    if (random.chance(0.45)) {
      survey(contact, 'csat', csatScore(random), ended + random.int(1, 90) * MINUTE);
    }
  }

  function survey(contact: DemoInteraction, metric: 'nps' | 'csat', score: number, at: number): void {
    if (at >= now) return;
    const list = answers.get(contact.id) ?? [];
    list.push({ interactionId: contact.id, metric, score, answeredAt: new Date(at) });
    answers.set(contact.id, list);
  }

  /**
   * Moves the contact onto a pilot's channel when its customer uses the pilot for it: whether it
   * moved, known at once unless a consultation is being booked for it.
   */
  function move(held: Held, pilots: readonly RunningDemoPilot[]): boolean | Promise<boolean> {
    const contact = held.contact;
    const customer = contact.customerId ? options.customers.get(contact.customerId) : undefined;
    for (const pilot of pilots) {
      const adoptedAt = pilot.adopters.get(contact.customerId as string);
      if (!customer || adoptedAt === undefined || adoptedAt > held.start) continue;
      const share = shareOf(pilot, contact);
      if (share === 0 || !random.chance(share)) continue;
      if (pilot.plan.channel !== 'voice_assistant') return toVideo(held, customer, adoptedAt);
      toVoice(held, customer);
      return true;
    }
    return false;
  }

  /** Sends the contact on, once `move` has had its say: the survey answer about it, if any. */
  function release(held: Held, pilots: readonly RunningDemoPilot[], moved: boolean): void {
    const contact = held.contact;
    const customerId = contact.customerId;
    if (moved) summary.pilotContacts++;
    else if (
      pilots.some((pilot) => held.start >= pilot.periodStart) &&
      surveyed.has(contact.channel as string) &&
      (contact.direction === 'inbound' || contact.touchpoint === 'callback') &&
      random.chance(0.1)
    ) {
      const ended = contact.endedAt instanceof Date ? contact.endedAt.getTime() : held.start;
      survey(
        contact,
        'nps',
        npsScore(random, npsMix.existing, contact.outcome),
        ended + random.int(5, 240) * MINUTE,
      );
    }
    if (customerId) {
      lastStart.set(customerId, held.start);
      const list = heldOf.get(customerId) as Held[];
      list.shift();
      if (list.length === 0) heldOf.delete(customerId);
    }
    out.push(contact);
  }

  async function flush(all: boolean): Promise<void> {
    while (out.length >= options.chunkSize || (all && out.length > 0)) {
      const chunk = out.slice(0, options.chunkSize);
      out = out.slice(options.chunkSize);
      await options.write(chunk);
      for (const contact of chunk) {
        written.push(...(answers.get(contact.id) ?? []));
        answers.delete(contact.id);
      }
    }
  }

  async function releaseUntil(limit: number): Promise<void> {
    while (head < queue.length && (queue[head] as Held).start + LOOK_AHEAD_MS <= limit) {
      const held = queue[head] as Held;
      const customerId = held.contact.customerId;
      const pilots = (customerId && enrolled.get(customerId)) || [];
      // Most contacts move or stay at once: only a consultation booked is waited for.
      const moving = move(held, pilots);
      release(held, pilots, typeof moving === 'boolean' ? moving : await moving);
      handoffsFrom.delete(held.contact.id);
      head++;
    }
    if (head > 4096) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  return {
    summary,
    /** Takes the generator's next chunk (in time order) and writes what is settled. */
    async write(chunk: DemoInteraction[]): Promise<void> {
      for (const contact of chunk) {
        const held = { contact, start: (contact.startedAt as Date).getTime() };
        queue.push(held);
        if (contact.customerId) {
          const list = heldOf.get(contact.customerId);
          if (list) list.push(held);
          else heldOf.set(contact.customerId, [held]);
        }
        if (contact.handoffFromId) {
          const list = handoffsFrom.get(contact.handoffFromId);
          if (list) list.push(held);
          else handoffsFrom.set(contact.handoffFromId, [held]);
        }
      }
      const latest = queue.at(-1);
      if (latest) await releaseUntil(latest.start);
      await flush(false);
    },
    /**
     * Writes the rest once the generator is done; once `stored` has stored every contact written,
     * stores the survey answers about them and how the consultations went.
     */
    async finish(stored: () => Promise<void>): Promise<void> {
      await releaseUntil(Infinity);
      await flush(true);
      await stored();
      for (let i = 0; i < written.length; i += ANSWER_BATCH) {
        summary.surveyAnswers += (await stores.surveys.recordAll(written.slice(i, i + ANSWER_BATCH))).length;
      }
      await consultations.settle();
    },
  };
}

/** The chance that a contact happens on the pilot's channel instead, for one of its adopters. */
function shareOf(pilot: RunningDemoPilot, contact: DemoInteraction): number {
  if (contact.handoffFromId || contact.direction !== 'inbound') return 0;
  if (!(pilot.plan.reasons as readonly string[]).includes(contact.reason as string)) return 0;
  return pilot.plan.takesOver[`${contact.channel}/${contact.touchpoint}`] ?? 0;
}

/** Whether agents make callbacks at this instant. */
function callbackOpen(at: number): boolean {
  const day = localDay(romeDay(new Date(at)));
  const hour = day.hourStarts.findIndex((start, h) => at >= start && at < (day.hourStarts[h + 1] ?? 0));
  return (flows.cc_callback.hours[day.dayType][hour] ?? 0) > 0;
}
