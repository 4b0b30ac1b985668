// Communications produced per second in a billing run: for each customer's bill, the PDF with
// its payment QR code and the QR code of its page, the reactive e-mail (MJML, with its text part)
// and the SMS text, as the sender makes them; with the process's peak memory. The same run times
// the PDF alone and the e-mail alone, to show where the time goes. The database's part (one
// contact, one communication, one outbox row per bill) is not in this figure.
// The issue names the run's size (100,000 customers), not a rate: the figures are held to a
// billing run of 100,000 done within an hour (27.8 a second) in at most 512 MB.
//   node bin/run-ts.mjs bench/bills.ts [--customers 100000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compareBill, type Bill } from '../core/index.ts';
import { billPaymentPayload, type BillView } from '../core/services.ts';
import { communicatedBillDocument } from '../bills/bill-document.ts';
import { billSms, reactiveBillEmail } from '../bills/bill-email.ts';
import { figureLine } from './figures.ts';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' } } });
const customers = Number(values.customers);
const codes = { scheme: 'pagopa' as const, creditorTaxCode: '00488410010', segregationCode: '07' };
const document = communicatedBillDocument({ organisation: 'Channel Pilot Energia', paymentCodes: codes });

/** A customer's latest electricity bill and the two it is compared with, varied by index. */
function viewOf(i: number): BillView {
  const bill = (n: number, start: string, end: string, issued: string, kwh: number): Bill => {
    const energy = Math.round(kwh * 18.2);
    const lines = [
      {
        code: 'energy',
        description: 'Spesa per la materia energia',
        amountCents: energy,
        quantity: kwh,
        unit: 'kWh' as const,
      },
      {
        code: 'transport',
        description: 'Trasporto e gestione del contatore',
        amountCents: 2_310,
        quantity: null,
        unit: null,
      },
      {
        code: 'vat',
        description: 'IVA 10%',
        amountCents: Math.round((energy + 2_310) / 10),
        quantity: null,
        unit: null,
      },
    ];
    return {
      id: `00000000-0000-4000-8000-${String(i * 10 + n).padStart(12, '0')}`,
      accountId: '00000000-0000-4000-8000-000000000001',
      customerId: '00000000-0000-4000-8000-000000000002',
      number: `2026/EE/${String(i).padStart(7, '0')}`,
      periodStart: start,
      periodEnd: end,
      issuedOn: issued,
      dueOn: '2026-03-24',
      currency: 'EUR',
      amountCents: lines.reduce((s, l) => s + l.amountCents, 0),
      consumption: { quantity: kwh, unit: 'kWh' },
      lines,
      cancelled: false,
      paidCents: 0,
    };
  };
  const current = bill(0, '2026-01-01', '2026-02-28', '2026-03-04', 300 + (i % 250));
  const previous = bill(1, '2025-11-01', '2025-12-31', '2026-01-07', 280 + (i % 190));
  const yearAgo = bill(2, '2025-01-01', '2025-02-28', '2025-03-05', 310 + (i % 170));
  return {
    communication: {
      id: current.id,
      billId: current.id,
      customerId: current.customerId,
      style: 'reactive',
      medium: 'email',
      pilotId: null,
      arm: null,
      sentInteractionId: current.id,
      createdAt: new Date('2026-03-05T08:30:00Z'),
    },
    firstName: 'Giulia',
    lastName: 'Rossi',
    locale: i % 7 === 0 ? 'en-US' : 'it-IT',
    emailOnFile: true,
    messageMedium: 'email',
    paperless: false,
    marketing: i % 2 === 0,
    bill: current,
    status: 'unpaid',
    supply: { kind: 'electricity', address: 'Via Po 14, 10123 Torino TO' },
    comparison: compareBill(current, previous, yearAgo),
    history: [yearAgo, previous, current].map((b) => ({
      periodStart: b.periodStart,
      periodEnd: b.periodEnd,
      quantity: b.consumption?.quantity ?? null,
      unit: 'kWh',
      amountCents: b.amountCents,
    })),
  };
}

const pageUrl = (i: number) =>
  `https://bollette.example.it/b/bill.${i}.mq2k0.Qm9sbGV0dGFOYXBvbGlRbWJsZXR0YU5hcG9saQ`;

async function timed(label: string, count: number, work: (i: number) => Promise<unknown>) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  const seconds = (performance.now() - started) / 1000;
  return { label, count, seconds, perSecond: count / seconds };
}

const sample = Math.min(customers, 500);
const whole = await timed('communications (PDF with both QR codes, e-mail, SMS)', customers, async (i) => {
  const view = viewOf(i);
  billPaymentPayload(codes, view.bill);
  const [pdf, email] = await Promise.all([document(view, pageUrl(i)), reactiveBillEmail(view, pageUrl(i))]);
  billSms(view, pageUrl(i));
  if (pdf.length < 1000 || !email.html) throw new Error('an empty communication');
});
const pdfOnly = await timed('the PDF alone', sample, (i) => document(viewOf(i), pageUrl(i)));
const emailOnly = await timed('the e-mail alone', sample, (i) => reactiveBillEmail(viewOf(i), pageUrl(i)));
const peakMb = process.resourceUsage().maxRSS / 1024;

for (const r of [whole, pdfOnly, emailOnly]) {
  console.log(`bills: ${r.label}: ${r.count} in ${r.seconds.toFixed(1)} s, ${r.perSecond.toFixed(0)}/s`);
}
console.log(
  `bills: peak RSS ${peakMb.toFixed(0)} MB for ${customers} customers; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const size = `${customers.toLocaleString('en-US')} customers`;
console.log(
  figureLine({
    figure: `bill communications per second (PDF, QR codes, e-mail, SMS), ${size}`,
    value: whole.perSecond,
    unit: 'rows/s',
    target: 100_000 / 3600,
    better: 'higher',
  }),
);
console.log(
  figureLine({
    figure: `billing run peak RSS, ${size}`,
    value: peakMb,
    unit: 'MB',
    target: 512,
    better: 'lower',
  }),
);
