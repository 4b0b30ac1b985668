import { z } from 'zod';
import { cachedChannelAccess, type ChannelAccess } from './channel-access.ts';
import type { ExpiringCacheOptions } from './expiring-cache.ts';
import type { ChannelRegistry } from './channels.ts';
import { calendarDate, type Clock } from './clock.ts';
import { BILL_STYLE_CHANNEL } from './bill-styles.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError, invalidInput, notFound, type FieldIssue } from './errors.ts';
import { messageAddress, type NewMessage, type Outbox } from './notifications.ts';
import { invitationText } from './pilot-invitations.ts';
import { PilotInput, pilotTransitions, type Pilot, type PilotStatus, type PilotStore } from './pilots.ts';
import { describeRevision, type Actor, type PilotChange, type PilotLog } from './pilot-log.ts';
import { unknownReasons, type ReasonCatalogue } from './reasons.ts';
import { criteria } from './scorecard.ts';
import { parseInput } from './validation.ts';

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
  /** The catalogue a pilot's contact reasons must come from. */
  reasons: Pick<ReasonCatalogue, 'reasons'>;
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

  /**
   * What the definition names must exist: a pilot channel (not one the organisation runs today)
   * and its touchpoints, reasons of the catalogue, and customers for the ids it names (those
   * named before, when revising, are not asked again). A code another pilot has is refused as
   * the store writes it.
   */
  async function checkReferences(input: z.output<typeof PilotInput>, before?: Pilot): Promise<void> {
    const issues: FieldIssue[] = [];
    // A started pilot keeps its channel and reasons (checkRevision): one defined before these
    // checks stays revisable (its end, its rollout) rather than stuck on what it cannot change.
    const started = before !== undefined && before.status !== 'draft';
    const channel = await channels.channel(input.channel);
    if (!channel) issues.push({ path: 'channel', message: `no channel ${input.channel}` });
    else if (channel.kind !== 'pilot' && !started) {
      const piloted = (await channels.channels()).filter((c) => c.kind === 'pilot').map((c) => c.code);
      issues.push({
        path: 'channel',
        message: `${channel.code} is a channel the organisation runs already, not a pilot channel (${piloted.join(', ')})`,
      });
    } else {
      const offered = new Set(channel.touchpoints.map((t) => t.code));
      input.touchpoints.forEach((t, i) => {
        if (!offered.has(t))
          issues.push({ path: `touchpoints.${i}`, message: `${channel.code} has no touchpoint ${t}` });
      });
    }
    if (!started) issues.push(...(await unknownReasons(input.reasons, options.reasons, 'reasons')));
    const named = new Set(before?.cohort.customerIds);
    const asked = input.cohort.customerIds.filter((id) => !named.has(id));
    const known = asked.length > 0 ? await customers.known(asked) : new Set<string>();
    input.cohort.customerIds.forEach((id, i) => {
      if (!named.has(id) && !known.has(id))
        issues.push({ path: `cohort.customerIds.${i}`, message: `no customer has the id ${id}` });
    });
    if (issues.length > 0) {
      throw invalidInput(`invalid pilot: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
    }
  }

  /**
   * Once a pilot has run, its split is evidence: it may only widen. What it measures and how it
   * is judged (its reasons, follow-up window and objectives) and its code (its name in addresses
   * and the CLI) stay as they were when it started.
   */
  function checkRevision(before: Pilot, after: z.output<typeof PilotInput>): void {
    if (before.status === 'ended') throw new ChannelPilotError('conflict', `pilot ${before.code} has ended`);
    if (before.status === 'draft') return;
    const issues: FieldIssue[] = [];
    const fixed = (path: string, changed: boolean) => {
      if (changed) issues.push({ path, message: 'cannot change once started' });
    };
    // Lists compared as sets; objectives by what they say (stored JSON keeps no key order).
    const same = (a: readonly string[], b: readonly string[]) =>
      [...a].sort().join() === [...b].sort().join();
    const said = (objectives: readonly z.output<typeof PilotInput>['objectives'][number][]) =>
      objectives.map((o) => `${o.metric} ${o.comparison} ${o.threshold}`);
    fixed('code', after.code !== before.code);
    fixed('channel', after.channel !== before.channel);
    fixed('startsOn', after.startsOn !== before.startsOn);
    fixed('reasons', !same(after.reasons, before.reasons));
    fixed('withinDays', after.withinDays !== before.withinDays);
    fixed('objectives', !same(said(after.objectives), said(before.objectives)));
    fixed('cohort.controlPercent', after.cohort.controlPercent !== before.cohort.controlPercent);
    if (after.cohort.rolloutPercent < before.cohort.rolloutPercent) {
      issues.push({
        path: 'cohort.rolloutPercent',
        message: `may only grow once started (now ${before.cohort.rolloutPercent})`,
      });
    }
    fixed('cohort.segments', !same(after.cohort.segments, before.cohort.segments));
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
   * A draft starts on its first day or later, with someone to serve: a pilot arm, or everyone
   * outside control. A style pilot's customers are drawn by its style arms, not its cohort.
   */
  async function checkStart(pilot: Pilot): Promise<void> {
    const today = calendarDate(clock.now());
    if (today < pilot.startsOn) {
      throw new ChannelPilotError('conflict', `pilot ${pilot.code} starts on ${pilot.startsOn}`, {
        hint: `start it on ${pilot.startsOn} or later, or revise its startsOn to ${today}`,
      });
    }
    const { cohort } = pilot;
    if (pilot.openToEveryone || pilot.channel === BILL_STYLE_CHANNEL || cohort.rolloutPercent > 0) return;
    if ((await pilots.cohortSize(pilot.id)).pilot > 0) return;
    throw new ChannelPilotError(
      'conflict',
      `pilot ${pilot.code} has nobody to serve: 0% drawn into the pilot, no customer named, and not open to everyone`,
      { hint: 'revise it: raise rolloutPercent, name customers, or open it to everyone' },
    );
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
      await checkReferences(definition, before);
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
      if (!pilotTransitions[before.status].includes(to)) throw refusedTransition(before, to);
      if (to === 'running' && before.status === 'draft') {
        await checkStart(before);
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

/** Why a pilot cannot move to `to`, and what it may do instead. */
function refusedTransition(pilot: Pilot, to: PilotStatus): ChannelPilotError {
  const next = pilotTransitions[pilot.status];
  const may = next.length ? `it may become ${next.join(' or ')}` : 'nothing more can change';
  if (pilot.status === to) {
    return new ChannelPilotError('conflict', `pilot ${pilot.code} is ${to} already`, { hint: may });
  }
  if (pilot.status === 'draft' && to === 'ended') {
    return new ChannelPilotError(
      'conflict',
      `pilot ${pilot.code} is a draft: it has not started, so it cannot end`,
      { hint: 'a draft enrols, invites and measures nobody: leave it as a draft, or start it' },
    );
  }
  const state = pilot.status === 'ended' ? 'has ended' : `is ${pilot.status}`;
  return new ChannelPilotError('conflict', `pilot ${pilot.code} ${state}: it cannot become ${to}`, {
    hint: may,
  });
}

/** Changes made by no one in particular (the seed, tests). */
const SYSTEM: Actor = { id: null, name: 'system' };
