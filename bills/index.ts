// The bill communications channel: the bill's documents, its personal page and links, the billing
// run and the style pilots' report.
import type { Kysely } from 'kysely';
import {
  ChannelPilotError,
  oneAtATime,
  type ChannelDeps,
  type ChannelInput,
  type ChannelModule,
  type Database,
} from '../core/index.ts';
import {
  BILL_STYLE_CHANNEL,
  createBillLinks,
  createBillPageActions,
  createPostgresBillCommunications,
  styleReportOf,
  type BillStyle,
  type PaymentCodeScheme,
  type UnitCosts,
} from '../core/services.ts';
import { createBillRoutes, describeBillRoutes } from './bill-routes.ts';
import { communicatedBillDocument } from './bill-document.ts';
import { createBillSender, type Letter } from './bill-sender.ts';
import { registerStyleReportRoute } from './style-report.ts';
import { folderProblem, provePrintable, writePrintBatch } from './print-batch.ts';
import { billCommands } from './bill-commands.ts';

export { renderBillDocument, type BillDocumentInput } from './bill-document.ts';
export { renderBillPage } from './bill-page.ts';
export type { Letter, StyleChoice } from './bill-sender.ts';
export { MANIFEST_COLUMNS, writePrintBatch } from './print-batch.ts';
export { styleReportCsv, styleReportForManagers } from './style-report.ts';

/** Bill communications as a channel of the census and of pilots: style pilots run on it. */
export const billsChannel: ChannelInput = {
  // Its contacts stay on e-mail, SMS, paper and web; the touchpoints name the styles.
  code: BILL_STYLE_CHANNEL,
  name: 'Bill communications',
  kind: 'pilot',
  touchpoints: [
    { code: 'passive', name: 'The same PDF everywhere' },
    { code: 'active', name: 'Paper with QR codes, SMS' },
    { code: 'reactive', name: 'Responsive e-mail' },
  ],
};

export interface BillsChannelDeps extends ChannelDeps {
  /** Where the communications and style pilots' designs are kept. */
  db: Kysely<Database>;
  /** The same database's address, for the lock that lets one billing run of a day go at a time. */
  databaseUrl: string;
  newId: () => string;
  /** The name bills are issued under. */
  organisation: string;
  /** What a bill's payment QR code carries. */
  paymentCodes: PaymentCodeScheme;
  /** The style of customers outside a running style pilot's arms. */
  defaultStyle: BillStyle;
  /** What one letter, SMS and e-mail cost, in cents. */
  costs: UnitCosts;
  /** The fewest customers an arm shown to pilot managers may count. */
  minimumGroup: number;
}

/** How many bills the billing run reads at a time. */
const RUN_BATCH = 200;

/**
 * Bill communications: each issued bill sent once in its customer's style, its personal page,
 * PDF and payment, and the style pilots' report.
 */
export function createBillsChannel(deps: BillsChannelDeps) {
  const { stores, clock } = deps;
  const communications = createPostgresBillCommunications(deps.db, { newId: deps.newId, clock });
  const billLinks = createBillLinks({
    links: deps.links,
    communications,
    customers: stores.customers,
    billing: stores.billing,
    interactions: stores.interactions,
    clock,
    address: (token) => `${deps.publicUrl}/b/${encodeURIComponent(token)}`,
  });
  const document = communicatedBillDocument({
    organisation: deps.organisation,
    paymentCodes: deps.paymentCodes,
  });
  const sender = createBillSender({
    billing: stores.billing,
    customers: stores.customers,
    interactions: stores.interactions,
    communications,
    billLinks,
    outbox: stores.outbox,
    pilots: stores.pilots,
    defaultStyle: deps.defaultStyle,
    clock,
    document,
  });

  /**
   * The billing run of one issue day: every bill not sent yet, once each, with the paper ones in a
   * print batch written in `printDir`. The folder is proved writable before anything is sent, and
   * the letters are recorded as sent only once their batch is written: a run that cannot write it
   * leaves them unsent, for the next run to print. One run of a day at a time: a second one
   * started meanwhile is refused. Answers how many went out per style and medium.
   */
  const sendIssued = (issuedOn: string, options: { printDir: string }) =>
    oneAtATime(
      deps.databaseUrl,
      `billing run:${issuedOn}`,
      () => runOf(issuedOn, options),
      () =>
        new ChannelPilotError('conflict', `another billing run of ${issuedOn} is under way`, {
          hint: 'wait for it to end, then run again: it sends what that run left',
        }),
    );

  async function runOf(
    issuedOn: string,
    options: { printDir: string },
  ): Promise<{ tally: Map<string, number>; printed: number }> {
    const folder = options.printDir;
    const unmake = await provePrintable(folder);
    const tally = new Map<string, number>();
    const count = (c: { style: string; medium: string }) => {
      const key = `${c.style} by ${c.medium}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    };
    const letters: Letter[] = [];
    for (let after: string | undefined; ;) {
      const ids = await communications.uncommunicated(issuedOn, RUN_BATCH, after);
      if (ids.length === 0) break;
      after = ids.at(-1);
      for (const id of ids) {
        const { communication, letter } = await sender.prepare(id);
        if (letter) letters.push(letter);
        else count(communication);
      }
    }
    if (letters.length === 0) {
      await unmake();
      return { tally, printed: 0 };
    }
    try {
      await writePrintBatch(letters, folder, document);
    } catch (error) {
      const sent = [...tally.values()].reduce((sum, n) => sum + n, 0);
      throw new ChannelPilotError(
        'unavailable',
        `the print batch could not be written in ${folder}: ${folderProblem(error, 'write')}. ` +
          `${letters.length} paper bills were not recorded as sent (${sent} others went out by e-mail or SMS)`,
        { cause: error, hint: 'run again with a folder that can be written to: it prints them' },
      );
    }
    for (const letter of letters) count(await sender.recordLetter(letter));
    return { tally, printed: letters.length };
  }

  /**
   * A style pilot's figures per arm as of now; contacts about a bill counted `withinDays` after it
   * was sent, bills not yet due counted apart from the on-time rate.
   */
  const report = (pilotId: string, withinDays: number) =>
    styleReportOf(communications, pilotId, { costs: deps.costs, withinDays, now: clock.now() });

  return {
    registration: billsChannel,
    routes(kit) {
      describeBillRoutes(kit);
      registerStyleReportRoute(kit, { pilots: stores.pilots, report, minimumGroup: deps.minimumGroup });
    },
    pages: [
      createBillRoutes({
        billLinks,
        actions: createBillPageActions({
          billLinks,
          customers: stores.customers,
          interactions: stores.interactions,
          booking: deps.booking,
          desk: deps.desk,
          linking: deps.linking,
          joinUrl: deps.joinUrl,
          clock,
        }),
        paymentLinks: deps.paymentLinks,
        document,
        kit: deps.pages,
        publicUrl: deps.publicUrl,
      }),
    ],
    commands: billCommands({ pilots: stores.pilots, communications, sendIssued, report }),
    communications,
    billLinks,
    sender,
    document,
    sendIssued,
    report,
  } satisfies ChannelModule & Record<string, unknown>;
}
export type BillsChannel = ReturnType<typeof createBillsChannel>;
