import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { MANIFEST_COLUMNS, writePrintBatch, type Letter } from '../../bills/index.ts';
import { configDefaults } from '../../app/config.ts';
import { billPaymentCodes } from '../../app/config-bills.ts';
import { createSmtpEmailSender } from '../../app/notify/smtp-email-sender.ts';
import {
  systemClock,
  type Clock,
  type MessageSender,
  type OutboxMessage,
  type StorageHandle,
} from '../../core/index.ts';
import { billPaymentPayload } from '../../core/services.ts';
import { openTestDatabase } from '../support/database.ts';
import { staffPassword, staffUsers } from '../support/fixtures.ts';
import {
  dualFuelEnglish,
  dualFuelTurin,
  postOnlyBologna,
  threeSuppliesBologna,
} from '../support/households.ts';
import { firstPageImage, readQr } from '../support/pdf-pages.ts';
import { startMailbox } from '../support/smtp.ts';

// Each issued bill becomes one communication in the customer's style, on a medium they consented
// to, through the outbox; e-mails reach a real SMTP server here and are read back as a mail client would.

const PUBLIC_URL = 'https://bollette.example.it';
let storage: StorageHandle;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
const texts: OutboxMessage[] = [];
const smsSender: MessageSender = { medium: 'sms', send: async (m) => void texts.push(m) };

beforeAll(async () => {
  storage = await openTestDatabase();
  mailbox = await startMailbox();
});

afterAll(async () => {
  await mailbox?.close();
  await storage?.close();
});

// Thursday 5 March 2026, the day after the January–February bills were issued; a test moves on
// to when the customer reads the e-mail.
let now = new Date('2026-03-05T08:30:00Z');
const MARCH_5 = { now: () => now };

async function compose(clock: Clock) {
  const email = createSmtpEmailSender({
    url: mailbox.url,
    from: 'Channel Pilot Energia <bollette@example.it>',
  });
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL, SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
    logger: pino({ level: 'silent' }),
    clock,
    senders: [email, smsSender],
  });
  return { ...composed, closeMail: () => email.close() };
}

const mailTo = (address: string) =>
  mailbox.mails.find((m) => m.to && !Array.isArray(m.to) && m.to.text === address);

describe('sending a bill', () => {
  it('sends the reactive style as a responsive e-mail with a text part and the PDF, and its link joins the journey', async () => {
    const composed = await compose(MARCH_5);
    try {
      const home = await dualFuelEnglish(composed.stores);
      const bill = home.bills.electricity?.at(-1) ?? Object.values(home.bills).flat().at(-1);
      if (!bill) throw new Error('the household has no bill');
      const { communication, letter } = await composed.bills.sender.send(bill.id, {
        style: 'reactive',
        pilotId: null,
        arm: null,
      });
      expect(letter).toBeNull();
      expect(communication.medium).toBe('email');
      while ((await composed.dispatcher.runOnce()) > 0);

      const [message] = await composed.stores.outbox.recent({ limit: 5, customerId: home.customer.id });
      // Queued in bulk: it goes after any code or reply asked for meanwhile.
      expect(message).toMatchObject({ kind: 'bill_reactive', medium: 'email', status: 'sent', bulk: true });
      const mail = mailTo(home.customer.email as string);
      if (!mail) throw new Error('the SMTP server received no e-mail for the customer');
      const pageUrl = composed.bills.billLinks.url(communication);
      expect(mail.subject).toMatch(/^Your (electricity|gas) bill: €\d+\.\d\d$/);
      expect(mail.text).toContain(pageUrl);
      expect(mail.text).toContain('What changed:');
      expect(mail.html).toContain(`href="${pageUrl.replace(/&/g, '&amp;')}"`);
      expect(mail.html).toContain('Pay now');
      expect(mail.html).toContain('@media');
      // No images at all: nothing that could report an opening.
      expect(mail.html).not.toMatch(/<img\b/i);
      expect(mail.attachments).toHaveLength(1);
      const [pdf] = mail.attachments;
      expect(pdf?.contentType).toBe('application/pdf');
      const image = firstPageImage(pdf?.content as Buffer);
      expect(readQr(image, { left: 0, top: 0.6, right: 0.5, bottom: 1 })).toBe(
        billPaymentPayload(billPaymentCodes(configDefaults), bill),
      );
      // The outbox row keeps the PDF as base64 text, byte for byte the attachment that arrived.
      const [stored] = message?.attachments ?? [];
      expect(stored).toMatchObject({ contentType: 'application/pdf', encoding: 'base64' });
      expect(Buffer.from(stored?.content ?? '', 'base64').equals(pdf?.content as Buffer)).toBe(true);

      const sent = await composed.stores.interactions.interaction(communication.sentInteractionId);
      expect(sent).toMatchObject({ channel: 'email', direction: 'outbound', reason: 'billing' });
      now = new Date('2026-03-05T19:42:00Z');
      await request(composed.app).get(new URL(pageUrl).pathname).expect(200);
      const journey = await composed.stores.interactions.journey(sent?.journeyId as string);
      expect(journey.map((c) => `${c.channel}/${c.touchpoint}`)).toEqual([
        'email/notification',
        'web/bill_page',
      ]);
    } finally {
      now = new Date('2026-03-05T08:30:00Z');
      composed.closeMail();
    }
  });

  it('sends the passive style as the same PDF with a plain e-mail, and the active style as a short SMS', async () => {
    const composed = await compose(MARCH_5);
    try {
      const home = await dualFuelTurin(composed.stores);
      const electricity = home.bills.electricity?.at(-1);
      const gas = home.bills.gas?.at(-1);
      if (!electricity || !gas) throw new Error('the household lacks a bill');
      await composed.bills.sender.send(electricity.id, { style: 'passive', pilotId: null, arm: null });
      const active = await composed.bills.sender.send(gas.id, { style: 'active', pilotId: null, arm: null });
      while ((await composed.dispatcher.runOnce()) > 0);

      const mail = mailTo(home.customer.email as string);
      expect(mail?.html).toBe(false);
      expect(mail?.subject).toBe('La tua bolletta luce: 130,46\u00a0€');
      expect(mail?.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
      const sms = texts.find((m) => m.customerId === home.customer.id);
      expect(sms?.recipient).toBe('+393471122334');
      expect(sms?.body).toContain(composed.bills.billLinks.url(active.communication));
      expect(sms?.body).toMatch(/^Bolletta gas di \d+,\d\d\s€ entro il 24\/03\. Vedi e paga: https:/);
    } finally {
      composed.closeMail();
    }
  });

  it('puts a customer who allowed neither e-mail nor SMS on paper, and sends nothing through the outbox', async () => {
    const composed = await compose(MARCH_5);
    try {
      const home = await threeSuppliesBologna(composed.stores);
      for (const medium of ['email', 'sms'] as const) {
        await composed.stores.customers.recordConsent(home.customer.id, {
          purpose: 'contact',
          medium,
          granted: false,
          givenAt: '2026-02-01T10:00:00Z',
          source: 'call_recording',
        });
      }
      const bill = Object.values(home.bills).flat().at(-1);
      if (!bill) throw new Error('the household has no bill');
      const { communication, letter } = await composed.bills.sender.send(bill.id, {
        style: 'reactive',
        pilotId: null,
        arm: null,
      });
      expect(communication.medium).toBe('post');
      expect(letter?.pageUrl).toBe(composed.bills.billLinks.url(communication));
      expect(await composed.stores.outbox.recent({ limit: 5, customerId: home.customer.id })).toEqual([]);
      const sent = await composed.stores.interactions.interaction(communication.sentInteractionId);
      expect(sent).toMatchObject({ channel: 'paper_mail', touchpoint: 'letter', direction: 'outbound' });
    } finally {
      composed.closeMail();
    }
  });

  it('writes the paper bills of a household with three supplies as a print batch: one PDF each and a manifest', async () => {
    const composed = await compose(MARCH_5);
    const folder = mkdtempSync(join(tmpdir(), 'print-batch-'));
    try {
      const home = await postOnlyBologna(composed.stores);
      const latest = Object.values(home.bills).map((bills) => bills.at(-1));
      const letters: Letter[] = [];
      for (const bill of latest) {
        if (!bill) throw new Error('a supply has no bill');
        const { letter } = await composed.bills.sender.send(bill.id, {
          style: 'passive',
          pilotId: null,
          arm: null,
        });
        if (letter) letters.push(letter);
      }
      expect(letters).toHaveLength(3);
      await writePrintBatch(letters, folder, composed.bills.document);

      const manifest = parse(readFileSync(join(folder, 'manifest.csv')), { columns: true }) as Record<
        string,
        string
      >[];
      expect(Object.keys(manifest[0] ?? {})).toEqual([...MANIFEST_COLUMNS]);
      expect(manifest.map((row) => row.sequence)).toEqual(['000001', '000002', '000003']);
      for (const [index, row] of manifest.entries()) {
        const bill = latest[index];
        const pdf = readFileSync(join(folder, row.file as string));
        expect(createHash('sha256').update(pdf).digest('hex')).toBe(row.sha256);
        expect(row).toMatchObject({
          bill_number: bill?.number,
          amount_cents: String(bill?.amountCents),
          language: 'it-IT',
        });
        expect(row.recipient).toBe(`${home.customer.firstName} ${home.customer.lastName}`);
        const image = firstPageImage(pdf);
        expect(readQr(image, { left: 0, top: 0.6, right: 0.5, bottom: 1 })).toBe(
          billPaymentPayload(billPaymentCodes(configDefaults), bill as NonNullable<typeof bill>),
        );
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
      composed.closeMail();
    }
  });

  it('shows staff on the outbox page that a bill went out, but not its personal link nor its PDF', async () => {
    const composed = await compose(MARCH_5);
    try {
      const home = await dualFuelTurin(composed.stores);
      const bill = home.bills.gas?.at(-1);
      if (!bill) throw new Error('the household has no gas bill');
      const { communication } = await composed.bills.sender.send(bill.id, {
        style: 'reactive',
        pilotId: null,
        arm: null,
      });
      const token = new URL(composed.bills.billLinks.url(communication)).pathname.slice('/b/'.length);
      const { advisor } = await staffUsers(composed.stores);
      const login = await request(composed.app)
        .post('/api/auth/login')
        .send({ username: advisor.username, password: staffPassword })
        .expect(200);
      const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
      const page = await request(composed.app).get('/outbox').set('Cookie', cookie).expect(200);
      expect(page.text).toContain('bill_reactive');
      // Times as staff in Rome read them, not UTC instants.
      const [message] = await composed.stores.outbox.recent({ limit: 1, customerId: home.customer.id });
      const rome = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Rome',
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(message!.sendAfter);
      expect(page.text).toContain('<th>Due (Europe/Rome)</th>');
      expect(page.text).toContain(`>${rome.replace(', ', ' ')}</time>`);
      expect(page.text).toContain('/b/••••••');
      expect(page.text).not.toContain(token);
      expect(page.text).not.toContain('JVBERi0');
    } finally {
      composed.closeMail();
    }
  });

  it('sends a bill once however often it is sent', async () => {
    const composed = await compose(MARCH_5);
    try {
      const home = await dualFuelTurin(composed.stores);
      const bill = home.bills.electricity?.at(-1);
      if (!bill) throw new Error('the household has no electricity bill');
      const first = await composed.bills.sender.send(bill.id, {
        style: 'reactive',
        pilotId: null,
        arm: null,
      });
      const again = await Promise.all([
        composed.bills.sender.send(bill.id, { style: 'reactive', pilotId: null, arm: null }),
        composed.bills.sender.send(bill.id, { style: 'active', pilotId: null, arm: null }),
      ]);
      expect(again.map((s) => s.communication.id)).toEqual([first.communication.id, first.communication.id]);
      expect(await composed.stores.outbox.recent({ limit: 10, customerId: home.customer.id })).toHaveLength(
        1,
      );
      const contacts = await composed.stores.interactions.forCustomer(home.customer.id, { limit: 10 });
      expect(contacts.filter((c) => c.direction === 'outbound')).toHaveLength(1);
    } finally {
      composed.closeMail();
    }
  });

  it('delivers on the real clock: the message is due at once and goes out on the next pass', async () => {
    const composed = await compose(systemClock);
    try {
      const home = await dualFuelEnglish(composed.stores);
      const bill = Object.values(home.bills).flat().at(-1);
      if (!bill) throw new Error('the household has no bill');
      const before = Date.now();
      await composed.bills.sender.send(bill.id, { style: 'passive', pilotId: null, arm: null });
      while ((await composed.dispatcher.runOnce()) > 0);
      const [message] = await composed.stores.outbox.recent({ limit: 5, customerId: home.customer.id });
      expect(message?.status).toBe('sent');
      expect(message?.sentAt?.getTime()).toBeGreaterThanOrEqual(before);
      expect(message?.sentAt?.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      composed.closeMail();
    }
  });
});
