import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Stores } from '../../core/index.ts';
import { composeForFile } from '../support/file-app.ts';
import {
  HOUSEHOLD_NOW,
  dualFuelEnglish,
  dualFuelTurin,
  threeSuppliesBologna,
  type Household,
} from '../support/households.ts';

// The page behind a payment link, as a customer opens it from the SMS or e-mail: in a browser
// a page (bill by bill, with the supply and the due date, and a pay button through the payment
// provider); JSON only for a client that asks for JSON.

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const PUBLIC_URL = 'https://pilot.example.it';

const compose = composeForFile(PUBLIC_URL);

/** A payment link sent to the household during a voice contact, and the message that carried it. */
async function linkFor(composed: Awaited<ReturnType<typeof compose>>, home: Household) {
  const contact = await composed.stores.interactions.record({
    customerId: home.customer.id,
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    direction: 'inbound',
    reason: 'payment',
    startedAt: composed.clock.now(),
    endedAt: composed.clock.now(),
    outcome: 'resolved',
  });
  const sent = await composed.paymentLinks.send({
    customerId: home.customer.id,
    fromInteractionId: contact.id,
  });
  if (!sent) throw new Error('no link was sent');
  const [message] = (await composed.stores.outbox.recent({ limit: 5, customerId: home.customer.id })).filter(
    (m) => m.kind === 'payment_link',
  );
  const path = new URL(sent.url).pathname;
  return { sent, message, path, token: decodeURIComponent(path.split('/').pop() as string) };
}

const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the payment link, on the clock of the households (Monday 20 April 2026)', () => {
  let composed: Awaited<ReturnType<typeof compose>>;
  let stores: Stores;

  beforeAll(async () => {
    composed = await compose({ now: () => HOUSEHOLD_NOW });
    stores = composed.stores;
  });

  it('says in the message how much is owed and by when, in the customer’s language', async () => {
    const bologna = await linkFor(composed, await threeSuppliesBologna(stores));
    expect(bologna.message?.body).toBe(
      `Da pagare: 413,27\u00a0€, di cui 286,99\u00a0€ scaduti dal 24 marzo 2026; prossima scadenza 11 maggio 2026. Paga da qui: ${bologna.sent.url}`,
    );
    expect(bologna.message?.subject).toBe('Il link per pagare le tue bollette');
    const michael = await linkFor(composed, await dualFuelEnglish(stores));
    expect(michael.message?.body).toBe(`To pay: €339.24, due May 3, 2026. Pay here: ${michael.sent.url}`);
  });

  it('shows a browser a page with each bill’s supply, amount and due date, and a pay button', async () => {
    const turin = await dualFuelTurin(stores);
    const { path } = await linkFor(composed, turin);
    expect(path.startsWith('/pay/')).toBe(true);
    const res = await request(composed.app).get(path).set('Accept', BROWSER).expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    const page = text(res.text);
    expect(res.text).toContain('<html lang="it">');
    expect(page).toContain('Paga le tue bollette');
    expect(page).toContain('Ciao Francesca');
    expect(page).toMatch(/Luce Via Po 14 1 gen 2026 – 28 feb 2026 130,46\s€ 24 mar 2026 Scaduta/);
    expect(page).toMatch(/Gas Via Po 14 1 gen 2026 – 28 feb 2026 363,77\s€ 24 mar 2026 Scaduta/);
    expect(page).toMatch(/Totale da pagare: 494,23\s€/);
    expect(res.text).toMatch(/<button class="primary" type="submit" id="pay">Paga 494,23\s€<\/button>/);
  });

  it('answers JSON only when asked for JSON, on the page’s address and on the API’s', async () => {
    const { path, token } = await linkFor(composed, await dualFuelEnglish(stores));
    const json = await request(composed.app).get(path).set('Accept', 'application/json').expect(200);
    expect(json.body.firstName).toBe('Michael');
    expect(json.body.balance.owedCents).toBe(33924);
    expect(json.body.bills.map((b: { supply: { kind: string } }) => b.supply.kind)).toEqual([
      'electricity',
      'gas',
    ]);
    // The API answers JSON by default, and sends a browser to the page.
    const api = `/api/links/pay/${encodeURIComponent(token)}`;
    expect((await request(composed.app).get(api).expect(200)).body.balance.owedCents).toBe(33924);
    const browser = await request(composed.app).get(api).set('Accept', BROWSER).expect(303);
    expect(browser.headers.location).toBe(`/pay/${encodeURIComponent(token)}`);
  });

  it('pays through the development provider: the payment is recorded per bill, once, and the page says so', async () => {
    const turin = await dualFuelTurin(stores);
    const { path } = await linkFor(composed, turin);
    const started = await request(composed.app).post(`${path}/checkout`).set('Accept', BROWSER).expect(303);
    const checkout = new URL(started.headers.location as string);
    expect(checkout.origin).toBe(PUBLIC_URL);
    expect(checkout.pathname.startsWith('/dev-pay/')).toBe(true);
    const provider = await request(composed.app).get(checkout.pathname).expect(200);
    expect(text(provider.text)).toMatch(/Stai pagando 494,23\s€/);

    const confirmed = await request(composed.app).post(checkout.pathname).expect(303);
    expect(confirmed.headers.location).toBe(`${PUBLIC_URL}${path}?paid`);
    // Confirmed twice (a double click, a provider retrying): recorded once.
    await request(composed.app).post(checkout.pathname).expect(303);
    const payments = await stores.billing.payments(turin.customer.id, { limit: 20 });
    const byProvider = payments.filter((p) => p.reference !== null);
    expect(byProvider.map((p) => [p.billId, p.amountCents, p.channel]).sort()).toEqual(
      [
        [turin.bills.electricity?.[2]?.id, 13046, 'web'],
        [turin.bills.gas?.[2]?.id, 36377, 'web'],
      ].sort(),
    );
    expect(await stores.billing.openBills(turin.customer.id)).toEqual([]);

    const after = await request(composed.app).get(`${path}?paid`).set('Accept', BROWSER).expect(200);
    expect(text(after.text)).toContain('Pagamento ricevuto: grazie!');
    // Nothing left: paying again only brings the customer back to the page.
    const again = await request(composed.app).post(`${path}/checkout`).expect(303);
    expect(again.headers.location).toBe(`${PUBLIC_URL}${path}`);
  });

  it('sends the customer to pay only from its own page: another site’s form is refused, as page or JSON', async () => {
    const turin = await dualFuelTurin(stores);
    const { path } = await linkFor(composed, turin);
    const page = await request(composed.app).get(path).set('Accept', BROWSER).expect(200);
    expect(page.headers['referrer-policy']).toBe('same-origin');
    const elsewhere = 'https://offerte-luce.example';
    const refused = await request(composed.app)
      .post(`${path}/checkout`)
      .set('Accept', BROWSER)
      .set('Origin', elsewhere)
      .expect(403);
    expect(text(refused.text)).toContain('Il pagamento è stato chiesto da un altro sito');
    expect(text(refused.text)).toContain('The payment was asked for from another site');
    const json = await request(composed.app)
      .post(`${path}/checkout`)
      .set('Accept', 'application/json')
      .set('Origin', elsewhere)
      .expect(403);
    expect(json.body.detail).toContain('another site');
    const own = await request(composed.app).post(`${path}/checkout`).set('Origin', PUBLIC_URL).expect(303);
    expect(new URL(own.headers.location as string).pathname.startsWith('/dev-pay/')).toBe(true);
  });

  it('answers a malformed or forged link with 4xx, never 5xx, and stores nothing', async () => {
    const turin = await dualFuelTurin(stores);
    const { token } = await linkFor(composed, turin);
    const forged = `${token.slice(0, -3)}abc`;
    for (const bad of ['nonsense', forged, 'pay.x.y.z', encodeURIComponent('<script>')]) {
      const page = await request(composed.app).get(`/pay/${bad}`).set('Accept', BROWSER);
      expect(page.status).toBe(401);
      expect(text(page.text)).toContain('Link non valido');
      expect(text(page.text)).toContain('Link not valid');
      const json = await request(composed.app).get(`/pay/${bad}`).set('Accept', 'application/json');
      expect(json.status).toBe(401);
      expect(json.headers['content-type']).toContain('application/problem+json');
      expect((await request(composed.app).post(`/pay/${bad}/checkout`)).status).toBe(401);
      expect((await request(composed.app).get(`/dev-pay/${bad}`)).status).toBe(401);
      expect((await request(composed.app).post(`/dev-pay/${bad}`)).status).toBe(401);
    }
    expect(
      (await stores.billing.payments(turin.customer.id, { limit: 20 })).filter((p) => p.reference),
    ).toEqual([]);
  });
});

describe('the payment link on the real clock', () => {
  it('is sent with the amount and a due date, opens as a page and pays', async () => {
    const composed = await compose(systemClock);
    // Bills issued in 2026: everything is overdue on any later day, so the message says since when.
    const bologna = await threeSuppliesBologna(composed.stores);
    const { message, path } = await linkFor(composed, bologna);
    expect(message?.body).toMatch(
      /^Da pagare: 413,27\s€, .*24 marzo 2026.*\. Paga da qui: https:\/\/pilot\.example\.it\/pay\//,
    );
    expect(message?.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());
    const page = await request(composed.app).get(path).set('Accept', BROWSER).expect(200);
    expect(text(page.text)).toMatch(/Totale da pagare: 413,27\s€/);
    const started = await request(composed.app).post(`${path}/checkout`).expect(303);
    await request(composed.app)
      .post(new URL(started.headers.location as string).pathname)
      .expect(303);
    expect(await composed.stores.billing.openBills(bologna.customer.id)).toEqual([]);
  });
});
