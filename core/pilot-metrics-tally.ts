import {
  compareNps,
  createNpsByCustomer,
  npsCategory,
  npsEstimate,
  type NpsCounts,
} from './nps-statistics.ts';
import { BASELINE_WEEKS, type PilotMetrics, type PilotMetricsSource } from './pilot-metrics.ts';
import { createWeeklyTally } from './pilot-weekly-tally.ts';
import { sampleRatio } from './sample-ratio.ts';
import {
  createMomentAccumulator,
  meanEstimate,
  median,
  minimumDetectableEffect,
  proportionEstimate,
} from './statistics.ts';
import { adjustArms, compareAdjusted, createCovariateAccumulator } from './variance-reduction.ts';

// The pilot metrics from rows already read, a chunk of customers at a time (see
// storage/postgres-pilot-metrics.ts for how each figure is defined and which rows are read).

type Arm = 'pilot' | 'control';

export interface EnrolmentRow {
  customer_id: string;
  arm: string;
  via: string;
  invited: boolean;
  segment: string;
}

/** A customer's contacts in the baseline weeks before the pilot (customers without any have no row). */
export interface BaselineRow {
  customer_id: string;
  existing: number;
  call_centre: number;
  complaints: number;
}

export interface ContactRow {
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

/** The contact reason a complaint is recorded under. */
const COMPLAINT = 'complaint';
/** Bounded scales: intervals stay inside them. */
const CSAT_SCALE = { min: 1, max: 5 };
const CES_SCALE = { min: 1, max: 7 };

function byStart(a: ContactRow, b: ContactRow): number {
  const difference = a.started_at.getTime() - b.started_at.getTime();
  if (difference !== 0) return difference;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const noAnswers = (): NpsCounts => ({ promoters: 0, passives: 0, detractors: 0 });

/**
 * The additive state of a computation: every chunk of customers adds to it (each customer in
 * exactly one chunk, with all of its contacts), and the figures come out at the end.
 * `periodStart`–`periodEnd`: the period measured (contacts from its end on only count as
 * follow-ups); `windowMs`: how long after a contact a follow-up may start; `kinds`: each channel
 * code's kind (`existing` or `pilot`).
 */
export function createPilotMetricsTally(
  pilot: Pilot,
  context: { periodStart: Date; periodEnd: Date; windowMs: number; kinds: Map<string, string> },
) {
  const { periodEnd, windowMs, kinds } = context;
  const weekly = createWeeklyTally(context);
  const channel = pilot.channel;
  const cohort = { pilot: 0, control: 0, explicit: 0, invited: 0 };
  const drawn = { pilot: 0, control: 0 };
  const drawnBySegment = new Map<string, { pilot: number; control: number }>();
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
  const perArm = () => ({ pilot: createCovariateAccumulator(), control: createCovariateAccumulator() });
  const existing = perArm();
  const callCentre = perArm();
  const complaints = perArm();
  const npsByArm = { pilot: createNpsByCustomer(), control: createNpsByCustomer() };

  return {
    /** Adds a chunk of customers; returns its handed-off pilot-channel contacts, to be settled by addHandoffs. */
    addChunk(
      enrolments: EnrolmentRow[],
      contacts: ContactRow[],
      answers: {
        customer_id: string | null;
        channel: string;
        metric: string;
        score: number;
        started_at: Date;
      }[],
      dueAppointments: { status: string }[],
      baseline: BaselineRow[] = [],
    ): ContactRow[] {
      const before = new Map(baseline.map((b) => [b.customer_id, b]));
      const armOf = new Map<string, Arm>();
      const drawnIds = new Set<string>();
      for (const e of enrolments) {
        armOf.set(e.customer_id, e.arm as Arm);
        if (e.via === 'rollout') drawnIds.add(e.customer_id);
      }
      // NPS against control: only answers both arms could give (about existing-channel contacts),
      // grouped by customer, the unit of randomisation.
      const comparableAnswers = new Map<string, number[]>();
      for (const answer of answers) {
        if (answer.metric !== 'nps' || answer.customer_id === null) continue;
        if (!drawnIds.has(answer.customer_id) || kinds.get(answer.channel) !== 'existing') continue;
        const list = comparableAnswers.get(answer.customer_id);
        if (list) list.push(answer.score);
        else comparableAnswers.set(answer.customer_id, [answer.score]);
      }
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
        if (enrolment.via === 'rollout') {
          drawn[arm]++;
          const bySegment = drawnBySegment.get(enrolment.segment) ?? { pilot: 0, control: 0 };
          bySegment[arm]++;
          drawnBySegment.set(enrolment.segment, bySegment);
        }

        const rows = (byCustomer.get(enrolment.customer_id) ?? []).sort(byStart);
        let existingCount = 0;
        let callCentreCount = 0;
        let complaintCount = 0;
        let pilotContacts = 0;
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          if (row.started_at >= periodEnd) break;
          if (kinds.get(row.channel) === 'existing') existingCount++;
          if (row.channel === 'call_centre') callCentreCount++;
          if (row.reason === COMPLAINT) complaintCount++;
          if (enrolment.via === 'rollout')
            weekly.addArmContact(arm, row, kinds.get(row.channel) === 'existing');
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
          weekly.addPilotContact(row, pilotContacts === 1, resolved && firstElsewhere === undefined);
          if (resolved && !followedUp) outcomes.firstContactResolved++;
          if (firstElsewhere !== undefined) {
            outcomes.switched++;
            switchedTo.set(firstElsewhere, (switchedTo.get(firstElsewhere) ?? 0) + 1);
          }
          if (row.outcome === 'handed_off') handedOff.push(row);
          if (row.ended_at) handleSeconds.push((row.ended_at.getTime() - row.started_at.getTime()) / 1000);
        }
        // Customers named by hand were not randomised: the comparison with control leaves them out.
        if (enrolment.via === 'rollout') {
          const pre = before.get(enrolment.customer_id);
          existing[arm].add(pre?.existing ?? 0, existingCount);
          callCentre[arm].add(pre?.call_centre ?? 0, callCentreCount);
          complaints[arm].add(pre?.complaints ?? 0, complaintCount);
          npsByArm[arm].add(comparableAnswers.get(enrolment.customer_id) ?? []);
          weekly.addDrawnCustomer(arm);
        }
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
        if (arm !== 'pilot' || answer.channel !== channel) continue;
        if (answer.metric === 'nps') {
          nps[npsCategory(answer.score)]++;
          weekly.addChannelAnswer(answer);
        } else if (answer.metric === 'csat') csat.add(answer.score);
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

    result(period: { from: string; to: string }): Omit<PilotMetrics, 'liveChat'> {
      const share = (k: number) => proportionEstimate(k, outcomes.contacts);
      const existingArms = { pilot: existing.pilot.moments(), control: existing.control.moments() };
      const existingComparison = compareAdjusted(existingArms.pilot, existingArms.control, BASELINE_WEEKS);
      // Each arm's own variance, as adjusted for the test.
      const { pilot: a, control: b } = adjustArms(existingArms.pilot, existingArms.control);
      const mde =
        a && b
          ? minimumDetectableEffect({ variance1: a.variance, variance2: b.variance, n1: a.n, n2: b.n })
          : null;
      const sum = handleSeconds.reduce((total, s) => total + s, 0);
      return {
        pilotId: pilot.id,
        channel,
        period,
        withinDays: pilot.withinDays,
        cohort: { ...cohort },
        sampleRatio: sampleRatio(pilot, drawn, drawnBySegment),
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
        csat: meanEstimate(csat.moments(), CSAT_SCALE),
        ces: meanEstimate(ces.moments(), CES_SCALE),
        versusControl: {
          existingContactsPerCustomer: existingComparison,
          callCentreContactsPerCustomer: compareAdjusted(
            callCentre.pilot.moments(),
            callCentre.control.moments(),
            BASELINE_WEEKS,
          ),
          complaintsPerCustomer: compareAdjusted(
            complaints.pilot.moments(),
            complaints.control.moments(),
            BASELINE_WEEKS,
          ),
          nps: compareNps(npsByArm.pilot.result(), npsByArm.control.result()),
          npsChannels: [...kinds]
            .filter(([, kind]) => kind === 'existing')
            .map(([code]) => code)
            .sort(),
          minimumDetectableEffect: {
            absolute: mde,
            relative: mde === null || !b || b.mean === 0 ? null : mde / b.mean,
          },
        },
        weekly: weekly.result(cohort.pilot),
      };
    },
  };
}
