import { surveyScales } from './surveys.ts';

/**
 * One part of a chat as the log holds it: the bot's part (every chat has one) or the advisor's
 * (a chat handed off), with the facts the chat wrote on it and its CSAT answer, if any.
 */
export interface LiveChatPartRow {
  part: 'bot' | 'advisor';
  outcome: string;
  /** `contained`, `queueWaitMs`, `assignedAt`, `abandonedWhileWaiting`, `handleMs`, `offline`… */
  details: Record<string, unknown>;
  csat: number | null;
}

/**
 * What the log says about live chat over a period. A chat still going on (its part still
 * `continued`) counts in `conversations` only.
 */
export interface LiveChatFigures {
  /** Chats started (their bot parts). */
  conversations: number;
  bot: {
    /** Chats whose bot part has ended: closed in the bot's hands or handed on. */
    ended: number;
    /** Of those, closed in the bot's hands without asking for a person. */
    contained: number;
    /** contained ÷ ended. */
    containment: number | null;
    /** Handed on outside hours, to a callback or to e-mail. */
    offline: { callback: number; email: number };
  };
  queue: {
    /** Chats handed to the queue. */
    queued: number;
    /** Of those, taken by an advisor; their waits make the average and the 90th percentile. */
    answered: number;
    averageWaitSeconds: number | null;
    /** The nearest-rank 90th percentile: the wait 90% of answered chats did not exceed. */
    p90WaitSeconds: number | null;
    /** Left by the visitor while waiting. */
    abandoned: number;
    /** abandoned ÷ (answered + abandoned): of the chats that left the queue, the share that gave up. */
    abandonment: number | null;
  };
  /** Advisor parts closed after an advisor took them: assignment to close. */
  handleTime: { n: number; averageSeconds: number | null };
  /** Answers to the CSAT question (1–5) at the end of the chats. */
  csat: {
    answers: number;
    average: number | null;
    /** Answers of 4 or 5, as a share of the answers. */
    satisfied: number | null;
  };
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
const seconds = (ms: unknown) => (typeof ms === 'number' ? ms / 1000 : null);

/** The nearest-rank percentile `p` (0–100) of the values; null without values. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The live chat's figures from the parts the chat logged (see LiveChatFigures). */
export function liveChatFigures(rows: readonly LiveChatPartRow[]): LiveChatFigures {
  const bots = rows.filter((r) => r.part === 'bot');
  const advisors = rows.filter((r) => r.part === 'advisor');
  const ended = bots.filter((r) => r.outcome !== 'continued');
  const contained = ended.filter((r) => r.details.contained === true).length;
  const waits = advisors
    .filter((r) => typeof r.details.assignedAt === 'string')
    .map((r) => seconds(r.details.queueWaitMs))
    .filter((s): s is number => s !== null);
  const abandoned = advisors.filter((r) => r.details.abandonedWhileWaiting === true).length;
  const handles = advisors
    .filter((r) => r.outcome !== 'continued')
    .map((r) => seconds(r.details.handleMs))
    .filter((s): s is number => s !== null);
  const scores = rows.map((r) => r.csat).filter((s): s is number => s !== null);
  const [, top] = surveyScales.csat;
  return {
    conversations: bots.length,
    bot: {
      ended: ended.length,
      contained,
      containment: share(contained, ended.length),
      offline: {
        callback: ended.filter((r) => r.details.offline === 'callback').length,
        email: ended.filter((r) => r.details.offline === 'email').length,
      },
    },
    queue: {
      queued: advisors.length,
      answered: waits.length,
      averageWaitSeconds: mean(waits),
      p90WaitSeconds: nearestRank(waits, 90),
      abandoned,
      abandonment: share(abandoned, waits.length + abandoned),
    },
    handleTime: { n: handles.length, averageSeconds: mean(handles) },
    csat: {
      answers: scores.length,
      average: mean(scores),
      satisfied: share(scores.filter((s) => s >= top - 1).length, scores.length),
    },
  };
}

/** Port: the live chat's parts over a period, of everyone or of one pilot's pilot arm. */
export interface LiveChatPartsSource {
  /**
   * Parts that started in [from, to); with `segment`, of that segment's customers only; with
   * `reason`, of that contact reason; with `pilotId`, of that pilot's pilot arm.
   */
  parts(options: {
    from: Date;
    to: Date;
    segment?: string | undefined;
    reason?: string | undefined;
    pilotId?: string;
  }): Promise<LiveChatPartRow[]>;
}
