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
  COUNT_BOUNDS,
  createMomentAccumulator,
  meanEstimate,
  median,
  minimumDetectableEffect,
  proportionEstimate,
} from './statistics.ts';
import { adjustArms, compareAdjusted, createCovariateAccumulator } from './variance-reduction.ts';

// The pilot metrics from rows already read, one customer of the cohort at a time (see
// storage/postgres-pilot-metrics.ts for how each figure is defined and which rows are read).

type Arm = 'pilot' | 'control';

/** One customer of the cohort, with everything of theirs the figures read. */
export interface CohortCustomer {
  arm: Arm;
  via: 'explicit' | 'rollout';
  invited: boolean;
  segment: string;
  /** The customer's contacts in the baseline weeks before the start. */
  before: { existing: number; callCentre: number; complaints: number };
  /** Contacts that started from the period's start until `windowMs` after its end, by start then id. */
  contacts: CohortContact[];
  /** Answers about the customer's interactions (whatever their outcome) that started in the period. */
  answers: CohortAnswer[];
}

/** Times are epoch milliseconds. */
export interface CohortContact {
  startedAt: number;
  endedAt: number | null;
  channel: string;
  reason: string;
  outcome: string;
  /** For a pilot-arm contact on the pilot channel in the period that was handed off; null otherwise. */
  handoff: { withContext: boolean; continuedElsewhere: boolean } | null;
}

export interface CohortAnswer {
  channel: string;
  metric: string;
  score: number;
  /** When the interaction answered about started (epoch ms). */
  startedAt: number;
}

type Pilot = Parameters<PilotMetricsSource['compute']>[0];

/** The contact reason a complaint is recorded under. */
const COMPLAINT = 'complaint';
/** Bounded scales: intervals stay inside them. */
const CSAT_SCALE = { min: 1, max: 5 };
const CES_SCALE = { min: 1, max: 7 };

const noAnswers = (): NpsCounts => ({ promoters: 0, passives: 0, detractors: 0 });

/**
 * The additive state of a computation: every customer of the cohort is added once, with all of
 * its rows, and the figures come out at the end.
 * `periodStart`–`periodEnd`: the period measured (contacts from its end on only count as
 * follow-ups); `windowMs`: how long after a contact a follow-up may start; `kinds`: each channel
 * code's kind (`existing` or `pilot`).
 */
export function createPilotMetricsTally(
  pilot: Pilot,
  context: { periodStart: Date; periodEnd: Date; windowMs: number; kinds: Map<string, string> },
) {
  const { windowMs, kinds } = context;
  const periodEnd = context.periodEnd.getTime();
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
    add(customer: CohortCustomer) {
      const { arm, via } = customer;
      cohort[arm]++;
      if (arm === 'pilot' && via === 'explicit') cohort.explicit++;
      if (customer.invited) cohort.invited++;
      if (via === 'rollout') {
        drawn[arm]++;
        const bySegment = drawnBySegment.get(customer.segment) ?? { pilot: 0, control: 0 };
        bySegment[arm]++;
        drawnBySegment.set(customer.segment, bySegment);
      }

      const rows = customer.contacts;
      let existingCount = 0;
      let callCentreCount = 0;
      let complaintCount = 0;
      let pilotContacts = 0;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (row.startedAt >= periodEnd) break;
        const onExisting = kinds.get(row.channel) === 'existing';
        if (onExisting) existingCount++;
        if (row.channel === 'call_centre') callCentreCount++;
        if (row.reason === COMPLAINT) complaintCount++;
        if (via === 'rollout') weekly.addArmContact(arm, row.startedAt, onExisting);
        if (arm !== 'pilot' || row.channel !== channel) continue;
        pilotContacts++;
        outcomes.contacts++;
        const resolved = row.outcome === 'resolved';
        let followedUp = false;
        let firstElsewhere: string | undefined;
        const until = row.startedAt + windowMs;
        for (let j = i + 1; j < rows.length && rows[j]!.startedAt <= until; j++) {
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
        weekly.addPilotContact(row.startedAt, pilotContacts === 1, resolved && firstElsewhere === undefined);
        if (resolved && !followedUp) outcomes.firstContactResolved++;
        if (firstElsewhere !== undefined) {
          outcomes.switched++;
          switchedTo.set(firstElsewhere, (switchedTo.get(firstElsewhere) ?? 0) + 1);
        }
        if (row.outcome === 'handed_off') {
          handoffs.total++;
          if (row.handoff?.withContext) handoffs.withContext++;
          if (row.handoff?.continuedElsewhere) handoffs.continuedElsewhere++;
        }
        if (row.endedAt !== null) handleSeconds.push((row.endedAt - row.startedAt) / 1000);
      }
      // Customers named by hand were not randomised: the comparison with control leaves them out.
      if (via === 'rollout') {
        const { before } = customer;
        existing[arm].add(before.existing, existingCount);
        callCentre[arm].add(before.callCentre, callCentreCount);
        complaints[arm].add(before.complaints, complaintCount);
        // NPS against control: only answers both arms could give (about existing-channel
        // contacts), per customer, the unit of randomisation.
        npsByArm[arm].add(
          customer.answers
            .filter((a) => a.metric === 'nps' && kinds.get(a.channel) === 'existing')
            .map((a) => a.score),
        );
        weekly.addDrawnCustomer(arm);
      }
      if (arm === 'pilot') {
        const segment = segments.get(customer.segment) ?? { enrolled: 0, adopters: 0 };
        segment.enrolled++;
        if (pilotContacts > 0) {
          segment.adopters++;
          adopters++;
        }
        segments.set(customer.segment, segment);
        for (const answer of customer.answers) {
          if (answer.channel !== channel) continue;
          if (answer.metric === 'nps') {
            nps[npsCategory(answer.score)]++;
            weekly.addChannelAnswer(answer.score, answer.startedAt);
          } else if (answer.metric === 'csat') csat.add(answer.score);
          else if (answer.metric === 'ces') ces.add(answer.score);
        }
      }
    },

    /** The pilot arm's appointments in the period that were due, and how many of them were no-shows. */
    addAppointments(due: number, noShow: number) {
      appointments.due += due;
      appointments.noShow += noShow;
    },

    result(period: PilotMetrics['period']): Omit<PilotMetrics, 'liveChat'> {
      const share = (k: number) => proportionEstimate(k, outcomes.contacts);
      const existingArms = { pilot: existing.pilot.moments(), control: existing.control.moments() };
      const existingComparison = compareAdjusted(
        existingArms.pilot,
        existingArms.control,
        BASELINE_WEEKS,
        COUNT_BOUNDS,
      );
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
            COUNT_BOUNDS,
          ),
          complaintsPerCustomer: compareAdjusted(
            complaints.pilot.moments(),
            complaints.control.moments(),
            BASELINE_WEEKS,
            COUNT_BOUNDS,
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
