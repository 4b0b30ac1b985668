import { DateTime } from 'luxon';
import type { createAnalyses, AnalysisAnswer } from './analyses.ts';
import type { AdvisorRoster, WorkingHours } from './advisors.ts';
import type { AppointmentBook } from './booking.ts';
import { CensusFilter, daysBetween, type CensusSource } from './census.ts';
import type { ChannelRegistry } from './channels.ts';
import { REFERENCE_ZONE, type Clock } from './clock.ts';
import { assessCapacity } from './capacity.ts';
import type { CustomerDirectory } from './customers.ts';
import { notFound } from './errors.ts';
import { BASELINE_WEEKS, type PilotMetricsSource } from './pilot-metrics.ts';
import type { Pilot, PilotStore } from './pilots.ts';
import { evaluateScorecard } from './scorecard-rules.ts';
import type { PilotReportData } from './scorecard.ts';

/** The census that says what a pilot's cohort contacts the organisation for: the weeks before it starts. */
export const RELEVANCE_WEEKS = BASELINE_WEEKS;

type Evidence = Omit<PilotReportData, 'scorecard'>;

/**
 * A pilot's report: its measured evidence (computed in the background and kept, like a census)
 * and the scorecard, judged on every read so that a manager's new rating shows at once.
 */
export function createPilotReports(options: {
  pilots: PilotStore;
  metrics: PilotMetricsSource;
  census: CensusSource;
  channels: ChannelRegistry;
  advisors: AdvisorRoster;
  appointments: AppointmentBook;
  customers: CustomerDirectory;
  analyses: ReturnType<typeof createAnalyses>;
  clock: Clock;
  /** The length of one consultation, for staffed channels whose contacts have not been timed yet. */
  consultationMinutes: number;
}) {
  const { pilots, clock } = options;

  /** The census of the cohort's segments (one census each: they are disjoint) in the weeks before the pilot. */
  async function relevance(pilot: Pilot): Promise<Evidence['relevance'] & { population: number }> {
    const start = DateTime.fromISO(pilot.startsOn, { zone: REFERENCE_ZONE });
    const range = {
      from: start.minus({ weeks: RELEVANCE_WEEKS }).toISODate() as string,
      to: start.minus({ days: 1 }).toISODate() as string,
    };
    const segments = pilot.cohort.segments.length > 0 ? pilot.cohort.segments : [undefined];
    const existing = new Set(
      (await options.channels.channels()).filter((c) => c.kind === 'existing').map((c) => c.code),
    );
    const served = new Set(pilot.reasons);
    const byReason = new Map<string, number>();
    let population = 0;
    for (const segment of segments) {
      for (const row of await options.census.reasons(CensusFilter.parse({ ...range, segment }))) {
        if (existing.has(row.channel))
          byReason.set(row.reason, (byReason.get(row.reason) ?? 0) + row.contacts);
      }
      population += (await options.customers.search({ segment, limit: 1, offset: 0 })).total;
    }
    let allContacts = 0;
    let servedContacts = 0;
    for (const [reason, contacts] of byReason) {
      allContacts += contacts;
      if (served.has(reason)) servedContacts += contacts;
    }
    const topReasons = [...byReason]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([reason, contacts]) => ({ reason, contacts, served: served.has(reason) }));
    return {
      servedContacts,
      allContacts,
      share: allContacts > 0 ? servedContacts / allContacts : null,
      topReasons,
      population,
    };
  }

  async function next14Days(pilot: Pilot, now: Date) {
    const advisors = await options.advisors.advisors();
    const until = new Date(now.getTime() + 14 * 86_400_000);
    let bookableHours = 0;
    for (const advisor of advisors) {
      for (let day = 0; day < 14; day++) {
        const weekday = DateTime.fromJSDate(now, { zone: advisor.timeZone }).plus({ days: day }).weekday;
        bookableHours += hoursOn(advisor.workingHours, weekday);
      }
    }
    const busy = await options.appointments.busy(
      advisors.map((a) => a.id),
      now,
      until,
    );
    const bookedHours = busy.reduce(
      (sum, b) => sum + (b.blockedUntil.getTime() - b.blockedFrom.getTime()) / 3_600_000,
      0,
    );
    return { bookedHours, bookableHours: bookableHours * pilot.advisorShare };
  }

  async function evidence(pilot: Pilot): Promise<Evidence> {
    const now = clock.now();
    // The census of the weeks before reads its rollups on sessions of its own while the metrics
    // read the cohort's log: the database's work on one overlaps this process's on the other.
    const [metrics, { population, ...relevant }] = await Promise.all([
      options.metrics.compute(
        {
          ...pilot,
          rolloutPercent: pilot.cohort.rolloutPercent,
          controlPercent: pilot.cohort.controlPercent,
        },
        now,
      ),
      relevance(pilot),
    ]);
    const channel = await options.channels.channel(pilot.channel);
    const staffed = channel?.staffed ?? false;
    const advisors = staffed ? await options.advisors.advisors() : [];
    const capacity = assessCapacity({
      staffed,
      weeklyAdvisorHours: advisors.reduce(
        (sum, a) => sum + [1, 2, 3, 4, 5, 6, 7].reduce((s, d) => s + hoursOn(a.workingHours, d), 0),
        0,
      ),
      advisorShare: pilot.advisorShare,
      cohortSize: metrics.cohort.pilot,
      eligiblePopulation: population,
      observed: {
        contacts: metrics.contacts,
        weeks: metrics.period ? Math.max(0, daysBetween(metrics.period.from, metrics.period.to) + 1) / 7 : 0,
        averageHandleSeconds: metrics.handleTime.averageSeconds,
      },
      servedContactsPerCustomerWeek:
        population > 0 ? relevant.servedContacts / population / RELEVANCE_WEEKS : 0,
      defaultContactHours: options.consultationMinutes / 60,
      next14Days: staffed ? await next14Days(pilot, now) : null,
    });
    return { metrics, capacity, relevance: relevant };
  }

  async function withScorecard(pilot: Pilot, found: Evidence): Promise<PilotReportData> {
    return { ...found, scorecard: evaluateScorecard(pilot, found, await pilots.ratings(pilot.id)) };
  }

  // A changed definition or status (starting enrols the cohort) is a new question, even within
  // one clock tick; the period growing day by day is covered by answers going stale.
  const question = (pilot: Pilot) =>
    JSON.stringify({ pilot: pilot.id, status: pilot.status, revised: pilot.updatedAt.toISOString() });

  return {
    /** The stored report when fresh; otherwise starts computing it and says so. */
    async answer(
      idOrCode: string,
      refresh = false,
    ): Promise<{ pilot: Pilot; answer: AnalysisAnswer<PilotReportData> } | undefined> {
      const pilot = await pilots.pilot(idOrCode);
      if (!pilot) return undefined;
      const found = await options.analyses.answer('pilot_metrics', question(pilot), () => evidence(pilot), {
        refresh,
      });
      const answer: AnalysisAnswer<PilotReportData> =
        found.status === 'ready'
          ? { ...found, result: await withScorecard(pilot, found.result) }
          : found.status === 'computing'
            ? {
                ...found,
                previous: found.previous && {
                  ...found.previous,
                  result: await withScorecard(pilot, found.previous.result),
                },
              }
            : found;
      return { pilot, answer };
    },

    /** Computes the report now (the CLI). */
    async compute(idOrCode: string): Promise<{ pilot: Pilot; report: PilotReportData }> {
      const pilot = await pilots.pilot(idOrCode);
      if (!pilot) throw notFound('pilot', idOrCode);
      const found = await options.analyses.compute('pilot_metrics', question(pilot), () => evidence(pilot));
      return { pilot, report: await withScorecard(pilot, found) };
    },
  };
}

export type PilotReports = ReturnType<typeof createPilotReports>;

function hoursOn(hours: readonly WorkingHours[], weekday: number): number {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return hours
    .filter((h) => h.weekday === weekday)
    .reduce((sum, h) => sum + (minutes(h.end) - minutes(h.start)) / 60, 0);
}
