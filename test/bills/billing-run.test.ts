import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelPilotError, systemClock } from '../../core/index.ts';
import { composeForFile } from '../support/file-app.ts';
import { dualFuelTurin, postOnlyBologna, type Household } from '../support/households.ts';
import { firstPageImage, readQr } from '../support/pdf-pages.ts';

// The billing run of one issue day, when the print batch cannot be written: the paper bills must
// not be recorded as sent, so that the next run prints them. Bills of 4 March 2026: a couple in
// Turin (electricity and gas, e-mail) and a household in Bologna with three supplies that took
// its e-mail consent back (post only; two of its bills are issued that day).

const PUBLIC_URL = 'https://bollette.example.it';
const ISSUED_ON = '2026-03-04';
const compose = composeForFile(PUBLIC_URL);
type Composed = Awaited<ReturnType<typeof compose>>;

const scratch = mkdtempSync(join(tmpdir(), 'billing-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let now = new Date('2026-03-05T06:30:00Z');
const clock = { now: () => now };

async function households(composed: Composed) {
  const turin = await dualFuelTurin(composed.stores);
  const bologna = await postOnlyBologna(composed.stores);
  return { turin, bologna };
}

const ofDay = (home: Household) =>
  Object.values(home.bills).flatMap((b) => b.filter((x) => x.issuedOn === ISSUED_ON));

/** What the rows say was sent to a household: communications, outbound contacts, messages. */
async function sentTo(composed: Composed, home: Household) {
  const communications = await Promise.all(
    ofDay(home).map((b) => composed.bills.communications.forBill(b.id)),
  );
  const contacts = await composed.stores.interactions.forCustomer(home.customer.id, { limit: 50 });
  const messages = await composed.stores.outbox.recent({ limit: 50, customerId: home.customer.id });
  return {
    communications: communications.filter((c) => c !== undefined),
    outbound: contacts.filter((c) => c.direction === 'outbound'),
    messages,
  };
}

const manifestOf = (folder: string) =>
  parse(readFileSync(join(folder, 'manifest.csv')), { columns: true }) as Record<string, string>[];

async function refusal(work: Promise<unknown>): Promise<ChannelPilotError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ChannelPilotError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe('the billing run, when the print batch cannot be written', () => {
  it('sends nothing when the print folder lies under a file, names the folder and why, and the next run prints the letters', async () => {
    now = new Date('2026-03-05T06:30:00Z');
    const composed = await compose(clock);
    const { turin, bologna } = await households(composed);
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, 'a file where the operator meant a folder');
    const printDir = join(file, 'print', ISSUED_ON);

    const error = await refusal(composed.bills.sendIssued(ISSUED_ON, { printDir }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(
      `cannot write the print batch in ${printDir}: a part of the path is a file, not a folder`,
    );
    for (const home of [turin, bologna]) {
      const sent = await sentTo(composed, home);
      expect(sent.communications).toEqual([]);
      expect(sent.outbound).toEqual([]);
      expect(sent.messages).toEqual([]);
    }

    const good = join(scratch, 'print-1', ISSUED_ON);
    const run = await composed.bills.sendIssued(ISSUED_ON, { printDir: good });
    expect(run.printed).toBe(2);
    expect(
      manifestOf(good)
        .map((r) => r.bill_number)
        .sort(),
    ).toEqual(
      ofDay(bologna)
        .map((b) => b.number)
        .sort(),
    );
    expect((await sentTo(composed, bologna)).communications.map((c) => c.medium)).toEqual(['post', 'post']);
    expect((await sentTo(composed, turin)).messages).toHaveLength(2);
  });

  it('refuses a folder on a file system that takes no new folders (/proc) at once, and a folder it cannot write in', async () => {
    const composed = await compose(clock);
    const { bologna } = await households(composed);
    for (const [printDir, why] of [
      ['/proc/channel-pilot/print', 'folders cannot be created there'],
      ['/proc/self', 'files cannot be written there'],
    ] as const) {
      const started = Date.now();
      const error = await refusal(composed.bills.sendIssued(ISSUED_ON, { printDir }));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toBe(`cannot write the print batch in ${printDir}: ${why}`);
    }
    expect((await sentTo(composed, bologna)).communications).toEqual([]);
    // Left for the next run, which prints them.
    const good = join(scratch, 'print-2');
    expect((await composed.bills.sendIssued(ISSUED_ON, { printDir: good })).printed).toBe(2);
  });

  it('leaves the letters unsent when the batch fails half-way on the real clock, and the next run prints them with links that open', async () => {
    const composed = await compose(systemClock);
    const { turin, bologna } = await households(composed);
    // Writable, but the manifest's name is taken by a folder: the PDFs are written, the manifest is not.
    const broken = join(scratch, 'broken');
    mkdirSync(join(broken, 'manifest.csv'), { recursive: true });
    const before = Date.now();

    const error = await refusal(composed.bills.sendIssued(ISSUED_ON, { printDir: broken }));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(`the print batch could not be written in ${broken}`);
    expect(error.message).toContain(
      '2 paper bills were not recorded as sent (2 others went out by e-mail or SMS)',
    );
    const paper = await sentTo(composed, bologna);
    expect(paper.communications).toEqual([]);
    expect(paper.outbound).toEqual([]);
    // The e-mails went out: their rows say so, stamped now.
    const mailed = await sentTo(composed, turin);
    expect(mailed.communications.map((c) => c.medium)).toEqual(['email', 'email']);
    expect(mailed.messages.map((m) => m.medium)).toEqual(['email', 'email']);
    for (const c of mailed.communications) {
      expect(c.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(c.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    }

    // None of the failed batch's letters stays behind to be printed.
    expect(readdirSync(broken).filter((name) => name.endsWith('.pdf'))).toEqual([]);

    const good = join(scratch, 'print-3');
    const again = await composed.bills.sendIssued(ISSUED_ON, { printDir: good });
    expect(again.printed).toBe(2);
    expect([...again.tally]).toEqual([['passive by post', 2]]);
    const manifest = manifestOf(good);
    const printed = await sentTo(composed, bologna);
    expect(printed.outbound.map((c) => c.channel)).toEqual(['paper_mail', 'paper_mail']);
    for (const row of manifest) {
      const bill = ofDay(bologna).find((b) => b.number === row.bill_number);
      const communication = printed.communications.find((c) => c.billId === bill?.id);
      if (!communication) throw new Error(`bill ${row.bill_number} was printed but not recorded`);
      expect(communication.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
      // The page's QR code on the letter opens the communication now recorded.
      const image = firstPageImage(readFileSync(join(good, row.file as string)));
      const link = readQr(image, { left: 0.5, top: 0.6, right: 1, bottom: 1 });
      expect(link).toBe(composed.bills.billLinks.url(communication));
      const token = decodeURIComponent(new URL(link as string).pathname.slice('/b/'.length));
      expect((await composed.bills.billLinks.communicationOf(token)).id).toBe(communication.id);
    }
    expect((await composed.bills.sendIssued(ISSUED_ON, { printDir: good })).printed).toBe(0);
  });

  it('adds a later run of the day to the folder’s batch, and a letter printed twice names one communication', async () => {
    const composed = await compose(clock);
    const { bologna } = await households(composed);
    const folder = join(scratch, 'same-day');
    expect((await composed.bills.sendIssued(ISSUED_ON, { printDir: folder })).printed).toBe(2);
    // Later that day, another household on paper: its letters follow, under the same header.
    const second = await postOnlyBologna(composed.stores);
    expect((await composed.bills.sendIssued(ISSUED_ON, { printDir: folder })).printed).toBe(2);
    const manifest = manifestOf(folder);
    expect(manifest.map((row) => row.sequence)).toEqual(['000001', '000002', '000003', '000004']);
    expect(readFileSync(join(folder, 'manifest.csv'), 'utf8').match(/^sequence,/gm)).toHaveLength(1);
    expect(readdirSync(folder).filter((name) => name.endsWith('.pdf'))).toHaveLength(4);
    expect(new Set(manifest.map((row) => row.bill_number))).toEqual(
      new Set([...ofDay(bologna), ...ofDay(second)].map((b) => b.number)),
    );

    // Two runs at once make the same letter: both name the communication recorded first.
    const third = await postOnlyBologna(composed.stores);
    const [bill] = ofDay(third);
    const one = await composed.bills.sender.prepare(bill!.id);
    const other = await composed.bills.sender.prepare(bill!.id);
    expect(one.letter?.pageUrl).toBe(other.letter?.pageUrl);
    const recorded = await composed.bills.sender.recordLetter(other.letter!);
    expect(recorded.id).toBe(one.letter!.communication.id);
  });

  it('refuses a second run of the day while one is under way, and prints each letter once', async () => {
    const composed = await compose(clock);
    const { turin, bologna } = await households(composed);
    const folder = join(scratch, 'at-once');
    const runs = await Promise.allSettled([
      composed.bills.sendIssued(ISSUED_ON, { printDir: folder }),
      composed.bills.sendIssued(ISSUED_ON, { printDir: folder }),
    ]);
    const done = runs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = runs.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ChannelPilotError);
    expect((refused[0] as ChannelPilotError).code).toBe('conflict');
    expect((refused[0] as ChannelPilotError).message).toBe(
      `another billing run of ${ISSUED_ON} is under way`,
    );
    // Each letter once: this household's two, and one an earlier test of the file left unsent.
    const manifest = manifestOf(folder);
    expect(done[0]?.printed).toBe(3);
    expect(manifest.map((row) => row.sequence)).toEqual(['000001', '000002', '000003']);
    expect(new Set(manifest.map((row) => row.bill_number)).size).toBe(3);
    for (const bill of ofDay(bologna)) expect(manifest.map((row) => row.bill_number)).toContain(bill.number);
    expect((await sentTo(composed, bologna)).outbound).toHaveLength(2);
    expect((await sentTo(composed, turin)).messages).toHaveLength(2);

    // Once it has ended, the day runs again (nothing left), and another day's run is not held up.
    const [later, otherDay] = await Promise.all([
      composed.bills.sendIssued(ISSUED_ON, { printDir: folder }),
      composed.bills.sendIssued('2026-03-05', { printDir: join(scratch, 'other-day') }),
    ]);
    expect(later.printed).toBe(0);
    expect(otherDay.tally.size).toBe(0);
  });
});
