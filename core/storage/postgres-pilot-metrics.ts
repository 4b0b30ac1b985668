import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { REFERENCE_ZONE, calendarDate } from '../clock.ts';
import type { PilotMetrics, PilotMetricsSource } from '../pilot-metrics.ts';
import {
  compareMeans,
  compareNps,
  createMomentAccumulator,
  meanEstimate,
  median,
  minimumDetectableEffect,
  npsCategory,
  npsEstimate,
  proportionEstimate,
  splitGoodnessOfFit,
  summarize,
  type NpsCounts,
} from '../statistics.ts';
import type { Database } from './schema.ts';

/*
 * How the figures are defined (the period is the pilot's days so far, in the reference zone; a
 * "contact" is a row of the interaction log whose outcome is not `continued`):
 *
 * - pilot-channel contacts: contacts on the pilot's channel by pilot-arm customers that started
 *   in the period. Adoption: pilot-arm customers with at least one / pilot-arm customers.
 * - follow-ups of such a contact: the same customer's contacts for the same reason that started
 *   after it (by start time, then id) and at most `withinDays` × 24 h after its start; they may
 *   fall after the period's end.
 *   containment = resolved and no follow-up on another channel; switching = some follow-up on
 *   another channel (switchedTo counts the channel of the first such one); first-contact
 *   resolution = resolved and no follow-up at all; task completion = resolved.
 * - handoffs: pilot-channel contacts handed off. With context: some interaction of the customer
 *   (whatever its outcome) names the contact as `handoff_from_id`. Continued elsewhere: the
 *   contact's journey has a later step (a contact) on another channel.
 * - handle time: over the pilot-channel contacts with an end time.
 * - no-show: the pilot arm's appointments that start in the period and were due (completed or
 *   no-show).
 * - NPS, CSAT, CES: answers about pilot-channel interactions of the pilot arm that started in
 *   the period. An answer counts whatever the outcome of the turn it is stored against: the voice
 *   assistant stores it against the conversation's last answered turn, which may be one that
 *   asked something back.
 * - versus control: every enrolled customer counts, with zero contacts if none: the contacts on
 *   channels of kind `existing` (and on call_centre alone) that started in the period, compared
 *   per customer with Welch's t-test; NPS answers about any channel's interactions of the arm in
 *   the period, compared with a z-test. The minimum detectable effect uses the control arm's
 *   variance and the two arms' sizes.
 * - sample ratio: the drawn (`rollout`) enrolments only, against rollout / (rollout + control).
 */

/** A chunk grows at most this much at once, so that one unusually quick chunk does not make the next one huge. */
const MAX_GROWTH = 4;
const DAY_MS = 86_400_000;
const SRM_ALPHA = 0.001;

type Arm = 'pilot' | 'control';

interface EnrolmentRow {
  customer_id: string;
  arm: string;
  via: string;
  invited: boolean;
  segment: string;
}

interface ContactRow {
  id: string;
  customer_id: string;
  channel: string;
  reason: string;
  started_at: Date;
  ended_at: Date | null;
  outcome: string;
  journey_id: string;
  journey_step: number;
}

type Pilot = Parameters<PilotMetricsSource['compute']>[0];

export interface PostgresPilotMetricsOptions {
  /** How long each query should take; the chunk of customers adapts to it. Default 20 ms. */
  targetChunkMs?: number;
  /** Customers in the first chunk (default 200), before adapting. */
  initialChunk?: number;
  /** Bounds of the adapted chunk size, in customers (defaults 20 and 20000). */
  minChunk?: number;
  maxChunk?: number;
  /** Called after each chunk of customers with its size and its slowest query (benchmarks, tests). */
  onChunk?: (chunk: { size: number; elapsedMs: number }) => void;
}

/**
 * Pilot metrics from the interaction log, walking the pilot's enrolments in chunks of customers
 * (in id order), each chunk a few short indexed queries, with a turn of the event loop between
 * chunks so that other requests on the same database interleave.
 */
export function createPostgresPilotMetricsSource(
  db: Kysely<Database>,
  options: PostgresPilotMetricsOptions = {},
): PilotMetricsSource {
  const targetMs = options.targetChunkMs ?? 20;
  const minChunk = Math.max(1, options.minChunk ?? 20);
  const maxChunk = Math.max(minChunk, options.maxChunk ?? 20_000);
  const initialChunk = Math.min(maxChunk, Math.max(minChunk, options.initialChunk ?? 200));

  return {
    async compute(pilot, asOf) {
      const today = calendarDate(asOf);
      const from = pilot.startsOn;
      const to = pilot.endsOn < today ? pilot.endsOn : today;
      const periodStart = DateTime.fromISO(from, { zone: REFERENCE_ZONE }).startOf('day').toJSDate();
      // A pilot that has not started yet is measured over no time at all.
      const periodEnd =
        to < from
          ? periodStart
          : DateTime.fromISO(to, { zone: REFERENCE_ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
      const windowMs = pilot.withinDays * DAY_MS;
      // A contact on the period's last instant may still be followed up to windowMs later.
      const fetchEnd = new Date(periodEnd.getTime() + windowMs);

      const kinds = new Map(
        (await db.selectFrom('channels').select(['code', 'kind']).execute()).map((c) => [c.code, c.kind]),
      );
      const tally = createTally(pilot, { periodEnd, windowMs, kinds });

      let after: string | null = null;
      let size = initialChunk;
      for (;;) {
        const timer = createQueryTimer();
        const enrolments: EnrolmentRow[] = await timer.time(() =>
          db
            // The slice is taken first: joined before the limit, the merge join would walk every
            // customer from the start of the id range.
            .selectFrom((eb) =>
              eb
                .selectFrom('pilot_enrolments')
                .select(['customer_id', 'arm', 'via'])
                .select(sql<boolean>`invited_at is not null`.as('invited'))
                .where('pilot_id', '=', pilot.id)
                .$if(after !== null, (q) => q.where('customer_id', '>', after!))
                .orderBy('customer_id')
                .limit(size)
                .as('e'),
            )
            .innerJoin('customers as c', 'c.id', 'e.customer_id')
            .select(['e.customer_id', 'e.arm', 'e.via', 'e.invited', 'c.segment'])
            .orderBy('e.customer_id')
            .execute(),
        );
        if (enrolments.length === 0) break;
        const ids = enrolments.map((e) => e.customer_id);
        const pilotIds = enrolments.filter((e) => e.arm === 'pilot').map((e) => e.customer_id);
        const empty = periodEnd <= periodStart;

        const contacts: ContactRow[] = empty
          ? []
          : await timer.time(
              () =>
                db
                  .selectFrom('interactions')
                  .select([
                    'id',
                    'customer_id',
                    'channel',
                    'reason',
                    'started_at',
                    'ended_at',
                    'outcome',
                    'journey_id',
                    'journey_step',
                  ])
                  .where(sql<boolean>`customer_id = any(${ids}::uuid[])`)
                  .where('started_at', '>=', periodStart)
                  .where('started_at', '<', fetchEnd)
                  .where('outcome', '<>', 'continued')
                  .execute() as Promise<ContactRow[]>,
            );
        const answers = empty
          ? []
          : await timer.time(() =>
              db
                .selectFrom('survey_answers as s')
                .innerJoin('interactions as i', 'i.id', 's.interaction_id')
                .select(['i.customer_id', 'i.channel', 's.metric', 's.score'])
                .where(sql<boolean>`i.customer_id = any(${ids}::uuid[])`)
                .where('i.started_at', '>=', periodStart)
                .where('i.started_at', '<', periodEnd)
                .execute(),
            );
        const appointments =
          empty || pilotIds.length === 0
            ? []
            : await timer.time(() =>
                db
                  .selectFrom('appointments')
                  .select('status')
                  .where(sql<boolean>`customer_id = any(${pilotIds}::uuid[])`)
                  .where('starts_at', '>=', periodStart)
                  .where('starts_at', '<', periodEnd)
                  .where('status', 'in', ['completed', 'no_show'])
                  .execute(),
              );

        const handedOff = tally.addChunk(enrolments, contacts, answers, appointments);
        if (handedOff.length > 0) {
          // Looked up by customer (indexed) rather than by handoff_from_id (not indexed); a
          // handoff's target and a journey's later steps may start after the fetched window.
          const customers = [...new Set(handedOff.map((c) => c.customer_id))];
          const related = await timer.time(() =>
            db
              .selectFrom('interactions')
              .select(['channel', 'outcome', 'journey_id', 'journey_step', 'handoff_from_id'])
              .where(sql<boolean>`customer_id = any(${customers}::uuid[])`)
              .where(
                sql<boolean>`(handoff_from_id = any(${handedOff.map((c) => c.id)}::uuid[])
                  or journey_id = any(${[...new Set(handedOff.map((c) => c.journey_id))]}::uuid[]))`,
              )
              .execute(),
          );
          tally.addHandoffs(handedOff, related);
        }

        after = enrolments.at(-1)!.customer_id;
        options.onChunk?.({ size: enrolments.length, elapsedMs: timer.slowest() });
        if (enrolments.length < size) break;
        const factor = Math.min(MAX_GROWTH, targetMs / Math.max(timer.slowest(), 0.1));
        size = Math.min(maxChunk, Math.max(minChunk, Math.round(size * factor)));
        await nextTurn();
      }
      return tally.result({ from, to });
    },
  };
}

function createQueryTimer() {
  let slowest = 0;
  return {
    async time<T>(query: () => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await query();
      } finally {
        slowest = Math.max(slowest, performance.now() - started);
      }
    },
    slowest: () => slowest,
  };
}

function byStart(a: ContactRow, b: ContactRow): number {
  const difference = a.started_at.getTime() - b.started_at.getTime();
  if (difference !== 0) return difference;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const noAnswers = (): NpsCounts => ({ promoters: 0, passives: 0, detractors: 0 });

/** The additive state of a computation: every chunk adds to it, and the figures come out at the end. */
function createTally(
  pilot: Pilot,
  context: { periodEnd: Date; windowMs: number; kinds: Map<string, string> },
) {
  const { periodEnd, windowMs, kinds } = context;
  const channel = pilot.channel;
  const cohort = { pilot: 0, control: 0, explicit: 0, invited: 0 };
  const drawn = { pilot: 0, control: 0 };
  const segments = new Map<string, { enrolled: number; adopters: number }>();
  let adopters = 0;
  const outcomes = { contacts: 0, contained: 0, switched: 0, firstContactResolved: 0, completed: 0 };
  const switchedTo = new Map<string, number>();
  const handoffs = { total: 0, withContext: 0, continuedElsewhere: 0 };
  const handleSeconds: number[] = [];
  const appointments = { due: 0, noShow: 0 };
  const nps = noAnswers();
  const csat = createMomentAccumulator();
  const ces = createMomentAccumulator();
  const existing = { pilot: createMomentAccumulator(), control: createMomentAccumulator() };
  const callCentre = { pilot: createMomentAccumulator(), control: createMomentAccumulator() };
  const npsByArm = { pilot: noAnswers(), control: noAnswers() };

  return {
    /** Adds a chunk of customers; returns its handed-off pilot-channel contacts, to be settled by addHandoffs. */
    addChunk(
      enrolments: EnrolmentRow[],
      contacts: ContactRow[],
      answers: { customer_id: string | null; channel: string; metric: string; score: number }[],
      dueAppointments: { status: string }[],
    ): ContactRow[] {
      const armOf = new Map<string, Arm>();
      for (const e of enrolments) armOf.set(e.customer_id, e.arm as Arm);
      const byCustomer = new Map<string, ContactRow[]>();
      for (const contact of contacts) {
        const list = byCustomer.get(contact.customer_id);
        if (list) list.push(contact);
        else byCustomer.set(contact.customer_id, [contact]);
      }
      const handedOff: ContactRow[] = [];

      for (const enrolment of enrolments) {
        const arm = enrolment.arm as Arm;
        cohort[arm]++;
        if (arm === 'pilot' && enrolment.via === 'explicit') cohort.explicit++;
        if (enrolment.invited) cohort.invited++;
        if (enrolment.via === 'rollout') drawn[arm]++;

        const rows = (byCustomer.get(enrolment.customer_id) ?? []).sort(byStart);
        let existingCount = 0;
        let callCentreCount = 0;
        let pilotContacts = 0;
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          if (row.started_at >= periodEnd) break;
          if (kinds.get(row.channel) === 'existing') existingCount++;
          if (row.channel === 'call_centre') callCentreCount++;
          if (arm !== 'pilot' || row.channel !== channel) continue;
          pilotContacts++;
          outcomes.contacts++;
          const resolved = row.outcome === 'resolved';
          let followedUp = false;
          let firstElsewhere: string | undefined;
          const until = row.started_at.getTime() + windowMs;
          for (let j = i + 1; j < rows.length && rows[j]!.started_at.getTime() <= until; j++) {
            const next = rows[j]!;
            if (next.reason !== row.reason) continue;
            followedUp = true;
            if (next.channel !== channel) {
              firstElsewhere = next.channel;
              break;
            }
          }
          if (resolved) outcomes.completed++;
          if (resolved && firstElsewhere === undefined) outcomes.contained++;
          if (resolved && !followedUp) outcomes.firstContactResolved++;
          if (firstElsewhere !== undefined) {
            outcomes.switched++;
            switchedTo.set(firstElsewhere, (switchedTo.get(firstElsewhere) ?? 0) + 1);
          }
          if (row.outcome === 'handed_off') handedOff.push(row);
          if (row.ended_at) handleSeconds.push((row.ended_at.getTime() - row.started_at.getTime()) / 1000);
        }
        existing[arm].add(existingCount);
        callCentre[arm].add(callCentreCount);
        if (arm === 'pilot') {
          const segment = segments.get(enrolment.segment) ?? { enrolled: 0, adopters: 0 };
          segment.enrolled++;
          if (pilotContacts > 0) {
            segment.adopters++;
            adopters++;
          }
          segments.set(enrolment.segment, segment);
        }
      }

      for (const answer of answers) {
        const arm = answer.customer_id === null ? undefined : armOf.get(answer.customer_id);
        if (!arm) continue;
        if (answer.metric === 'nps') npsByArm[arm][npsCategory(answer.score)]++;
        if (arm !== 'pilot' || answer.channel !== channel) continue;
        if (answer.metric === 'nps') nps[npsCategory(answer.score)]++;
        else if (answer.metric === 'csat') csat.add(answer.score);
        else if (answer.metric === 'ces') ces.add(answer.score);
      }

      for (const appointment of dueAppointments) {
        appointments.due++;
        if (appointment.status === 'no_show') appointments.noShow++;
      }
      return handedOff;
    },

    addHandoffs(
      handedOff: ContactRow[],
      related: {
        channel: string;
        outcome: string;
        journey_id: string;
        journey_step: number;
        handoff_from_id: string | null;
      }[],
    ) {
      const named = new Set(related.map((r) => r.handoff_from_id));
      for (const contact of handedOff) {
        handoffs.total++;
        if (named.has(contact.id)) handoffs.withContext++;
        const elsewhere = related.some(
          (r) =>
            r.journey_id === contact.journey_id &&
            r.journey_step > contact.journey_step &&
            r.channel !== contact.channel &&
            r.outcome !== 'continued',
        );
        if (elsewhere) handoffs.continuedElsewhere++;
      }
    },

    result(period: { from: string; to: string }): PilotMetrics {
      const share = (k: number) => proportionEstimate(k, outcomes.contacts);
      const control = summarize(existing.control.moments());
      const mde =
        control === null
          ? null
          : minimumDetectableEffect({
              variance: control.variance,
              n1: existing.pilot.n,
              n2: existing.control.n,
            });
      const sum = handleSeconds.reduce((total, s) => total + s, 0);
      return {
        pilotId: pilot.id,
        channel,
        period,
        withinDays: pilot.withinDays,
        cohort: { ...cohort },
        sampleRatio: sampleRatio(pilot, drawn),
        adoption: proportionEstimate(adopters, cohort.pilot),
        adoptionBySegment: [...segments]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([segment, s]) => ({ segment, ...s, rate: proportionEstimate(s.adopters, s.enrolled) })),
        contacts: outcomes.contacts,
        containment: share(outcomes.contained),
        switching: share(outcomes.switched),
        switchedTo: [...switchedTo]
          .map(([to, contacts]) => ({ channel: to, contacts }))
          .sort((a, b) => b.contacts - a.contacts || (a.channel < b.channel ? -1 : 1)),
        firstContactResolution: share(outcomes.firstContactResolved),
        taskCompletion: share(outcomes.completed),
        handoffs: { ...handoffs, contextRate: proportionEstimate(handoffs.withContext, handoffs.total) },
        handleTime: {
          averageSeconds: handleSeconds.length === 0 ? null : sum / handleSeconds.length,
          medianSeconds: median(handleSeconds),
          n: handleSeconds.length,
        },
        noShow: appointments.due === 0 ? null : proportionEstimate(appointments.noShow, appointments.due),
        nps: npsEstimate(nps),
        csat: meanEstimate(csat.moments()),
        ces: meanEstimate(ces.moments()),
        versusControl: {
          existingContactsPerCustomer: compareMeans(existing.pilot.moments(), existing.control.moments()),
          callCentreContactsPerCustomer: compareMeans(
            callCentre.pilot.moments(),
            callCentre.control.moments(),
          ),
          nps: compareNps(npsByArm.pilot, npsByArm.control),
          minimumDetectableEffect: {
            absolute: mde,
            relative: mde === null || control === null || control.mean === 0 ? null : mde / control.mean,
          },
        },
      };
    },
  };
}

function sampleRatio(pilot: Pilot, drawn: { pilot: number; control: number }): PilotMetrics['sampleRatio'] {
  if (!(pilot.rolloutPercent > 0 && pilot.controlPercent > 0)) return null;
  const expectedPilotShare = pilot.rolloutPercent / (pilot.rolloutPercent + pilot.controlPercent);
  const { chiSquare, pValue } = splitGoodnessOfFit(drawn.pilot, drawn.control, expectedPilotShare);
  return { expectedPilotShare, ...drawn, chiSquare, pValue, mismatch: pValue < SRM_ALPHA };
}
