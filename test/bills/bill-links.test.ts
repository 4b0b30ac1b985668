import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../app/config.ts';
import { billPaymentCodes } from '../../app/config-bills.ts';
import { systemClock } from '../../core/index.ts';
import { billPaymentPayload } from '../../core/services.ts';
import { composeForFile } from '../support/file-app.ts';
import { dualFuelTurin, threeSuppliesBologna } from '../support/households.ts';
import { firstPageImage, readQr } from '../support/pdf-pages.ts';

// A bill's personal link, as the customer opens it from the e-mail, the SMS or the paper bill's
// QR code: the page of that bill, its PDF, and paying it, each step one journey with the message
// that carried the bill.

const PUBLIC_URL = 'https://bollette.example.it';
const compose = composeForFile(PUBLIC_URL);
type Composed = Awaited<ReturnType<typeof compose>>;

/** The e-mail that carried the bill, as the sending records it: its contact and its communication. */
async function emailed(composed: Composed, customerId: string, billId: string) {
  const sent = await composed.stores.interactions.record({
    customerId,
    channel: 'email',
    touchpoint: 'notification',
    direction: 'outbound',
    reason: 'billing',
    startedAt: composed.clock.now(),
    endedAt: composed.clock.now(),
    outcome: 'resolved',
  });
  const communication = await composed.bills.communications.record({
    billId,
    customerId,
    style: 'reactive',
    medium: 'email',
    pilotId: null,
    arm: null,
    sentInteractionId: sent.id,
  });
  return { sent, communication, path: new URL(composed.bills.billLinks.url(communication)).pathname };
}

const tokenIn = (path: string) => decodeURIComponent(path.split('/')[2] as string);

describe("the bill's personal link", () => {
  // Thursday 5 March 2026, the day after the January–February bills were issued.
  let now = new Date('2026-03-05T08:30:00Z');
  const clock = { now: () => now };

  it('opens the page of that bill, recorded once as a contact in the journey of the e-mail that carried it', async () => {
    const composed = await compose(clock);
    const home = await dualFuelTurin(composed.stores);
    const bill = home.bills.electricity?.at(-1);
    if (!bill) throw new Error('the household has no electricity bill');
    const { sent, communication, path } = await emailed(composed, home.customer.id, bill.id);

    const page = await request(composed.app).get(path).expect(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('Ciao Francesca');
    expect(page.text).toContain('Via Po 14, 10123 Torino TO');
    expect(page.text).toContain('entro il 24 marzo 2026');
    expect(page.text).toContain('<svg');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    await request(composed.app).get(path).expect(200);

    const opening = await composed.stores.interactions.fromSource(
      'bill_link',
      tokenIn(path).slice(tokenIn(path).lastIndexOf('.') + 1),
    );
    expect(opening).toMatchObject({
      customerId: home.customer.id,
      channel: 'web',
      touchpoint: 'bill_page',
      direction: 'inbound',
      reason: 'billing',
      handoffFromId: sent.id,
      journeyId: sent.journeyId,
      journeyStep: 2,
      details: { communicationId: communication.id, from: { channel: 'email', touchpoint: 'notification' } },
    });
    const journey = await composed.stores.interactions.journey(sent.journeyId);
    expect(journey.map((c) => `${c.channel}/${c.touchpoint}`)).toEqual([
      'email/notification',
      'web/bill_page',
    ]);
  });

  it('serves the bill as a PDF whose payment QR code carries that bill', async () => {
    const composed = await compose(clock);
    const home = await threeSuppliesBologna(composed.stores);
    const bill = Object.values(home.bills).flat().at(-1);
    if (!bill) throw new Error('the household has no bill');
    const { path } = await emailed(composed, home.customer.id, bill.id);

    const pdf = await request(composed.app)
      .get(`${path}/bill.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.type).toBe('application/pdf');
    const image = firstPageImage(pdf.body as Buffer);
    expect(readQr(image, { left: 0, top: 0.6, right: 0.5, bottom: 1 })).toBe(
      billPaymentPayload(billPaymentCodes(configDefaults), bill),
    );
    expect(readQr(image, { left: 0.5, top: 0.6, right: 1, bottom: 1 })).toBe(`${PUBLIC_URL}${path}`);
  });

  it('pays through the payment link it hands over: the bill is paid, and the payment page joins the same journey', async () => {
    const composed = await compose(clock);
    const home = await dualFuelTurin(composed.stores);
    const bill = home.bills.gas?.at(-1);
    if (!bill) throw new Error('the household has no gas bill');
    const { sent, path } = await emailed(composed, home.customer.id, bill.id);

    const pay = await request(composed.app).post(`${path}/pay`).expect(303);
    const payPath = new URL(pay.headers.location as string).pathname;
    expect(payPath).toMatch(/^\/pay\//);
    const payToken = decodeURIComponent(payPath.slice('/pay/'.length));
    const opened = await composed.paymentLinks.open(payToken);
    expect(opened.opening.journeyId).toBe(sent.journeyId);

    // The provider confirms the checkout: both open bills (electricity first, due the same day) are settled.
    const owed = opened.balance.owedCents;
    await composed.paymentLinks.settle({
      reference: payToken,
      checkoutId: '0d5c6a8e-7f41-4c21-9b3e-5f0a1c2d3e4f',
      amountCents: owed,
      paidAt: new Date('2026-03-06T18:12:00Z'),
    });
    const paid = await composed.stores.billing.bill(bill.id);
    expect(paid?.paidCents).toBe(bill.amountCents);
    const page = await request(composed.app).get(path).expect(200);
    expect(page.text).toContain('Pagata, grazie.');
    expect(page.text).not.toContain('Paga ora');
  });

  it('refuses a forged, a mangled or an expired link with 4xx and records nothing', async () => {
    const composed = await compose(clock);
    const home = await dualFuelTurin(composed.stores);
    const bill = home.bills.electricity?.at(-1);
    if (!bill) throw new Error('the household has no electricity bill');
    const { path } = await emailed(composed, home.customer.id, bill.id);
    const token = tokenIn(path);
    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;

    expect((await request(composed.app).get(`/b/${encodeURIComponent(forged)}`)).status).toBe(401);
    expect((await request(composed.app).get('/b/not-a-token/bill.pdf')).status).toBe(401);
    expect((await request(composed.app).get('/b/%E0%A4%A')).status).toBe(400);
    expect((await request(composed.app).post(`/b/${encodeURIComponent(forged)}/pay`)).status).toBe(401);
    const payLink = composed.stores.interactions.fromSource(
      'bill_link',
      forged.slice(forged.lastIndexOf('.') + 1),
    );
    expect(await payLink).toBeUndefined();

    now = new Date(now.getTime() + 121 * 86_400_000);
    try {
      const expired = await request(composed.app).get(path);
      expect(expired.status).toBe(401);
      expect(expired.body.detail).toMatch(/expired/);
    } finally {
      now = new Date('2026-03-05T08:30:00Z');
    }
  });

  it('records the opening at the moment it happens on the real clock', async () => {
    const composed = await compose(systemClock);
    const home = await dualFuelTurin(composed.stores);
    const bill = home.bills.electricity?.at(-1);
    if (!bill) throw new Error('the household has no electricity bill');
    const { path } = await emailed(composed, home.customer.id, bill.id);
    const before = Date.now();
    await request(composed.app).get(path).expect(200);
    const token = tokenIn(path);
    const opening = await composed.stores.interactions.fromSource(
      'bill_link',
      token.slice(token.lastIndexOf('.') + 1),
    );
    expect(opening?.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(opening?.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
