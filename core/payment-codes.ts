import { createHash } from 'node:crypto';
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { invalidInput } from './errors.ts';

/**
 * How a bill's payment QR code lets the customer pay: a pagoPA notice (Italian public and
 * regulated creditors) or a SEPA credit transfer (EPC069-12, every bank app in the euro area).
 */
export type PaymentCodeScheme =
  | {
      scheme: 'pagopa';
      /** The creditor's 11-digit tax code (codice fiscale dell'ente creditore). */
      creditorTaxCode: string;
      /** The two-digit segregation code pagoPA assigned to this issuing point (aux digit 3). */
      segregationCode: string;
    }
  | {
      scheme: 'sepa_transfer';
      /** The beneficiary's name as the bank shows it (at most 70 characters). */
      beneficiary: string;
      iban: string;
      /** The beneficiary bank's BIC; optional inside the EEA. */
      bic: string | null;
    };

/** The two check digits of an aux-digit-3 notice code: the 16 digits before them modulo 93. */
export function noticeCheckDigits(first16: string): string {
  if (!/^\d{16}$/.test(first16)) throw invalidInput('the first part of a notice code is 16 digits');
  return (BigInt(first16) % 93n).toString().padStart(2, '0');
}

/**
 * A pagoPA notice code (aux digit 3): `3`, the segregation code, a 13-digit IUV base and the
 * check digits. The IUV base is taken from the bill's id, so a bill keeps one notice code.
 */
export function pagoPaNoticeCode(segregationCode: string, billId: string): string {
  if (!/^\d{2}$/.test(segregationCode)) throw invalidInput('the pagoPA segregation code is 2 digits');
  const digest = createHash('sha256').update(billId).digest();
  const base = (digest.readBigUInt64BE(0) % 10n ** 13n).toString().padStart(13, '0');
  const first16 = `3${segregationCode}${base}`;
  return first16 + noticeCheckDigits(first16);
}

/** Why a notice code is wrong, or null when it is well formed (check digits included for aux digit 3). */
export function noticeCodeProblem(code: string): string | null {
  if (!/^\d{18}$/.test(code)) return 'is 18 digits';
  if (!'0123'.includes(code[0] as string)) return 'starts with an aux digit from 0 to 3';
  if (code[0] === '3' && noticeCheckDigits(code.slice(0, 16)) !== code.slice(16)) {
    return 'ends in check digits that do not match';
  }
  return null;
}

/** Whether an Italian 11-digit tax code (partita IVA form) carries a matching check digit. */
export function isValidCreditorTaxCode(code: string): boolean {
  if (!/^\d{11}$/.test(code)) return false;
  const digits = [...code].map(Number);
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const d = digits[i] as number;
    total += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return (10 - (total % 10)) % 10 === digits[10];
}

const MAX_PAGOPA_CENTS = 99_999_999_999;

/** The pagoPA QR payload: `PAGOPA|002|notice code|creditor tax code|amount in cents`. */
export function pagoPaPayload(input: {
  noticeCode: string;
  creditorTaxCode: string;
  amountCents: number;
}): string {
  const issues = [];
  const notice = noticeCodeProblem(input.noticeCode);
  if (notice) issues.push({ path: 'noticeCode', message: `must be a notice code that ${notice}` });
  if (!isValidCreditorTaxCode(input.creditorTaxCode)) {
    issues.push({ path: 'creditorTaxCode', message: 'must be 11 digits ending in a matching check digit' });
  }
  if (!Number.isInteger(input.amountCents) || input.amountCents < 1 || input.amountCents > MAX_PAGOPA_CENTS) {
    issues.push({ path: 'amountCents', message: 'must be whole cents from 1 to 99,999,999,999' });
  }
  if (issues.length) throw invalidInput('the pagoPA payment code cannot be made', issues);
  return `PAGOPA|002|${input.noticeCode}|${input.creditorTaxCode}|${input.amountCents}`;
}

export interface SepaTransfer {
  beneficiary: string;
  iban: string;
  bic?: string | null;
  amountCents: number;
  /** An ISO 20022 purpose code of up to 4 characters (`GDSV` for goods and services). */
  purpose?: string;
  /** A structured creditor reference (up to 35 characters); not together with `text`. */
  reference?: string;
  /** Remittance text for the beneficiary (up to 140 characters). */
  text?: string;
  /** A note shown to the payer, not sent with the payment (up to 70 characters). */
  information?: string;
  /** 002 (default) makes the BIC optional; 001 requires it. */
  version?: '001' | '002';
}

/** The EPC QR code's whole payload may take at most this many bytes. */
export const EPC_MAX_BYTES = 331;

/**
 * The EPC069-12 payload of a SEPA credit transfer, in UTF-8 (character set 1), its elements
 * on separate lines and nothing after the last one given.
 */
export function sepaTransferPayload(input: SepaTransfer): string {
  const version = input.version ?? '002';
  const iban = electronicFormatIBAN(input.iban) ?? '';
  const bic = input.bic?.trim() ?? '';
  const issues: { path: string; message: string }[] = [];
  const check = (ok: boolean, path: string, message: string) => {
    if (!ok) issues.push({ path, message });
  };
  const within = (value: string | undefined, max: number) => (value ?? '').length <= max;
  check(
    input.beneficiary.trim().length > 0 && within(input.beneficiary, 70),
    'beneficiary',
    'must be 1 to 70 characters',
  );
  check(isValidIBAN(iban), 'iban', 'must be a valid IBAN');
  check(
    bic === '' ? version === '002' : isValidBIC(bic),
    'bic',
    version === '001' && bic === '' ? 'is required in version 001' : 'must be a valid BIC',
  );
  check(
    Number.isInteger(input.amountCents) && input.amountCents >= 1 && input.amountCents <= 99_999_999_999,
    'amountCents',
    'must be whole cents from 0.01 to 999,999,999.99 euros',
  );
  check(
    /^([A-Z0-9]{1,4})?$/.test(input.purpose ?? ''),
    'purpose',
    'must be up to 4 capital letters or digits',
  );
  check(within(input.reference, 35), 'reference', 'must be at most 35 characters');
  check(within(input.text, 140), 'text', 'must be at most 140 characters');
  check(!(input.reference && input.text), 'text', 'cannot be given together with a structured reference');
  check(within(input.information, 70), 'information', 'must be at most 70 characters');
  if (issues.length) throw invalidInput('the SEPA transfer code cannot be made', issues);

  const lines = [
    'BCD',
    version,
    '1',
    'SCT',
    bic,
    input.beneficiary.trim(),
    iban,
    `EUR${euros(input.amountCents)}`,
    input.purpose ?? '',
    input.reference ?? '',
    input.text ?? '',
    input.information ?? '',
  ];
  while (lines.at(-1) === '') lines.pop();
  const payload = lines.join('\n');
  if (Buffer.byteLength(payload, 'utf8') > EPC_MAX_BYTES) {
    throw invalidInput(`the SEPA transfer code would take more than ${EPC_MAX_BYTES} bytes`, [
      { path: 'text', message: 'shorten the texts' },
    ]);
  }
  return payload;
}

/** Euros with a point and no trailing zeros (`12.3`, `1`), as the EPC examples write amounts. */
function euros(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/** What a bill's QR code carries under the configured scheme. */
export function billPaymentPayload(
  scheme: PaymentCodeScheme,
  bill: { id: string; number: string; amountCents: number },
): string {
  if (scheme.scheme === 'pagopa') {
    return pagoPaPayload({
      noticeCode: pagoPaNoticeCode(scheme.segregationCode, bill.id),
      creditorTaxCode: scheme.creditorTaxCode,
      amountCents: bill.amountCents,
    });
  }
  return sepaTransferPayload({
    beneficiary: scheme.beneficiary,
    iban: scheme.iban,
    bic: scheme.bic,
    amountCents: bill.amountCents,
    purpose: 'GDSV',
    text: bill.number,
  });
}
