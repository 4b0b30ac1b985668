import { type Stores } from '../../core/index.ts';
import {
  BILL_STYLE_CHANNEL,
  type BillCommunication,
  type BillMedium,
  type BillStyle,
  type StylePilotDesign,
} from '../../core/services.ts';
import { PilotInput, type Pilot } from '../../core/evidence.ts';
import type { BillsChannel } from '../../bills/index.ts';
import { isoDate, romeDay, romeTime } from './demo-calendar.ts';
import { createDemoRandom, type DemoRandom } from './demo-random.ts';
import { markDueSent } from './demo-outbox.ts';

// The demo's bill style pilot: started a few weeks before the dataset ends, every bill of its
// customers issued since then sent through the bill sender on its issue day, in the style of the
// customer's arm, and some customers opening their bill's link in the days after. The payments and the
// contacts were already in the dataset: the report measures them as they fall.

const DAY_MS = 86_400_000;
/** The random stream of the style pilot's openings (the dataset's own streams are 1–6). */
export const DEMO_STYLE_STREAM = 7;

/**
 * Ids for the style pilot the demo defines: the same seed, the same pilot id, so the same
 * customers are drawn into its arms run after run.
 */
export function demoStylePilotIds(seed: number): () => string {
  return createDemoRandom(seed, DEMO_STYLE_STREAM + 1).uuid;
}
const WEEKS_RUN = 5;

export const demoStyleDesign: StylePilotDesign = {
  arms: [
    { code: 'paper_qr', style: 'active', percent: 10 },
    { code: 'responsive_email', style: 'reactive', percent: 10 },
  ],
  control: { style: 'passive', percent: 10 },
};

/** Share of a style's bills whose link gets opened, by the medium it went on. */
const opens: Record<BillStyle, Record<BillMedium, number>> = {
  reactive: { email: 0.46, sms: 0.38, post: 0.06 },
  active: { email: 0.3, sms: 0.34, post: 0.1 },
  passive: { email: 0.14, sms: 0.2, post: 0.03 },
};

export interface DemoStylePilotSummary {
  pilot: Pilot;
  communications: number;
  opened: number;
  /** NPS answers about those visits to the bill's page. */
  answers: number;
}

/**
 * Starts the demo's style pilot and sends its customers' bills of its weeks through the bill
 * sender, each on its issue day (the clock is moved there), then opens some links. `setNow` moves the clock the
 * composed channel reads.
 */
export async function runDemoStylePilot(options: {
  stores: Pick<Stores, 'pilots' | 'billing' | 'surveys' | 'outbox'>;
  bills: Pick<BillsChannel, 'communications' | 'billLinks' | 'sender'>;
  setNow: (at: Date) => void;
  now: Date;
  random: DemoRandom;
}): Promise<DemoStylePilotSummary> {
  const { stores, bills, setNow, now, random } = options;
  const { billing } = stores;
  const today = romeDay(now);
  const startsOn = isoDate(today - WEEKS_RUN * 7);
  const started = romeTime(startsOn, 7);
  setNow(started);
  const created = await stores.pilots.create(
    PilotInput.parse({
      code: 'bill_styles',
      name: 'Bill styles: QR paper and responsive e-mail',
      channel: BILL_STYLE_CHANNEL,
      touchpoints: ['active', 'reactive'],
      reasons: ['bill_issued', 'bill_explanation', 'bill_copy', 'payment'],
      startsOn,
      endsOn: isoDate(today + 8 * 7),
      withinDays: 30,
    }),
    started,
  );
  await bills.communications.saveDesign(created.id, demoStyleDesign);
  const pilot = await stores.pilots.setStatus(created.id, 'draft', 'running', started);

  // The bills of the pilot's customers, each sent on its issue day as the billing run sends it; the
  // other customers' bills were sent before the kit came (a first start stays short).
  const sent: BillCommunication[] = [];
  for (let day = today - WEEKS_RUN * 7; day < today; day++) {
    const run = romeTime(isoDate(day), 6, 30);
    setNow(run);
    for (const billId of await bills.communications.uncommunicated(isoDate(day), 100_000)) {
      const bill = await billing.bill(billId);
      const choice = bill && (await bills.sender.chooseStyle(bill.customerId));
      if (choice?.arm) sent.push((await bills.sender.send(billId, choice)).communication);
    }
    // Their e-mails and text messages went out that morning.
    await markDueSent(stores.outbox, run);
  }
  // Openings in time order, so that the clock only moves forward.
  const openings = sent
    .filter((c) => random.chance(opens[c.style][c.medium]))
    .map((c) => ({
      communication: c,
      at: new Date(c.createdAt.getTime() + random.logNormal(0.6, 1) * DAY_MS),
    }))
    .filter((o) => o.at < now)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let answers = 0;
  for (const { communication, at } of openings) {
    setNow(at);
    const token = decodeURIComponent(
      new URL(bills.billLinks.url(communication)).pathname.slice('/b/'.length),
    );
    const page = await bills.billLinks.open(token);
    // Some answer a survey about the visit afterwards (the kit's bill page asks none itself); the
    // responsive e-mail's readers a little more kindly.
    if (random.chance(0.35)) {
      const lean = communication.style === 'reactive' ? 1 : communication.style === 'active' ? 0.5 : 0;
      const score = Math.max(0, Math.min(10, Math.round(7 + lean + random.normal() * 2.2)));
      await stores.surveys.record({
        interactionId: page.opening.id,
        metric: 'nps',
        score,
        answeredAt: new Date(at.getTime() + 3 * 60_000),
      });
      answers += 1;
    }
  }
  setNow(now);
  return { pilot, communications: sent.length, opened: openings.length, answers };
}
