import { describe, expect, it } from 'vitest';
import { ChannelPilotError } from '../../core/index.ts';
import {
  EPC_MAX_BYTES,
  billPaymentPayload,
  isValidCreditorTaxCode,
  noticeCheckDigits,
  noticeCodeProblem,
  pagoPaNoticeCode,
  pagoPaPayload,
  sepaTransferPayload,
} from '../../core/services.ts';

const issuesOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelPilotError);
    return (error as ChannelPilotError).issues.map((i) => i.path);
  }
  throw new Error('expected a refusal');
};

describe('pagoPA notice payload', () => {
  it('writes the example of the pagoPA notice specification byte for byte', () => {
    expect(
      pagoPaPayload({ noticeCode: '000000000000000000', creditorTaxCode: '00000000000', amountCents: 9999 }),
    ).toBe('PAGOPA|002|000000000000000000|00000000000|9999');
  });

  it('ends an aux-digit-3 notice code in the remainder modulo 93 of its first 16 digits', () => {
    // Remainders worked out by long division, outside this code.
    expect(noticeCheckDigits('3010000000000001')).toBe('44');
    expect(noticeCheckDigits('3471234567890123')).toBe('89');
    expect(noticeCheckDigits('3000000000000000')).toBe('03');
    expect(noticeCheckDigits('3991234500001234')).toBe('25');
    expect(noticeCodeProblem('301000000000000144')).toBeNull();
  });

  it('catches every single mistyped digit of a notice code', () => {
    const code = pagoPaNoticeCode('01', '7b0e3a52-4f1d-4c7e-9a51-2c0f3d5e8b11');
    expect(code).toMatch(/^301\d{15}$/);
    expect(noticeCodeProblem(code)).toBeNull();
    for (let position = 1; position < 18; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === code[position]) continue;
        const typo = code.slice(0, position) + digit + code.slice(position + 1);
        expect(noticeCodeProblem(typo), typo).not.toBeNull();
      }
    }
  });

  it('gives one bill one notice code and two bills issued the same day two', () => {
    const first = pagoPaNoticeCode('12', '0a4c1b7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(pagoPaNoticeCode('12', '0a4c1b7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(first);
    expect(pagoPaNoticeCode('12', '0a4c1b7e-1c2d-4e5f-8a9b-0c1d2e3f4a5c')).not.toBe(first);
  });

  it('checks the creditor tax code by its check digit', () => {
    expect(isValidCreditorTaxCode('86334519757')).toBe(true);
    expect(isValidCreditorTaxCode('00488410010')).toBe(true);
    expect(isValidCreditorTaxCode('00000000000')).toBe(true);
    expect(isValidCreditorTaxCode('86334519758')).toBe(false);
    expect(isValidCreditorTaxCode('8633451975')).toBe(false);
  });

  it('refuses a wrong check digit, a wrong tax code and a zero amount, naming each', () => {
    expect(
      issuesOf(() =>
        pagoPaPayload({ noticeCode: '301000000000000145', creditorTaxCode: '01234567890', amountCents: 0 }),
      ),
    ).toEqual(['noticeCode', 'creditorTaxCode', 'amountCents']);
  });
});

describe('EPC069-12 SEPA credit-transfer payload', () => {
  it("writes the EPC guideline's Belgian Red Cross example byte for byte", () => {
    expect(
      sepaTransferPayload({
        version: '001',
        bic: 'BPOTBEB1',
        beneficiary: 'Red Cross of Belgium',
        iban: 'BE72000000001616',
        amountCents: 100,
        purpose: 'CHAR',
        text: 'Urgency fund',
        information: 'Sample EPC QR code',
      }),
    ).toBe(
      'BCD\n001\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1\nCHAR\n\nUrgency fund\nSample EPC QR code',
    );
  });

  it('leaves the BIC empty in version 002, writes cents without trailing zeros and stops after the last element', () => {
    expect(
      sepaTransferPayload({
        beneficiary: 'Acqua Chiara S.p.A.',
        iban: 'IT60 X054 2811 1010 0000 0123 456',
        amountCents: 12_730,
        reference: 'RF18539007547034',
      }),
    ).toBe(
      'BCD\n002\n1\nSCT\n\nAcqua Chiara S.p.A.\nIT60X0542811101000000123456\nEUR127.3\n\nRF18539007547034',
    );
  });

  it('keeps accented names in UTF-8 and refuses a payload over 331 bytes', () => {
    const payload = sepaTransferPayload({
      beneficiary: 'Società Elettrica Müller',
      iban: 'DE89370400440532013000',
      amountCents: 4_205,
      text: 'Bolletta n. 2026/000123 — luce',
    });
    expect(payload.split('\n')[5]).toBe('Società Elettrica Müller');
    expect(payload.split('\n')[7]).toBe('EUR42.05');
    expect(() =>
      sepaTransferPayload({
        beneficiary: 'è'.repeat(70),
        iban: 'DE89370400440532013000',
        amountCents: 100,
        text: 'è'.repeat(140),
        information: 'è'.repeat(70),
      }),
    ).toThrow(`more than ${EPC_MAX_BYTES} bytes`);
  });

  it('refuses a bad IBAN, a missing BIC in version 001, both reference and text, naming each field', () => {
    expect(
      issuesOf(() =>
        sepaTransferPayload({
          version: '001',
          beneficiary: 'Gas Nord',
          iban: 'IT60X0542811101000000123457',
          amountCents: 100,
          reference: 'RF18539007547034',
          text: 'bolletta',
        }),
      ),
    ).toEqual(['iban', 'bic', 'text']);
  });
});

describe("a bill's payment code", () => {
  const bill = { id: '5d2f8c3e-9b1a-4e6f-a7c8-1b2c3d4e5f60', number: 'EL-2026-000871', amountCents: 8_412 };

  it('carries the bill amount in cents under pagoPA', () => {
    const payload = billPaymentPayload(
      { scheme: 'pagopa', creditorTaxCode: '00488410010', segregationCode: '07' },
      bill,
    );
    const [, , notice, creditor, amount] = payload.split('|');
    expect(noticeCodeProblem(notice as string)).toBeNull();
    expect(notice).toMatch(/^307/);
    expect(creditor).toBe('00488410010');
    expect(amount).toBe('8412');
  });

  it('carries the amount in euros and the bill number under a SEPA transfer', () => {
    const payload = billPaymentPayload(
      {
        scheme: 'sepa_transfer',
        beneficiary: 'Luce & Gas Srl',
        iban: 'IT60X0542811101000000123456',
        bic: null,
      },
      bill,
    );
    expect(payload.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      '',
      'Luce & Gas Srl',
      'IT60X0542811101000000123456',
      'EUR84.12',
      'GDSV',
      '',
      'EL-2026-000871',
    ]);
  });
});
