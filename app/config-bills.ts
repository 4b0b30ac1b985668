import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { z } from 'zod';
import {
  billStyles,
  isValidCreditorTaxCode,
  type PaymentCodeScheme,
  type UnitCosts,
} from '../core/services.ts';
import type { Config } from './config.ts';

const cents = z.coerce
  .number({ error: 'must be a number of cents, 0 or more' })
  .min(0, { error: 'must be a number of cents, 0 or more' });

/** The settings of bill communications: who bills, and how a bill's QR code lets customers pay. */
export const billSettings = {
  BILL_ORGANISATION: z
    .string()
    .trim()
    .min(1)
    .max(70)
    .default('Channel Pilot Energia')
    .describe('The name bills are issued under (and the beneficiary of SEPA transfers).'),
  BILL_PAYMENT_CODE: z
    .enum(['pagopa', 'sepa_transfer'])
    .default('sepa_transfer')
    .describe(
      "What a bill's payment QR code carries: a pagoPA notice (`PAGOPA_*`) or an EPC069-12 SEPA credit transfer (`BILL_IBAN`).",
    ),
  BILL_IBAN: z
    .string()
    .refine((iban) => isValidIBAN(electronicFormatIBAN(iban) ?? ''), { error: 'must be a valid IBAN' })
    .default('IT60X0542811101000000123456')
    .describe('The account SEPA transfers from the QR code pay into (the default is a published example).'),
  BILL_BIC: z
    .string()
    .refine((bic) => isValidBIC(bic), { error: 'must be a valid BIC' })
    .optional()
    .describe("The BIC of `BILL_IBAN`'s bank; optional inside the EEA."),
  BILL_DEFAULT_STYLE: z
    .enum(billStyles)
    .default('passive')
    .describe('The style bills go out in to customers outside a running style pilot’s arms.'),
  BILL_COST_POST_CENTS: cents
    .default(92)
    .describe('Printing and postage of one paper bill, in cents (a style pilot’s cost per bill).'),
  BILL_COST_SMS_CENTS: cents.default(6).describe('One SMS, in cents.'),
  BILL_COST_EMAIL_CENTS: cents.default(0.1).describe('One e-mail, in cents.'),
  PAGOPA_CREDITOR_TAX_CODE: z
    .string()
    .refine(isValidCreditorTaxCode, { error: 'must be 11 digits ending in a matching check digit' })
    .optional()
    .describe("The creditor's tax code on pagoPA notices; required with `BILL_PAYMENT_CODE=pagopa`."),
  PAGOPA_SEGREGATION_CODE: z
    .string()
    .regex(/^\d{2}$/, { error: 'must be two digits' })
    .default('01')
    .describe('The segregation code pagoPA assigned to this issuing point (notice codes with aux digit 3).'),
};

/** The payment code a bill's QR code carries, from the `BILL_*` and `PAGOPA_*` settings. */
export function billPaymentCodes(
  config: Pick<
    Config,
    | 'BILL_PAYMENT_CODE'
    | 'BILL_ORGANISATION'
    | 'BILL_IBAN'
    | 'BILL_BIC'
    | 'PAGOPA_CREDITOR_TAX_CODE'
    | 'PAGOPA_SEGREGATION_CODE'
  >,
): PaymentCodeScheme {
  return config.BILL_PAYMENT_CODE === 'pagopa'
    ? {
        scheme: 'pagopa',
        creditorTaxCode: config.PAGOPA_CREDITOR_TAX_CODE as string,
        segregationCode: config.PAGOPA_SEGREGATION_CODE,
      }
    : {
        scheme: 'sepa_transfer',
        beneficiary: config.BILL_ORGANISATION,
        iban: config.BILL_IBAN,
        bic: config.BILL_BIC ?? null,
      };
}

/** What each medium costs per bill, from the `BILL_COST_*` settings. */
export function billUnitCosts(
  config: Pick<Config, 'BILL_COST_POST_CENTS' | 'BILL_COST_SMS_CENTS' | 'BILL_COST_EMAIL_CENTS'>,
): UnitCosts {
  return {
    post: config.BILL_COST_POST_CENTS,
    sms: config.BILL_COST_SMS_CENTS,
    email: config.BILL_COST_EMAIL_CENTS,
  };
}
