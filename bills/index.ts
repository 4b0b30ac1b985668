// The bill communications channel: the bill's documents, its personal page and links.
import type { Router } from 'express';
import {
  createBillLinks,
  createPostgresBillCommunications,
  type Billing,
  type Clock,
  type CustomerDirectory,
  type Database,
  type InteractionLog,
  type Outbox,
  type PaymentCodeScheme,
  type PaymentLinks,
  type PilotStore,
  type BillStyle,
  type SignedLinks,
} from '../core/index.ts';
import type { Kysely } from 'kysely';
import { createBillRoutes } from './bill-routes.ts';
import { communicatedBillDocument } from './bill-document.ts';
import { createBillSender } from './bill-sender.ts';

export { renderBillDocument, type BillDocumentInput } from './bill-document.ts';
export { renderBillPage } from './bill-page.ts';
export type { Letter, StyleChoice } from './bill-sender.ts';
export { MANIFEST_COLUMNS, writePrintBatch } from './print-batch.ts';

/** Builds the channel from the shared services; `routers` are mounted beside the other customer pages. */
export function createBillsChannel(deps: {
  db: Kysely<Database>;
  newId: () => string;
  links: SignedLinks;
  customers: CustomerDirectory;
  billing: Billing;
  interactions: InteractionLog;
  outbox: Outbox;
  pilots: Pick<PilotStore, 'liveOn'>;
  defaultStyle: BillStyle;
  paymentLinks: Pick<PaymentLinks, 'issue'>;
  clock: Clock;
  publicUrl: string;
  organisation: string;
  paymentCodes: PaymentCodeScheme;
}) {
  const communications = createPostgresBillCommunications(deps.db, { newId: deps.newId, clock: deps.clock });
  const billLinks = createBillLinks({
    links: deps.links,
    communications,
    customers: deps.customers,
    billing: deps.billing,
    interactions: deps.interactions,
    clock: deps.clock,
    address: (token) => `${deps.publicUrl}/b/${encodeURIComponent(token)}`,
  });
  const document = communicatedBillDocument({
    organisation: deps.organisation,
    paymentCodes: deps.paymentCodes,
  });
  const routers: Router[] = [createBillRoutes({ billLinks, paymentLinks: deps.paymentLinks, document })];
  const sender = createBillSender({
    billing: deps.billing,
    customers: deps.customers,
    interactions: deps.interactions,
    communications,
    billLinks,
    outbox: deps.outbox,
    pilots: deps.pilots,
    defaultStyle: deps.defaultStyle,
    clock: deps.clock,
    document,
  });
  return { communications, billLinks, sender, document, routers };
}
