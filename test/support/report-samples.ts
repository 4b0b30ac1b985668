import type { Census } from '../../core/census.ts';
import type { Pilot } from '../../core/pilots.ts';
import type { PilotReportData } from '../../core/scorecard.ts';

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
    averageHandleSeconds: 1_260,
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

export const samplePilotReport: PilotReportData = {
  metrics: {
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
      existingContactsPerCustomer: {
        pilot: estimate(1.42, 1.33, 1.51, 1_840),
        control: estimate(1.61, 1.51, 1.71, 1_820),
        difference: estimate(-0.19, -0.33, -0.05, 3_660),
        relativeChange: -0.118,
        pValue: 0.008,
        significant: true,
      },
      callCentreContactsPerCustomer: {
        pilot: estimate(0.88, 0.81, 0.95, 1_840),
        control: estimate(1.02, 0.94, 1.1, 1_820),
        difference: estimate(-0.14, -0.26, -0.02, 3_660),
        relativeChange: -0.137,
        pValue: 0.021,
        significant: true,
      },
      nps: {
        pilot: estimate(24, 16.2, 31.8, 402),
        control: estimate(19, 11.1, 26.9, 388),
        difference: estimate(5, -6, 16, 790),
        relativeChange: 0.263,
        pValue: 0.37,
        significant: false,
      },
      minimumDetectableEffect: { absolute: 0.14, relative: 0.087 },
    },
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
  scorecard: {
    recommendation: 'extend',
    reasons: [
      'Customers who use video call the call centre less (−0.14 contacts per customer, p = 0.021).',
      'Containment is 58% (54–62%), below the 60% objective, and the interval still includes it.',
      'NPS against control is not yet significant: the pilot needs more weeks to tell.',
    ],
    criteria: [
      {
        criterion: 'capacity',
        question: 'Can the team serve the cohort?',
        verdict: 'concern',
        evidence: [
          {
            label: 'Demand 34.8 h a week of 60 h available',
            metric: 'capacity.demandHoursPerWeek',
            value: 34.8,
            objective: null,
            verdict: 'pass',
          },
          {
            label: 'Booked 62% of the next 14 days',
            metric: 'capacity.bookedShareNext14Days',
            value: 0.62,
            objective: null,
            verdict: 'concern',
          },
        ],
        rating: {
          rating: 4,
          note: 'Two more advisors join in April.',
          ratedAt: new Date('2026-03-02T16:00:00Z'),
        },
      },
      {
        criterion: 'appropriate',
        question: 'Does it fit the customers, their segments and their context?',
        verdict: 'pass',
        evidence: [
          {
            label: 'Adoption 21.4% (19.6–23.3%)',
            metric: 'adoption',
            value: 0.214,
            objective: { comparison: 'at_least', threshold: 0.2 },
            verdict: 'pass',
          },
          {
            label: 'Seniors adopt at 15.4% (12.2–19.1%)',
            metric: 'adoptionBySegment.senior',
            value: 0.154,
            objective: null,
            verdict: 'concern',
          },
        ],
        rating: null,
      },
      {
        criterion: 'relevant',
        question: 'Does it serve the reasons customers really contact us for?',
        verdict: 'pass',
        evidence: [
          {
            label: 'Serves the reasons of 34.8% of contacts',
            metric: 'relevance.share',
            value: 0.348,
            objective: null,
            verdict: 'pass',
          },
        ],
        rating: {
          rating: 5,
          note: 'Bill questions are the first reason to call.',
          ratedAt: new Date('2026-03-02T16:05:00Z'),
        },
      },
      {
        criterion: 'significant',
        question: 'Does it move the objectives: fewer calls, better NPS?',
        verdict: 'concern',
        evidence: [
          {
            label: 'Call-centre contacts per customer −13.7% vs control (p = 0.021)',
            metric: 'callCentreContactsChange',
            value: -0.137,
            objective: { comparison: 'at_most', threshold: -0.1 },
            verdict: 'pass',
          },
          {
            label: 'NPS 41.6 (32.1–50.4)',
            metric: 'nps',
            value: 41.6,
            objective: { comparison: 'at_least', threshold: 30 },
            verdict: 'pass',
          },
          {
            label: 'NPS vs control +5 (−6 to +16), not significant',
            metric: 'versusControl.nps',
            value: 5,
            objective: null,
            verdict: 'unknown',
          },
        ],
        rating: null,
      },
      {
        criterion: 'functional',
        question: 'Do customers complete their tasks in it?',
        verdict: 'fail',
        evidence: [
          {
            label: 'Containment 58.0% (53.7–62.2%)',
            metric: 'containment',
            value: 0.58,
            objective: { comparison: 'at_least', threshold: 0.6 },
            verdict: 'fail',
          },
          {
            label: 'No-show 8.1% (6.0–10.8%)',
            metric: 'noShow',
            value: 0.081,
            objective: { comparison: 'at_most', threshold: 0.1 },
            verdict: 'pass',
          },
          {
            label: 'Tasks completed 74.2% (70.3–77.8%)',
            metric: 'taskCompletion',
            value: 0.742,
            objective: null,
            verdict: 'pass',
          },
        ],
        rating: {
          rating: 3,
          note: 'Meter questions still end on the phone.',
          ratedAt: new Date('2026-03-02T16:10:00Z'),
        },
      },
      {
        criterion: 'connected',
        question: 'Does it hand off to the other channels without losing context?',
        verdict: 'concern',
        evidence: [
          {
            label: 'Hand-offs with context 79.7% (68.2–87.7%)',
            metric: 'handoffContextRate',
            value: 0.797,
            objective: { comparison: 'at_least', threshold: 0.8 },
            verdict: 'concern',
          },
        ],
        rating: null,
      },
    ],
  },
};
