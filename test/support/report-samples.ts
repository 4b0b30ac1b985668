import type { Census } from '../../core/census.ts';
import type { Pilot } from '../../core/pilots.ts';
import type { AdjustedComparison, WeeklyFigures } from '../../core/pilot-metrics.ts';
import type { PilotRating } from '../../core/pilots.ts';
import type { PilotReportData } from '../../core/scorecard.ts';
import { evaluateScorecard } from '../../core/scorecard-rules.ts';
import { compareSummaries } from '../../core/statistics.ts';

// Realistic, hand-shaped figures for the manager pages: twelve weeks of a utility's existing
// channels, and a video-consultation pilot half-way through. Every breakdown of the census adds
// up to the same channel totals, as a computed census would.

/** Splits `total` over `weights` in whole numbers that add up to `total` (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i] = (out[i] as number) + 1;
    left--;
  }
  return out;
}

const hours = (open: number, close: number, peaks: Record<number, number> = {}) =>
  Array.from({ length: 24 }, (_, h) => (h >= open && h < close ? (peaks[h] ?? 1) : 0));

interface ChannelShape {
  channel: string;
  contacts: number;
  weekdays: number[];
  hours: (weekday: number) => number[];
  anonymousShare: number;
  contactsPerCustomer: number;
  averageHandleSeconds: number | null;
  timedShare: number;
  reasons: Record<string, number>;
  /** Next contact for the same reason within 7 days: channel → weight; `none` for no next contact. */
  next: Record<string, number>;
  steps: [number, number, number, number];
}

const shapes: ChannelShape[] = [
  {
    channel: 'call_centre',
    contacts: 71_400,
    weekdays: [1.25, 1.05, 1, 0.98, 0.92, 0.35, 0],
    hours: (d) =>
      d === 6
        ? hours(9, 13)
        : hours(8, 20, { 9: 1.7, 10: 1.8, 11: 1.5, 12: 0.9, 13: 0.7, 14: 1.3, 15: 1.4, 16: 1.2, 19: 0.6 }),
    anonymousShare: 0.11,
    contactsPerCustomer: 1.55,
    averageHandleSeconds: 372,
    timedShare: 0.97,
    reasons: {
      billing_question: 34,
      payment: 18,
      meter_reading: 9,
      contract_change: 12,
      outage: 8,
      move_home: 7,
      complaint: 12,
    },
    next: { none: 71, call_centre: 14, web: 7, email: 4, shop: 3, sms: 1 },
    steps: [58, 26, 10, 6],
  },
  {
    channel: 'web',
    contacts: 52_800,
    weekdays: [1.1, 1.05, 1, 1, 0.95, 0.8, 0.85],
    hours: () =>
      hours(0, 24, {
        0: 0.3,
        1: 0.15,
        2: 0.1,
        3: 0.08,
        4: 0.08,
        5: 0.15,
        6: 0.4,
        7: 0.8,
        12: 1.2,
        13: 1.3,
        19: 1.5,
        20: 1.7,
        21: 1.6,
        22: 1.1,
        23: 0.6,
      }),
    anonymousShare: 0.04,
    contactsPerCustomer: 2.1,
    averageHandleSeconds: 214,
    timedShare: 0.88,
    reasons: {
      billing_question: 28,
      payment: 36,
      meter_reading: 22,
      contract_change: 7,
      outage: 2,
      move_home: 4,
      complaint: 1,
    },
    next: { none: 76, call_centre: 13, web: 8, email: 2, shop: 1 },
    steps: [71, 18, 7, 4],
  },
  {
    channel: 'email',
    contacts: 14_300,
    weekdays: [1.2, 1.1, 1, 1, 1, 0.5, 0.45],
    hours: () =>
      hours(0, 24, {
        0: 0.2,
        1: 0.1,
        2: 0.1,
        3: 0.1,
        4: 0.1,
        5: 0.2,
        6: 0.4,
        9: 1.6,
        10: 1.7,
        11: 1.5,
        14: 1.4,
        15: 1.4,
        22: 0.6,
        23: 0.4,
      }),
    anonymousShare: 0,
    contactsPerCustomer: 1.4,
    averageHandleSeconds: 540,
    timedShare: 0.62,
    reasons: {
      billing_question: 30,
      payment: 10,
      meter_reading: 6,
      contract_change: 22,
      outage: 3,
      move_home: 14,
      complaint: 15,
    },
    next: { none: 64, email: 16, call_centre: 15, web: 4, shop: 1 },
    steps: [49, 30, 13, 8],
  },
  {
    channel: 'shop',
    contacts: 9_200,
    weekdays: [0.9, 1, 1, 1, 1.1, 1.4, 0],
    hours: () => hours(9, 19, { 13: 0, 14: 0, 10: 1.3, 11: 1.5, 17: 1.4, 18: 1.2 }),
    anonymousShare: 0.22,
    contactsPerCustomer: 1.2,
    averageHandleSeconds: 690,
    timedShare: 0.45,
    reasons: {
      billing_question: 18,
      payment: 21,
      meter_reading: 2,
      contract_change: 31,
      outage: 1,
      move_home: 22,
      complaint: 5,
    },
    next: { none: 82, call_centre: 9, shop: 5, web: 4 },
    steps: [52, 28, 12, 8],
  },
  {
    channel: 'sms',
    contacts: 3_600,
    weekdays: [1, 1, 1, 1, 1, 0.7, 0.6],
    hours: () => hours(7, 23, { 8: 1.3, 9: 1.4, 18: 1.3, 19: 1.3 }),
    anonymousShare: 0,
    contactsPerCustomer: 1.1,
    averageHandleSeconds: null,
    timedShare: 0,
    reasons: { payment: 55, meter_reading: 30, outage: 15 },
    next: { none: 60, web: 28, call_centre: 12 },
    steps: [40, 36, 16, 8],
  },
  {
    channel: 'paper_mail',
    contacts: 780,
    weekdays: [1, 1, 1, 1, 1, 0, 0],
    hours: () => hours(9, 13),
    anonymousShare: 0,
    contactsPerCustomer: 1.05,
    // Letters are answered in days: the time to the answer.
    averageHandleSeconds: 788_400,
    timedShare: 0.9,
    reasons: { complaint: 38, contract_change: 34, move_home: 18, billing_question: 10 },
    next: { none: 70, call_centre: 22, paper_mail: 8 },
    steps: [44, 31, 15, 10],
  },
];

const weeks = [
  '2025-12-15',
  '2025-12-22',
  '2025-12-29',
  '2026-01-05',
  '2026-01-12',
  '2026-01-19',
  '2026-01-26',
  '2026-02-02',
  '2026-02-09',
  '2026-02-16',
  '2026-02-23',
  '2026-03-02',
];
// Christmas is quiet; January's bills bring the peak; a storm in the week of 2 February.
const weekWeights = [1, 0.62, 0.7, 1.32, 1.28, 1.08, 1, 1.12, 0.98, 0.95, 0.97, 1];

/** A census of a range with no contacts at all. */
export function emptyCensus(filter: Census['filter']): Census {
  return {
    filter,
    totals: { contacts: 0, customers: 0, anonymousContacts: 0 },
    reach: { exact: true, relativeStandardError: 0 },
    channels: [],
    heatmap: [],
    reasons: [],
    weekly: [],
    transitions: [],
    steps: [],
    liveChat: null,
  };
}

function buildCensus(): Census {
  const census = emptyCensus({ from: '2025-12-15', to: '2026-03-08', withinDays: 7 });
  let customerSum = 0;
  for (const shape of shapes) {
    const cellWeights: { weekday: number; hour: number; weight: number }[] = [];
    shape.weekdays.forEach((dayWeight, i) => {
      shape.hours(i + 1).forEach((hourWeight, hour) => {
        if (dayWeight * hourWeight > 0)
          cellWeights.push({ weekday: i + 1, hour, weight: dayWeight * hourWeight });
      });
    });
    const cells = apportion(
      shape.contacts,
      cellWeights.map((c) => c.weight),
    );
    cellWeights.forEach((c, i) => {
      const contacts = cells[i] as number;
      if (contacts > 0)
        census.heatmap.push({ channel: shape.channel, weekday: c.weekday, hour: c.hour, contacts });
    });
    const contacts = shape.contacts;
    const anonymous = Math.round(contacts * shape.anonymousShare);
    const known = contacts - anonymous;
    const customers = Math.round(known / shape.contactsPerCustomer);
    customerSum += customers;
    census.channels.push({
      channel: shape.channel,
      contacts,
      customers,
      timedContacts: Math.round(contacts * shape.timedShare),
      averageHandleSeconds: shape.averageHandleSeconds,
    });
    census.totals.contacts += contacts;
    census.totals.anonymousContacts += anonymous;

    const reasonNames = Object.keys(shape.reasons);
    apportion(contacts, Object.values(shape.reasons)).forEach((n, i) => {
      if (n > 0)
        census.reasons.push({ channel: shape.channel, reason: reasonNames[i] as string, contacts: n });
    });
    apportion(contacts, weekWeights).forEach((n, i) => {
      census.weekly.push({ week: weeks[i] as string, channel: shape.channel, contacts: n });
    });
    const nextNames = Object.keys(shape.next);
    apportion(known, Object.values(shape.next)).forEach((n, i) => {
      const to = nextNames[i] as string;
      if (n > 0) census.transitions.push({ from: shape.channel, to: to === 'none' ? null : to, contacts: n });
    });
    apportion(contacts, shape.steps).forEach((n, i) => {
      if (n > 0) census.steps.push({ step: i + 1, channel: shape.channel, contacts: n });
    });
  }
  // Many customers use more than one channel.
  census.totals.customers = Math.round(customerSum * 0.74);
  return census;
}

/** Twelve weeks (Monday 15 December 2025 to Sunday 8 March 2026) of six existing channels. */
export const sampleCensus: Census = buildCensus();

export const samplePilot: Pilot = {
  id: '5f0c3f8e-8a51-4d8e-9a53-2b1f5d0e7c11',
  code: 'video_bills_2026',
  name: 'Video consultations for bill questions',
  channel: 'video',
  touchpoints: ['consultation'],
  reasons: ['billing_question', 'contract_change', 'move_home'],
  objectives: [
    { metric: 'adoption', comparison: 'at_least', threshold: 0.2 },
    { metric: 'containment', comparison: 'at_least', threshold: 0.6 },
    { metric: 'handoffContextRate', comparison: 'at_least', threshold: 0.8 },
    { metric: 'noShow', comparison: 'at_most', threshold: 0.1 },
    { metric: 'nps', comparison: 'at_least', threshold: 30 },
    { metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.1 },
  ],
  startsOn: '2026-01-12',
  endsOn: '2026-04-30',
  cohort: {
    segments: ['residential', 'family', 'senior'],
    customerIds: [],
    rolloutPercent: 10,
    controlPercent: 10,
  },
  openToEveryone: false,
  closingSurvey: true,
  withinDays: 7,
  advisorShare: 0.4,
  status: 'running',
  createdAt: new Date('2026-01-05T09:12:00Z'),
  updatedAt: new Date('2026-01-12T07:30:00Z'),
};

const estimate = (value: number | null, low: number | null, high: number | null, n: number) => ({
  value,
  low,
  high,
  n,
});

const sampleEvidence: Omit<PilotReportData, 'scorecard'> = {
  metrics: {
    liveChat: null,
    pilotId: samplePilot.id,
    channel: 'video',
    period: { from: '2026-01-12', to: '2026-03-09' },
    withinDays: 7,
    cohort: { pilot: 1_840, control: 1_820, explicit: 40, invited: 1_760 },
    sampleRatio: {
      expectedPilotShare: 0.5,
      pilot: 1_800,
      control: 1_820,
      chiSquare: 0.11,
      pValue: 0.74,
      mismatch: false,
      bySegment: [
        { segment: 'family', pilot: 601, control: 598, pValue: 0.93, mismatch: false },
        { segment: 'residential', pilot: 800, control: 812, pValue: 0.76, mismatch: false },
        { segment: 'senior', pilot: 399, control: 410, pValue: 0.7, mismatch: false },
      ],
    },
    adoption: estimate(0.214, 0.196, 0.233, 1_840),
    adoptionBySegment: [
      { segment: 'residential', enrolled: 820, adopters: 172, rate: estimate(0.21, 0.183, 0.239, 820) },
      { segment: 'family', enrolled: 610, adopters: 159, rate: estimate(0.261, 0.227, 0.296, 610) },
      { segment: 'senior', enrolled: 410, adopters: 63, rate: estimate(0.154, 0.122, 0.191, 410) },
    ],
    contacts: 512,
    containment: estimate(0.58, 0.537, 0.622, 512),
    switching: estimate(0.213, 0.179, 0.251, 512),
    switchedTo: [
      { channel: 'call_centre', contacts: 71 },
      { channel: 'email', contacts: 22 },
      { channel: 'web', contacts: 16 },
    ],
    firstContactResolution: estimate(0.521, 0.478, 0.564, 512),
    taskCompletion: estimate(0.742, 0.703, 0.778, 512),
    handoffs: {
      total: 64,
      withContext: 51,
      contextRate: estimate(0.797, 0.682, 0.877, 64),
      continuedElsewhere: 39,
    },
    handleTime: { averageSeconds: 1_262, medianSeconds: 1_140, n: 498 },
    noShow: estimate(0.081, 0.06, 0.108, 540),
    nps: { ...estimate(41.6, 32.1, 50.4, 214), promoters: 118, passives: 67, detractors: 29 },
    csat: estimate(4.31, 4.19, 4.42, 201),
    ces: estimate(2.4, 2.22, 2.58, 188),
    versusControl: {
      existingContactsPerCustomer: adjusted(1.42, 1.9, 1_800, 1.61, 2.1, 1_820),
      callCentreContactsPerCustomer: adjusted(0.88, 0.9, 1_800, 1.02, 1.0, 1_820),
      complaintsPerCustomer: adjusted(0.041, 0.045, 1_800, 0.043, 0.047, 1_820),
      nps: {
        ...compareSummaries({ n: 402, mean: 24, variance: 5_500 }, { n: 388, mean: 19, variance: 5_800 }),
        relative: null,
        answers: { pilot: 512, control: 470 },
      },
      npsChannels: ['call_centre', 'email', 'sms', 'web', 'shop', 'paper_mail'],
      minimumDetectableEffect: { absolute: 0.14, relative: 0.087 },
    },
    weekly: [
      weekOf('2026-01-12', 0.04, 0.52, 31, 0.13, 0.14, null, 3),
      weekOf('2026-01-19', 0.08, 0.55, 48, 0.12, 0.14, 38, 12),
      weekOf('2026-01-26', 0.11, 0.57, 59, 0.12, 0.13, 41, 18),
      weekOf('2026-02-02', 0.14, 0.6, 66, 0.11, 0.14, 44, 25),
      weekOf('2026-02-09', 0.16, 0.58, 70, 0.11, 0.13, 36, 28),
      weekOf('2026-02-16', 0.18, 0.59, 75, 0.1, 0.13, 43, 31),
      weekOf('2026-02-23', 0.2, 0.61, 79, 0.11, 0.14, 45, 34),
      weekOf('2026-03-02', 0.214, 0.6, 84, 0.1, 0.13, 47, 38),
    ],
  },
  capacity: {
    staffed: true,
    availableHoursPerWeek: 60,
    contactsPerCustomerWeek: 0.045,
    basis: 'observed',
    assumedTakeUp: null,
    hoursPerContact: 0.42,
    demandHoursPerWeek: 34.8,
    largestCohort: 3_174,
    largestCohortByHours: 3_174,
    eligiblePopulation: 18_400,
    limitedByPopulation: false,
    bookedShareNext14Days: 0.62,
    warnings: [
      'Mondays 9–12 are booked at 94% in the next 14 days: add advisor hours there or move the slots.',
    ],
  },
  relevance: {
    servedContacts: 52_950,
    allContacts: 152_080,
    share: 0.348,
    topReasons: [
      { reason: 'billing_question', contacts: 46_620, served: true },
      { reason: 'payment', contacts: 36_360, served: false },
      { reason: 'meter_reading', contacts: 20_300, served: false },
      { reason: 'contract_change', contacts: 17_050, served: true },
      { reason: 'complaint', contacts: 11_800, served: false },
      { reason: 'move_home', contacts: 10_820, served: true },
      { reason: 'outage', contacts: 9_130, served: false },
    ],
  },
};

/** The managers' ratings of the sample pilot. */
export const sampleRatings: PilotRating[] = [
  {
    criterion: 'capacity',
    rating: 4,
    note: 'Two more advisors join in April.',
    ratedBy: null,
    ratedAt: new Date('2026-03-02T16:00:00Z'),
  },
  {
    criterion: 'relevant',
    rating: 5,
    note: 'Bill questions are the first reason to call.',
    ratedBy: null,
    ratedAt: new Date('2026-03-02T16:05:00Z'),
  },
  {
    criterion: 'functional',
    rating: 3,
    note: 'Meter questions still end on the phone.',
    ratedBy: null,
    ratedAt: new Date('2026-03-02T16:10:00Z'),
  },
];

export const samplePilotReport: PilotReportData = {
  ...sampleEvidence,
  scorecard: evaluateScorecard(samplePilot, sampleEvidence, sampleRatings),
};

/** A comparison of contacts per customer as the tally makes it: arms' means, variances and sizes. */
function adjusted(
  pilotMean: number,
  pilotVariance: number,
  pilotN: number,
  controlMean: number,
  controlVariance: number,
  controlN: number,
): AdjustedComparison {
  const adjustedArms = compareSummaries(
    { n: pilotN, mean: pilotMean, variance: pilotVariance * 0.6 },
    { n: controlN, mean: controlMean, variance: controlVariance * 0.6 },
  );
  const plain = compareSummaries(
    { n: pilotN, mean: pilotMean + 0.01, variance: pilotVariance },
    { n: controlN, mean: controlMean, variance: controlVariance },
  );
  return {
    ...adjustedArms,
    varianceReduction: { preWeeks: 12, theta: 0.31, varianceCut: 0.4, unadjusted: plain.difference },
  };
}

function weekOf(
  week: string,
  adoption: number,
  containment: number,
  contacts: number,
  pilot: number,
  control: number,
  nps: number | null,
  npsAnswers: number,
): WeeklyFigures {
  return { week, adoption, containment, contacts, existingPerCustomer: { pilot, control }, nps, npsAnswers };
}
