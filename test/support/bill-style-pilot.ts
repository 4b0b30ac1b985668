import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { type composeApp } from '../../app/compose.ts';
import { type Bill } from '../../core/index.ts';
import { BILL_STYLE_CHANNEL, type StylePilotDesign } from '../../core/services.ts';
import { PilotInput } from '../../core/evidence.ts';
import { staffPassword, staffUsers } from './fixtures.ts';
import { dualFuelEnglish, dualFuelTurin, threeSuppliesBologna, twoHomesMilan } from './households.ts';

type Composed = Awaited<ReturnType<typeof composeApp>>;

/**
 * A running bill style pilot of spring 2026 with `design`. One style pilot runs at a time: the one a
 * test that failed half-way left running is ended first.
 */
export async function startStylePilot(
  composed: Composed,
  design: StylePilotDesign,
  now: Date,
  reasons: PilotInput['reasons'] = ['billing'],
) {
  const left = await composed.stores.pilots.liveOn(
    BILL_STYLE_CHANNEL,
    '00000000-0000-4000-8000-000000000000',
  );
  if (left) await composed.stores.pilots.setStatus(left.pilot.id, left.pilot.status, 'ended', now);
  const pilot = await composed.stores.pilots.create(
    PilotInput.parse({
      code: `bill_styles_${Math.random().toString(36).slice(2, 8)}`,
      name: 'Bill styles, spring 2026',
      channel: BILL_STYLE_CHANNEL,
      touchpoints: ['reactive', 'active'],
      reasons,
      startsOn: '2026-03-01',
      endsOn: '2026-06-30',
    }),
    now,
  );
  await composed.stores.pilots.setStatus(pilot.id, 'draft', 'running', now);
  await composed.bills.communications.saveDesign(pilot.id, design);
  return pilot;
}

/**
 * Households with two and three supplies, in Italian and in English, `rounds` of each; every
 * supply's latest bill (a household's electricity and gas issued the same day) sent.
 */
export async function sendLatestBills(composed: Composed, rounds: number) {
  const homes = [];
  for (let i = 0; i < rounds; i++) {
    homes.push(
      await dualFuelTurin(composed.stores),
      await threeSuppliesBologna(composed.stores),
      await twoHomesMilan(composed.stores),
      await dualFuelEnglish(composed.stores),
    );
  }
  const latest = homes.flatMap((h) => Object.values(h.bills).map((bills) => bills.at(-1) as Bill));
  const sent = [];
  for (const bill of latest) sent.push(await composed.bills.sender.send(bill.id));
  return sent;
}

/** The session cookies of a new admin, pilot manager and advisor, each logged in on the API. */
export async function staffCookies(composed: Composed) {
  const users = await staffUsers(composed.stores);
  const login = async (username: string) => {
    const answer = await request(composed.app)
      .post('/api/auth/login')
      .send({ username, password: staffPassword })
      .expect(200);
    return String(answer.headers['set-cookie']).split(';')[0] as string;
  };
  return {
    admin: await login(users.admin.username),
    manager: await login(users.manager.username),
    advisor: await login(users.advisor.username),
  };
}

/**
 * Pays the bill whose page is at `path` through the payment link the page hands over, the
 * provider settling everything owed at `paidAt`.
 */
export async function payThroughBillPage(composed: Composed, path: string, paidAt: Date) {
  const pay = await request(composed.app).post(`${path}/pay`).expect(303);
  const payToken = decodeURIComponent(new URL(pay.headers.location as string).pathname.slice('/pay/'.length));
  const owed = await composed.paymentLinks.open(payToken);
  await composed.paymentLinks.settle({
    reference: payToken,
    checkoutId: randomUUID(),
    amountCents: owed.balance.owedCents,
    paidAt,
  });
}

/** A voice assistant pilot for billing in spring 2026: a pilot of another channel than the bill styles. */
export function voicePilot(composed: Composed, now: Date) {
  return composed.stores.pilots.create(
    PilotInput.parse({
      code: `alexa_${Math.random().toString(36).slice(2, 8)}`,
      name: 'Alexa for bills',
      channel: 'voice_assistant',
      touchpoints: ['alexa'],
      reasons: ['billing'],
      startsOn: '2026-03-01',
      endsOn: '2026-06-30',
    }),
    now,
  );
}

/** A GET on the app, with the session cookie when one is given. */
export function getAs(composed: Composed) {
  return (path: string, cookie?: string) => {
    const call = request(composed.app).get(path);
    return cookie ? call.set('Cookie', cookie) : call;
  };
}
