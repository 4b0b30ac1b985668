import { ChannelPilotError, type Segment, type Stores } from '../../core/index.ts';
import { markDueSent } from './demo-outbox.ts';
import {
  createPilotDesk,
  drawBucket,
  drawnArm,
  standardReasons,
  type Arm,
  type Objective,
  type Pilot,
} from '../../core/evidence.ts';
import { isoDate, romeDay, romeTime } from './demo-calendar.ts';
import type { CustomerProfile } from './demo-customers.ts';
import { billReasons, paymentReasons, type Reason } from './demo-flows.ts';
import type { DemoRandom } from './demo-random.ts';
import { voiceAssistantChannel } from '../../voice/index.ts';
import { videoChannel } from '../../video/index.ts';

const DAY_MS = 86_400_000;

/** A pilot of the demo, and how its cohort takes to the channel. */
export interface DemoPilotPlan {
  code: string;
  name: string;
  channel: 'voice_assistant' | 'video';
  touchpoint: string;
  reasons: readonly Reason[];
  segments: Segment[];
  rolloutPercent: number;
  controlPercent: number;
  /** Started this many weeks before the dataset's end, and ends this many weeks after it. */
  weeksRun: number;
  weeksLeft: number;
  objectives: Objective[];
  closingSurvey: boolean;
  /** Customers outside the cohort may use the channel too (never its control group). */
  openToEveryone: boolean;
  /** Share of the pilot arm who take the channel up, within `firstUseDays` of the invitation. */
  adoption: number;
  firstUseDays: number;
  /**
   * Share of an adopter's contacts for a reason the pilot serves that happen on the pilot channel
   * instead, by where they would have happened ('channel/touchpoint'; elsewhere: none).
   */
  takesOver: Record<string, number>;
}

export const demoPilotPlans: readonly DemoPilotPlan[] = [
  {
    code: 'alexa_bills',
    name: 'Alexa for bills and consultations',
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    reasons: [...billReasons, ...paymentReasons],
    segments: ['residential', 'family', 'young'],
    rolloutPercent: 20,
    controlPercent: 20,
    weeksRun: 8,
    weeksLeft: 4,
    objectives: [
      { metric: 'containment', comparison: 'at_least', threshold: 0.5 },
      { metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.05 },
      { metric: 'nps', comparison: 'at_least', threshold: 10 },
    ],
    closingSurvey: true,
    // An open trial with a control group held back, so that anyone demoing the assistant is served.
    openToEveryone: true,
    adoption: 0.35,
    firstUseDays: 14,
    // Calls most of all: that is what the assistant is for.
    takesOver: {
      'call_centre/ivr': 0.85,
      'call_centre/agent': 0.85,
      'email/inbox': 0.5,
      'web/self_service': 0.4,
      'web/payment_page': 0.4,
    },
  },
  {
    code: 'video_advice',
    name: 'Video consultations for billing questions',
    channel: 'video',
    touchpoint: 'consultation',
    reasons: ['bill_explanation', 'payment', 'payment_plan'],
    segments: ['senior', 'small_business'],
    rolloutPercent: 15,
    controlPercent: 15,
    weeksRun: 6,
    weeksLeft: 6,
    objectives: [
      { metric: 'taskCompletion', comparison: 'at_least', threshold: 0.7 },
      { metric: 'noShow', comparison: 'at_most', threshold: 0.15 },
      { metric: 'csat', comparison: 'at_least', threshold: 4 },
    ],
    closingSurvey: false,
    openToEveryone: false,
    adoption: 0.25,
    firstUseDays: 14,
    // Conversations with a person: agents' calls, counter visits, written complaints.
    takesOver: {
      'call_centre/agent': 0.9,
      'shop/counter': 0.9,
      'email/inbox': 0.7,
      'paper_mail/letter': 0.7,
      'web/contact_form': 0.7,
    },
  },
];

/** A demo pilot once running: its cohort as the draw made it, and who took the channel up when. */
export interface RunningDemoPilot {
  plan: DemoPilotPlan;
  pilot: Pilot;
  /** The first instant of the pilot's first day: the start of the period its metrics measure. */
  periodStart: number;
  /** When it was started and its invitations went out. */
  startedAt: Date;
  arms: Map<string, Arm>;
  /** Pilot-arm customers who use the channel, from this instant on. */
  adopters: Map<string, number>;
  invitations: number;
}

/**
 * Defines the demo pilots through the pilot desk, each on its start day: starting one enrols
 * its cohort by the desk's draw, and its invitations are queued and sent that morning.
 */
export async function startDemoPilots(options: {
  stores: Stores;
  now: Date;
  customers: readonly CustomerProfile[];
  random: DemoRandom;
  plans?: readonly DemoPilotPlan[];
}): Promise<RunningDemoPilot[]> {
  const { stores, random } = options;
  const plans = [...(options.plans ?? demoPilotPlans)].sort((a, b) => b.weeksRun - a.weeksRun);
  for (const channel of [voiceAssistantChannel, videoChannel].filter((c) =>
    plans.some((p) => p.channel === c.code),
  )) {
    if (!(await stores.channels.channel(channel.code))) await stores.channels.register(channel);
  }
  // The pilots' reasons are the catalogue's: a database never served has none yet.
  await stores.reasons.ensure(standardReasons);
  let at = options.now;
  const desk = createPilotDesk({
    pilots: stores.pilots,
    log: stores.pilotLog,
    channels: stores.channels,
    reasons: stores.reasons,
    customers: stores.customers,
    outbox: stores.outbox,
    clock: { now: () => at },
  });
  const today = romeDay(options.now);
  const running: RunningDemoPilot[] = [];
  for (const plan of plans) {
    const startsOn = isoDate(today - plan.weeksRun * 7);
    at = romeTime(startsOn, 9);
    const defined = await desk.define({
      code: plan.code,
      name: plan.name,
      channel: plan.channel,
      touchpoints: [plan.touchpoint],
      reasons: [...plan.reasons],
      objectives: plan.objectives,
      startsOn,
      endsOn: isoDate(today + plan.weeksLeft * 7),
      cohort: {
        segments: plan.segments,
        rolloutPercent: plan.rolloutPercent,
        controlPercent: plan.controlPercent,
      },
      closingSurvey: plan.closingSurvey,
      openToEveryone: plan.openToEveryone,
    });
    const { pilot } = await desk.transition(defined.id, 'running');
    await desk.inviteAll();
    // The invitations went out the morning the pilot started.
    const invitations = await markDueSent(stores.outbox, at);
    const arms = drawnArms(pilot, options.customers);
    await checkCohort(stores, pilot, arms);
    // Those who get in touch more often have more reason to try the new channel.
    const arm = options.customers.filter((c) => arms.get(c.id) === 'pilot');
    const pull = (c: CustomerProfile) => Math.sqrt(c.activity);
    const meanPull = arm.reduce((sum, c) => sum + pull(c), 0) / Math.max(1, arm.length);
    const adopters = new Map<string, number>();
    for (const customer of arm) {
      if (!random.chance(Math.min(0.95, (plan.adoption * pull(customer)) / meanPull))) continue;
      adopters.set(customer.id, at.getTime() + Math.floor(random.next() * plan.firstUseDays * DAY_MS));
    }
    running.push({
      plan,
      pilot,
      periodStart: romeTime(startsOn, 0).getTime(),
      startedAt: at,
      arms,
      adopters,
      invitations,
    });
  }
  return running;
}

/** The arms the desk's draw gave, by core's reference of the draw that storage runs in SQL. */
function drawnArms(pilot: Pilot, customers: readonly CustomerProfile[]): Map<string, Arm> {
  const arms = new Map<string, Arm>();
  const segments = new Set<string>(pilot.cohort.segments);
  for (const customer of customers) {
    if (segments.size > 0 && !segments.has(customer.segment)) continue;
    const arm = drawnArm(drawBucket(pilot.id, customer.id), pilot.cohort);
    if (arm) arms.set(customer.id, arm);
  }
  return arms;
}

async function checkCohort(stores: Stores, pilot: Pilot, arms: Map<string, Arm>): Promise<void> {
  const stored = await stores.pilots.cohortSize(pilot.id);
  const drawn = { pilot: 0, control: 0 };
  for (const arm of arms.values()) drawn[arm]++;
  if (stored.pilot !== drawn.pilot || stored.control !== drawn.control) {
    throw new ChannelPilotError(
      'internal',
      `pilot ${pilot.code}: the desk enrolled ${stored.pilot} + ${stored.control}, the seed expected ${drawn.pilot} + ${drawn.control}`,
      { hint: "core's drawBucket and the store's SQL draw disagree" },
    );
  }
}
