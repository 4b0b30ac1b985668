import { z } from 'zod';
import { parseInput, notFound, segments, type StaffUser } from '../../core/index.ts';
import {
  CensusFilter,
  CensusFilterFields,
  PilotInput,
  PilotRatingInput,
  censusForManagers,
  cohortSizeForManagers,
  criteria,
  mapAnswer,
  pilotReportForManagers,
  objectiveMetrics,
  pilotChangeActions,
  pilotStatuses,
  staffActor,
  type AnalysisAnswer,
  type Census,
  type PilotDesk,
  type PilotReports,
  type PilotStore,
} from '../../core/evidence.ts';
import type { createApi } from './api.ts';

const DateTime = z.iso.datetime({ offset: true });

export const PilotSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    channel: z.string(),
    touchpoints: z.array(z.string()),
    reasons: z.array(z.string()),
    objectives: z.array(
      z.object({
        metric: z.enum(objectiveMetrics),
        comparison: z.enum(['at_least', 'at_most']),
        threshold: z.number(),
      }),
    ),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    status: z.enum(pilotStatuses),
    cohort: z.object({
      segments: z.array(z.enum(segments)),
      customerIds: z.array(z.uuid()),
      rolloutPercent: z.number(),
      controlPercent: z.number(),
    }),
    openToEveryone: z.boolean(),
    closingSurvey: z.boolean(),
    withinDays: z.number().int(),
    advisorShare: z.number(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .meta({ id: 'Pilot' });

const count = z.number().int();
const share = z.number().nullable();
const LiveChatFiguresSchema = z
  .object({
    conversations: count,
    bot: z.object({
      ended: count,
      contained: count,
      containment: share,
      offline: z.object({ callback: count, email: count }),
    }),
    queue: z.object({
      queued: count,
      answered: count,
      averageWaitSeconds: share,
      p90WaitSeconds: share,
      abandoned: count,
      abandonment: share,
    }),
    handleTime: z.object({ n: count, averageSeconds: share }),
    csat: z.object({ answers: count, average: share, satisfied: share }),
  })
  .meta({
    id: 'LiveChatFigures',
    description: 'the live chat’s own figures (see the README’s Live chat section)',
  });
const CensusSchema = z
  .object({
    filter: z.object({
      from: z.iso.date(),
      to: z.iso.date(),
      segment: z.string().optional(),
      reason: z.string().optional(),
      withinDays: count,
    }),
    totals: z.object({ contacts: count, customers: count, anonymousContacts: count }),
    reach: z.object({ exact: z.boolean(), relativeStandardError: z.number() }).meta({
      description: 'whether customer counts are exact, or estimated with this relative standard error',
    }),
    channels: z.array(
      z.object({
        channel: z.string(),
        contacts: count,
        customers: count,
        timedContacts: count,
        averageHandleSeconds: z.number().nullable(),
      }),
    ),
    heatmap: z.array(z.object({ channel: z.string(), weekday: count, hour: count, contacts: count })),
    reasons: z.array(z.object({ channel: z.string(), reason: z.string(), contacts: count })),
    weekly: z.array(z.object({ week: z.iso.date(), channel: z.string(), contacts: count })),
    transitions: z.array(z.object({ from: z.string(), to: z.string().nullable(), contacts: count })),
    steps: z.array(z.object({ step: count, channel: z.string(), contacts: count })),
    liveChat: LiveChatFiguresSchema.nullable(),
  })
  .meta({ id: 'Census' });

/** An analysis answer: ready, still computing (with the last answer, if any), or failed. */
const answerOf = <T extends z.ZodType>(result: T, id: string) =>
  z
    .discriminatedUnion('status', [
      z.object({ status: z.literal('ready'), result, computedAt: DateTime }),
      z.object({
        status: z.literal('computing'),
        startedAt: DateTime,
        previous: z.object({ result, computedAt: DateTime }).nullable(),
      }),
      z.object({ status: z.literal('failed'), error: z.string(), failedAt: DateTime }),
    ])
    .meta({ id });

// The report is large and described in the README; its top level is what clients branch on.
const ReportSchema = z
  .looseObject({
    metrics: z.looseObject({ pilotId: z.uuid(), contacts: count }),
    capacity: z.looseObject({ staffed: z.boolean(), largestCohort: count.nullable() }),
    relevance: z.looseObject({ share: z.number().nullable() }),
    scorecard: z.looseObject({
      recommendation: z.enum(['go', 'extend', 'stop', 'not_started']),
      reasons: z.array(z.string()),
      criteria: z.array(z.looseObject({ criterion: z.enum(criteria), verdict: z.string() })),
    }),
  })
  .meta({ id: 'PilotReport' });

const ByPilot = z.object({ id: z.string().min(1).max(80) });

/** Census, pilots and their reports, for pilot managers. */
export function registerPilotRoutes(
  api: ReturnType<typeof createApi>,
  deps: {
    pilots: PilotStore;
    desk: PilotDesk;
    reports: PilotReports;
    census: (filter: CensusFilter, refresh: boolean) => Promise<AnalysisAnswer<Census>>;
    /** The fewest customers a figure shown to pilot managers may be about (admins see all). */
    minimumGroup: number;
  },
): void {
  const { pilots, desk, reports, minimumGroup } = deps;
  const manager = (staff: StaffUser | undefined) => staff?.role === 'pilot_manager';
  const censusFor = async (staff: StaffUser | undefined, answer: Promise<AnalysisAnswer<Census>>) =>
    manager(staff) ? mapAnswer(await answer, (c) => censusForManagers(c, minimumGroup)) : answer;

  const CensusAnswerSchema = answerOf(CensusSchema, 'CensusAnswer');
  api.route({
    method: 'get',
    path: '/api/census',
    summary:
      'The census of the channels for a date range (segment, reason optional); computed when asked (ready in the answer) and kept a minute',
    tag: 'census',
    permission: 'pilots:read',
    query: CensusFilterFields,
    response: CensusAnswerSchema,
    handler: ({ query, staff }) =>
      censusFor(staff, deps.census(parseInput(CensusFilter, query, 'census filter'), false)),
  });

  api.route({
    method: 'post',
    path: '/api/census/refresh',
    summary: 'Compute the census for a filter again, from the interaction log as it is now',
    tag: 'census',
    permission: 'pilots:read',
    body: CensusFilterFields,
    response: CensusAnswerSchema,
    handler: ({ body, staff }) =>
      censusFor(staff, deps.census(parseInput(CensusFilter, body, 'census filter'), true)),
  });

  api.route({
    method: 'get',
    path: '/api/pilots',
    summary: 'Every pilot, newest first',
    tag: 'pilots',
    permission: 'pilots:read',
    response: z.array(PilotSchema),
    handler: () => pilots.pilots(),
  });

  api.route({
    method: 'post',
    path: '/api/pilots',
    summary: 'Define a pilot (as a draft)',
    tag: 'pilots',
    permission: 'pilots:write',
    body: PilotInput,
    response: PilotSchema,
    status: 201,
    handler: ({ body, staff }) => desk.define(body, staffActor(staff)),
  });

  api.route({
    method: 'get',
    path: '/api/pilots/:id',
    summary: 'A pilot, by id or code, with the size of its cohort',
    tag: 'pilots',
    permission: 'pilots:read',
    params: ByPilot,
    response: PilotSchema.extend({
      enrolled: z
        .object({
          pilot: count.nullable(),
          control: count.nullable(),
          explicit: count.nullable(),
          invited: count.nullable(),
        })
        .meta({ description: 'null: fewer customers than pilot managers may see counted (admins see all)' }),
    }),
    async handler({ params, staff }) {
      const pilot = await desk.find(params.id);
      const enrolled = await pilots.cohortSize(pilot.id);
      return {
        ...pilot,
        enrolled: manager(staff) ? cohortSizeForManagers(enrolled, minimumGroup) : enrolled,
      };
    },
  });

  api.route({
    method: 'put',
    path: '/api/pilots/:id',
    summary: "Revise a pilot's definition; once started, its cohort may only widen",
    tag: 'pilots',
    permission: 'pilots:write',
    params: ByPilot,
    body: PilotInput,
    response: PilotSchema,
    handler: ({ params, body, staff }) => desk.revise(params.id, body, staffActor(staff)),
  });

  api.route({
    method: 'post',
    path: '/api/pilots/:id/status',
    summary:
      'Start, pause, resume or end a pilot; starting enrols the cohort, whose pilot arm is then invited',
    tag: 'pilots',
    permission: 'pilots:write',
    params: ByPilot,
    body: z.object({ status: z.enum(pilotStatuses) }),
    response: z.object({ pilot: PilotSchema, enrolled: count }),
    handler: ({ params, body, staff }) => desk.transition(params.id, body.status, staffActor(staff)),
  });

  api.route({
    method: 'put',
    path: '/api/pilots/:id/ratings/:criterion',
    summary: "The pilot manager's rating (1–5) of one criterion, with a note",
    tag: 'pilots',
    permission: 'pilots:write',
    params: ByPilot.extend({ criterion: z.enum(criteria) }),
    body: PilotRatingInput.omit({ criterion: true }),
    response: null,
    status: 204,
    handler: ({ params, body, staff }) =>
      desk.rate(params.id, { ...body, criterion: params.criterion }, staffActor(staff)),
  });

  api.route({
    method: 'get',
    path: '/api/pilots/:id/changes',
    summary: "A pilot's audit trail: who defined, revised, started, paused, ended or rated it, and when",
    tag: 'pilots',
    permission: 'pilots:read',
    params: ByPilot,
    response: z.array(
      z
        .object({
          at: DateTime,
          actor: z.object({ id: z.uuid().nullable(), name: z.string() }),
          action: z.enum(pilotChangeActions),
          summary: z.string(),
        })
        .meta({ id: 'PilotChange' }),
    ),
    async handler({ params }) {
      return (await desk.changes(params.id)).map((c) => ({
        at: c.at,
        actor: c.actor,
        action: c.action,
        summary: c.summary,
      }));
    },
  });

  const ReportAnswerSchema = answerOf(ReportSchema, 'PilotReportAnswer');
  const report = async (id: string, refresh: boolean, staff: StaffUser | undefined) => {
    const found = await reports.answer(id, refresh);
    if (!found) throw notFound('pilot', id);
    return manager(staff)
      ? mapAnswer(found.answer, (r) => pilotReportForManagers(r, minimumGroup))
      : found.answer;
  };
  api.route({
    method: 'get',
    path: '/api/pilots/:id/report',
    summary:
      "A pilot's metrics, capacity and scorecard; computed in the background when not known yet: poll until status is ready",
    tag: 'pilots',
    permission: 'pilots:read',
    params: ByPilot,
    response: ReportAnswerSchema,
    handler: ({ params, staff }) => report(params.id, false, staff),
  });

  api.route({
    method: 'post',
    path: '/api/pilots/:id/report/refresh',
    summary: "Compute a pilot's metrics, capacity and scorecard again",
    tag: 'pilots',
    permission: 'pilots:read',
    params: ByPilot,
    response: ReportAnswerSchema,
    handler: ({ params, staff }) => report(params.id, true, staff),
  });
}
