import { describe, expect, it } from 'vitest';
import { compareBill, type Bill } from '../../core/index.ts';
import { billPaymentPayload, noticeCodeProblem } from '../../core/services.ts';
import { renderBillDocument } from '../../bills/bill-document.ts';
import { firstPageImage, keepImage, pdfText, readQr } from '../support/pdf-pages.ts';

/** Maria Esposito's electricity bills in Naples: the current one, the one before, and a year before. */
const bill = (
  over: Partial<Bill> & Pick<Bill, 'id' | 'periodStart' | 'periodEnd' | 'issuedOn' | 'dueOn'>,
): Bill => ({
  accountId: 'f4d1c0de-0000-4000-8000-000000000001',
  customerId: 'f4d1c0de-0000-4000-8000-0000000000aa',
  number: 'EE-2026-004512',
  currency: 'EUR',
  amountCents: 0,
  consumption: null,
  lines: [],
  cancelled: false,
  paidCents: 0,
  ...over,
});

const lines = (energyKwh: number, energyCents: number, transportCents: number) => [
  {
    code: 'energy',
    description: 'Spesa per la materia energia',
    amountCents: energyCents,
    quantity: energyKwh,
    unit: 'kWh' as const,
  },
  {
    code: 'transport',
    description: 'Trasporto e gestione del contatore',
    amountCents: transportCents,
    quantity: null,
    unit: null,
  },
  { code: 'system_charges', description: 'Oneri di sistema', amountCents: 1_130, quantity: null, unit: null },
  {
    code: 'vat',
    description: 'IVA 10%',
    amountCents: Math.round((energyCents + transportCents + 1_130) / 10),
    quantity: null,
    unit: null,
  },
];
const total = (l: ReturnType<typeof lines>) => l.reduce((s, x) => s + x.amountCents, 0);

const currentLines = lines(412, 5_480, 1_890);
const current = bill({
  id: '9c1e6f7a-3b2d-4c5e-8f9a-0b1c2d3e4f50',
  periodStart: '2026-01-01',
  periodEnd: '2026-02-28',
  issuedOn: '2026-03-02',
  dueOn: '2026-03-23',
  amountCents: total(currentLines),
  consumption: { quantity: 412, unit: 'kWh' },
  lines: currentLines,
});
const previousLines = lines(356, 4_450, 1_890);
const previous = bill({
  id: '9c1e6f7a-3b2d-4c5e-8f9a-0b1c2d3e4f4f',
  number: 'EE-2026-000311',
  periodStart: '2025-11-01',
  periodEnd: '2025-12-31',
  issuedOn: '2026-01-05',
  dueOn: '2026-01-26',
  amountCents: total(previousLines),
  consumption: { quantity: 356, unit: 'kWh' },
  lines: previousLines,
  paidCents: total(previousLines),
});
const yearAgoLines = lines(398, 5_010, 1_820);
const yearAgo = bill({
  id: '9c1e6f7a-3b2d-4c5e-8f9a-0b1c2d3e4f40',
  number: 'EE-2025-003877',
  periodStart: '2025-01-01',
  periodEnd: '2025-02-28',
  issuedOn: '2025-03-03',
  dueOn: '2025-03-24',
  amountCents: total(yearAgoLines),
  consumption: { quantity: 398, unit: 'kWh' },
  lines: yearAgoLines,
  paidCents: total(yearAgoLines),
});

const pageUrl = 'https://bollette.luceegas.example.it/b/bill.9c1e6f7a_f4d1c0de.mfq2k0.Qm9sbGV0dGFOYXBvbGk';
const pagoPa = { scheme: 'pagopa' as const, creditorTaxCode: '00488410010', segregationCode: '07' };

/** The document of Maria's bill `of` her supply at home, compared with her earlier bills, paid through pagoPA. */
const mariasDocument = (
  of: Bill,
  kind: Parameters<typeof renderBillDocument>[0]['supply']['kind'] = 'electricity',
) =>
  renderBillDocument({
    organisation: 'Luce e Gas del Golfo',
    locale: 'it-IT',
    customer: { firstName: 'Maria', lastName: 'Esposito' },
    supply: { kind, address: 'Via Toledo 256, 80134 Napoli' },
    bill: of,
    comparison: compareBill(of, previous, yearAgo),
    paymentPayload: billPaymentPayload(pagoPa, of),
    pageUrl,
  });

describe('the bill document', () => {
  it('carries a payment QR code a scanner reads back as the bill, and a QR code of the personal link', async () => {
    const payment = billPaymentPayload(pagoPa, current);
    const pdf = await mariasDocument(current);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const page = firstPageImage(pdf);
    keepImage(page, 'bill-document-it.png');
    const paid = readQr(page, { left: 0, top: 0.6, right: 0.5, bottom: 1 });
    const linked = readQr(page, { left: 0.5, top: 0.6, right: 1, bottom: 1 });

    expect(paid).toBe(payment);
    const [scheme, version, notice, creditor, cents] = (paid ?? '').split('|');
    expect([scheme, version, creditor]).toEqual(['PAGOPA', '002', '00488410010']);
    expect(noticeCodeProblem(notice as string)).toBeNull();
    expect(Number(cents)).toBe(current.amountCents);
    expect(linked).toBe(pageUrl);
  });

  it('reads at a glance: supply, period, amount, due date, what changed, and the lines', async () => {
    const pdf = await mariasDocument(current);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Bolletta Luce');
    expect(text).toContain('Via Toledo 256, 80134 Napoli');
    expect(text).toContain('dal 1 gennaio 2026 al 28 febbraio 2026');
    // 54.80 + 18.90 + 11.30 + 8.50 VAT
    expect(text).toContain('93,50 €');
    expect(text).toContain('entro il 23 marzo 2026');
    // 93.50 against 82.17 (44.50 + 18.90 + 11.30 + 7.47 VAT) on the previous bill.
    expect(text).toContain('11,33 € in più rispetto alla bolletta precedente');
    expect(text).toContain('Hai consumato 56 kWh in più rispetto al periodo precedente');
    expect(text).toContain('La voce cambiata di più è spesa per la materia energia');
    expect(text).toContain('412 kWh × 0,133 €/kWh');
  });

  it('speaks English to an English-speaking customer and carries an EPC transfer for a creditor outside pagoPA', async () => {
    const sepa = {
      scheme: 'sepa_transfer' as const,
      beneficiary: 'Golfo Energy Srl',
      iban: 'IT60X0542811101000000123456',
      bic: 'BPMOIT22XXX',
    };
    const payment = billPaymentPayload(sepa, current);
    const pdf = await renderBillDocument({
      organisation: 'Golfo Energy',
      locale: 'en-US',
      customer: { firstName: 'John', lastName: 'Carter' },
      supply: { kind: 'electricity', address: 'Viale Gramsci 14, 80122 Napoli' },
      bill: current,
      comparison: compareBill(current),
      paymentPayload: payment,
      pageUrl,
    });
    const page = firstPageImage(pdf);
    keepImage(page, 'bill-document-en.png');
    const paid = readQr(page, { left: 0, top: 0.6, right: 0.5, bottom: 1 });
    expect(paid).toBe(payment);
    expect(paid?.split('\n').slice(4, 8)).toEqual([
      'BPMOIT22XXX',
      'Golfo Energy Srl',
      'IT60X0542811101000000123456',
      'EUR93.5',
    ]);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('€93.50');
    expect(text).toContain('by March 23, 2026');
    expect(text).toContain('This is the first bill for this supply');
  });

  it('keeps a bill of many long lines on its front page: long descriptions cut, the rest summed, the QR codes readable', async () => {
    // A telecom bill of a business line: 40 items, some with the long descriptions billing systems export.
    const items = Array.from({ length: 40 }, (_, i) => ({
      code: `item_${i}`,
      description:
        i % 3 === 0
          ? `Canone mensile servizio di connettività in fibra ottica FTTH fino a 2,5 Gbit/s con IP statico e assistenza prioritaria, sede ${i}`
          : `Traffico voce nazionale, linea ${i}`,
      quantity: i % 3 === 0 ? null : 100 + i,
      unit: i % 3 === 0 ? null : ('min' as const),
      amountCents: 1_000 + i * 37,
    }));
    const long = { ...current, lines: items, amountCents: items.reduce((sum, l) => sum + l.amountCents, 0) };
    const payment = billPaymentPayload(pagoPa, long);
    const pdf = await mariasDocument(long, 'telecom');
    const pages = pdfText(pdf)
      .split('\f')
      .filter((p) => p.trim() !== '');
    expect(pages).toHaveLength(1);
    const text = (pages[0] as string).replace(/\s+/g, ' ');
    const folded = /Altre (\d+) voci \(dettaglio sulla pagina della bolletta\) ([\d.,]+) €/.exec(text);
    expect(folded).not.toBeNull();
    const count = Number(folded?.[1]);
    const summed = items.slice(items.length - count).reduce((sum, l) => sum + l.amountCents, 0);
    expect(folded?.[2]).toBe(
      new Intl.NumberFormat('it-IT', { minimumFractionDigits: 2 }).format(summed / 100),
    );
    expect(text).toContain('Traffico voce nazionale, linea 1 ');
    const page = firstPageImage(pdf);
    keepImage(page, 'bill-document-many-lines.png');
    expect(readQr(page, { left: 0, top: 0.6, right: 0.5, bottom: 1 })).toBe(payment);
    expect(readQr(page, { left: 0.5, top: 0.6, right: 1, bottom: 1 })).toBe(pageUrl);
  });
});
