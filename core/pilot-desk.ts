import { z } from 'zod';
import { cachedChannelAccess, type ChannelAccess } from './channel-access.ts';
import type { ExpiringCacheOptions } from './expiring-cache.ts';
import type { ChannelRegistry } from './channels.ts';
import type { Clock } from './clock.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError, invalidInput, notFound, type FieldIssue } from './errors.ts';
import { messageAddress, type NewMessage, type Outbox } from './notifications.ts';
import { PilotInput, pilotTransitions, type Pilot, type PilotStatus, type PilotStore } from './pilots.ts';
import { describeRevision, type Actor, type PilotChange, type PilotLog } from './pilot-log.ts';
import { criteria } from './scorecard.ts';
import { parseInput } from './validation.ts';
import type { Locale } from './vocabulary.ts';

export const PilotRatingInput = z.object({
  criterion: z.enum(criteria),
  rating: z.number().int().min(1, { error: 'is 1 to 5' }).max(5, { error: 'is 1 to 5' }),
  note: z.string().trim().max(2000).default(''),
});
export type PilotRatingInput = z.input<typeof PilotRatingInput>;

/** How many invitations are prepared at a time. */
const INVITATION_BATCH = 200;

/**
 * What a pilot manager does with pilots: define and revise them, start, pause and end them,
 * enrol their cohorts and invite them, rate them. Also the channels' gate: a pilot channel asks
 * `access.permit` before serving a customer.
 *
 * The gate reuses each customer's answer for a while, since a pilot channel asks on every turn
 * of a conversation (see cachedChannelAccess). A revision or status change made through this desk
 * applies here at once; one made elsewhere (the CLI, another instance, SQL) as soon as this
 * instance hears of it with `accessCache.told`, and otherwise within 5 s.
 */
export function createPilotDesk(options: {
  pilots: PilotStore;
  /** The audit trail every change is written to. */
  log: PilotLog;
  channels: ChannelRegistry;
  customers: CustomerDirectory;
  outbox: Outbox;
  clock: Clock;
  /** Whether a channel that no pilot governs asks its closing question. */
  closingSurveyWithoutPilot?: boolean;
  /** How long the gate reuses an answer and how many it keeps (see cachedChannelAccess). */
  accessCache?: ExpiringCacheOptions;
}) {
  const { pilots, channels, customers, outbox, clock, log } = options;
  const note = (pilot: Pilot, actor: Actor, action: PilotChange['action'], summary: string) =>
    log.record({ pilotId: pilot.id, at: clock.now(), actor, action, summary });

  async function find(idOrCode: string): Promise<Pilot> {
    const pilot = await pilots.pilot(idOrCode);
    if (!pilot) throw notFound('pilot', idOrCode);
    return pilot;
  }

  async function checkReferences(input: z.output<typeof PilotInput>): Promise<void> {
    const issues: FieldIssue[] = [];
    const channel = await channels.channel(input.channel);
    if (!channel) issues.push({ path: 'channel', message: `no channel ${input.channel}` });
    else {
      const offered = new Set(channel.touchpoints.map((t) => t.code));
      input.touchpoints.forEach((t, i) => {
        if (!offered.has(t))
          issues.push({ path: `touchpoints.${i}`, message: `${channel.code} has no touchpoint ${t}` });
      });
    }
    // Named customers are not looked up here: an answer that differed for unknown ids would tell
    // a pilot manager which ids are customers. An unknown id enrols nobody.
    if (issues.length > 0) {
      throw invalidInput(`invalid pilot: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
    }
  }

  /** Once a pilot has run, its split is evidence: it may only widen. */
  function checkRevision(before: Pilot, after: z.output<typeof PilotInput>): void {
    if (before.status === 'ended') throw new ChannelPilotError('conflict', `pilot ${before.code} has ended`);
    if (before.status === 'draft') return;
    const issues: FieldIssue[] = [];
    if (after.channel !== before.channel)
      issues.push({ path: 'channel', message: 'cannot change once started' });
    if (after.startsOn !== before.startsOn)
      issues.push({ path: 'startsOn', message: 'cannot change once started' });
    if (after.cohort.controlPercent !== before.cohort.controlPercent) {
      issues.push({ path: 'cohort.controlPercent', message: 'cannot change once started' });
    }
    if (after.cohort.rolloutPercent < before.cohort.rolloutPercent) {
      issues.push({
        path: 'cohort.rolloutPercent',
        message: `may only grow once started (now ${before.cohort.rolloutPercent})`,
      });
    }
    if ([...after.cohort.segments].sort().join() !== [...before.cohort.segments].sort().join()) {
      issues.push({ path: 'cohort.segments', message: 'cannot change once started' });
    }
    const kept = new Set(after.cohort.customerIds);
    if (before.cohort.customerIds.some((id) => !kept.has(id))) {
      issues.push({ path: 'cohort.customerIds', message: 'may only gain customers once started' });
    }
    if (issues.length > 0) {
      throw invalidInput(
        `pilot ${before.code} is ${before.status}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        issues,
      );
    }
  }

  /**
   * Invites one batch of the pilot arm's customers the sweep has not dealt with yet; returns how
   * many messages it queued and whether customers are left.
   */
  async function inviteBatch(pilot: Pilot): Promise<{ queued: number; more: boolean }> {
    const batch = await pilots.uninvited(pilot.id, INVITATION_BATCH);
    if (batch.length === 0) return { queued: 0, more: false };
    const channel = await channels.channel(pilot.channel);
    const now = clock.now();
    const messages: NewMessage[] = [];
    const unreachable: string[] = [];
    for (const customerId of batch) {
      const address = await messageAddress(customers, customerId);
      // Without a consented medium the customer stays enrolled but is not messaged.
      if (!address) {
        unreachable.push(customerId);
        continue;
      }
      const text = invitationText(address.customer.locale, pilot.channel, channel?.name ?? pilot.channel);
      messages.push({
        dedupeKey: `pilot-invitation:${pilot.id}:${customerId}`,
        customerId,
        appointmentId: null,
        kind: 'pilot_invitation',
        bulk: true,
        medium: address.medium,
        recipient: address.recipient,
        subject: address.medium === 'email' ? text.subject : null,
        body: `${address.customer.firstName}, ${text.body}`,
        attachments: [],
        sendAfter: now,
      });
    }
    const queued = await outbox.enqueue(messages);
    await pilots.markInvited(pilot.id, { messaged: messages.map((m) => m.customerId), unreachable }, now);
    return { queued, more: batch.length === INVITATION_BATCH };
  }

  /**
   * Invites a batch of each running pilot's enrolled customers who were not invited yet, so that
   * one sweep never holds up the others for long; returns how many messages it queued and
   * whether customers are left for the next sweep. Safe on every instance at once: each
   * invitation is queued once.
   */
  async function inviteEnrolled(): Promise<{ queued: number; more: boolean }> {
    let queued = 0;
    let more = false;
    for (const pilot of await pilots.pilots()) {
      if (pilot.status !== 'running') continue;
      const done = await inviteBatch(pilot);
      queued += done.queued;
      more ||= done.more;
    }
    return { queued, more };
  }
  const gate = cachedChannelAccess(
    {
      async permit(customerId, channel) {
        const live = await pilots.liveOn(channel, customerId);
        if (!live) return { allowed: true, closingSurvey: options.closingSurveyWithoutPilot ?? false };
        const { pilot, enrolment } = live;
        const allowed =
          pilot.status === 'running' && (enrolment ? enrolment.arm === 'pilot' : pilot.openToEveryone);
        return { allowed, closingSurvey: pilot.closingSurvey };
      },
    },
    options.accessCache,
  );
  const access: ChannelAccess = { permit: (customerId, channel) => gate.permit(customerId, channel) };

  return {
    access,
    find,

    async define(input: PilotInput, actor: Actor = SYSTEM): Promise<Pilot> {
      const definition = parseInput(PilotInput, input, 'pilot');
      await checkReferences(definition);
      const pilot = await pilots.create(definition, clock.now());
      await note(pilot, actor, 'defined', `defined “${pilot.name}” (${pilot.code}) as a draft`);
      return pilot;
    },

    /** Replaces a pilot's definition; a running pilot enrols (and invites) whoever it now draws. */
    async revise(idOrCode: string, input: PilotInput, actor: Actor = SYSTEM): Promise<Pilot> {
      const before = await find(idOrCode);
      const definition = parseInput(PilotInput, input, 'pilot');
      checkRevision(before, definition);
      await checkReferences(definition);
      const pilot = await pilots.update(before.id, definition, clock.now());
      await note(pilot, actor, 'revised', describeRevision(before, definition));
      try {
        if (pilot.status === 'running') await pilots.enrol(pilot, clock.now());
      } finally {
        gate.forget();
      }
      return (await pilots.pilot(pilot.id)) as Pilot;
    },

    /**
     * Moves a pilot to its next status; starting it enrols its cohort (the invitations follow
     * with the next `inviteEnrolled`).
     */
    async transition(
      idOrCode: string,
      to: PilotStatus,
      actor: Actor = SYSTEM,
    ): Promise<{ pilot: Pilot; enrolled: number }> {
      const before = await find(idOrCode);
      if (!pilotTransitions[before.status].includes(to)) {
        throw new ChannelPilotError('conflict', `a ${before.status} pilot cannot become ${to}`, {
          hint: `from ${before.status} it may become ${pilotTransitions[before.status].join(' or ') || 'nothing: it has ended'}`,
        });
      }
      if (to === 'running' && before.status === 'draft') {
        const live = (await pilots.pilots()).find(
          (p) => p.channel === before.channel && (p.status === 'running' || p.status === 'paused'),
        );
        if (live) {
          throw new ChannelPilotError(
            'conflict',
            `channel ${before.channel} already has a ${live.status} pilot: ${live.code}`,
            {
              hint: `end ${live.code} first`,
            },
          );
        }
      }
      const pilot = await pilots.setStatus(before.id, before.status, to, clock.now());
      let enrolled = 0;
      try {
        if (to === 'running') enrolled = await pilots.enrol(pilot, clock.now());
      } finally {
        gate.forget();
      }
      await note(
        pilot,
        actor,
        'status',
        `${before.status} → ${to}${enrolled > 0 ? ` (enrolled ${enrolled} customers)` : ''}`,
      );
      return { pilot: (await pilots.pilot(pilot.id)) as Pilot, enrolled };
    },

    inviteEnrolled,

    /** Invites everyone left to invite, batch after batch (the CLI, the demo seed). */
    async inviteAll(): Promise<number> {
      let queued = 0;
      for (let more = true; more;) {
        const done = await inviteEnrolled();
        queued += done.queued;
        more = done.more;
      }
      return queued;
    },

    async rate(idOrCode: string, input: PilotRatingInput, actor: Actor = SYSTEM): Promise<void> {
      const pilot = await find(idOrCode);
      const rating = parseInput(PilotRatingInput, input, 'rating');
      await pilots.rate(pilot.id, { ...rating, ratedBy: actor.id, ratedAt: clock.now() });
      await note(
        pilot,
        actor,
        'rated',
        `rated ${rating.criterion} ${rating.rating}/5${rating.note ? `: “${rating.note}”` : ''}`,
      );
    },

    /** The pilot's audit trail, oldest first. */
    async changes(idOrCode: string): Promise<PilotChange[]> {
      return log.changes((await find(idOrCode)).id);
    },
  };
}

export type PilotDesk = ReturnType<typeof createPilotDesk>;

/** Changes made by no one in particular (the seed, tests). */
const SYSTEM: Actor = { id: null, name: 'system' };

const invitations: Record<
  Locale,
  { subject: string; voice: string; video: string; other: (name: string) => string }
> = {
  'it-IT': {
    subject: 'Un nuovo modo per parlare con noi',
    voice:
      'da oggi può chiedere ad Alexa della sua bolletta, ricevere il link per pagarla e prenotare una videoconsulenza. Colleghi il suo account dall’app Alexa.',
    video:
      'da oggi può parlare con un nostro consulente in videochiamata, senza installare nulla: prenoti una videoconsulenza dal sito o chiedendolo al servizio clienti.',
    other: (name) => `la invitiamo a provare il nostro nuovo canale: ${name}.`,
  },
  'en-US': {
    subject: 'A new way to reach us',
    voice:
      'you can now ask Alexa about your bill, get a link to pay it and book a video consultation. Link your account in the Alexa app.',
    video:
      'you can now talk to one of our advisors by video, with nothing to install: book a video consultation on our website or through customer care.',
    other: (name) => `we invite you to try our new channel: ${name}.`,
  },
};

function invitationText(locale: Locale, channel: string, channelName: string) {
  const catalog = invitations[locale];
  const body =
    channel === 'voice_assistant'
      ? catalog.voice
      : channel === 'video'
        ? catalog.video
        : catalog.other(channelName);
  return { subject: catalog.subject, body };
}
