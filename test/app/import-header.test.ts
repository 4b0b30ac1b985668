import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import {
  ChannelPilotError,
  createPostgresStores,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { registerStandards } from '../../core/evidence.ts';
import { runImport, type ImportRequest } from '../../app/import/run-import.ts';
import { openTestDatabase } from '../support/database.ts';
import { fixedClock } from '../support/fixtures.ts';

// Headers as other systems' exports really come: a title line above the header, the wrong
// delimiter, a column renamed by hand, a column left out. Every row of such a file would be
// rejected for the same column; the import stops at the header instead, saying what it lacks and
// what the header shows, and stores nothing.

let storage: StorageHandle;
let stores: Stores;

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../docs/examples/${name}.json`, import.meta.url), 'utf8'));

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock: fixedClock });
  await registerStandards(stores);
  await stores.importProfiles.save(example('calls_crm'));
  await stores.importProfiles.save(example('crm_customers'));
});

afterAll(async () => {
  await storage?.close();
});

/** The call centre's export as its CRM writes it: Windows-1252, CRLF. */
const latin1 = (lines: string[]) => Readable.from([Buffer.from(lines.join('\r\n') + '\r\n', 'latin1')]);

const calls = [
  'ID Chiamata;Codice Cliente;Canale;Motivo;Data Inizio;Data Fine;Esito;Note',
  'HD-1;C000101;Telefono;Bolletta alta;02/11/2026 09:12;02/11/2026 09:19;Risolto;Perché è più alta?',
  'HD-2;C000102;Negozio;Pagamento;02/11/2026 10:40;;Risolto;',
];

async function refusal(request: Omit<ImportRequest, 'format'>) {
  const before = await counts();
  const error = await runImport(
    { stores, clock: fixedClock },
    { format: 'csv', fileName: 'export.csv', ...request },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelPilotError);
  expect((error as ChannelPilotError).code).toBe('invalid_input');
  // Nothing of the file is stored.
  expect(await counts()).toEqual(before);
  return error as ChannelPilotError;
}

async function dryRun(request: Omit<ImportRequest, 'format' | 'kind' | 'dryRun'>) {
  const outcome = await runImport(
    { stores, clock: fixedClock },
    { kind: 'interactions', format: 'csv', dryRun: true, ...request },
  );
  return outcome.summary;
}

async function counts() {
  const { rows } = await sql<{ contacts: number; customers: number }>`select
    (select count(*)::int from interactions) as contacts,
    (select count(*)::int from customers) as customers`.execute(storage.db);
  return rows[0];
}

describe('an import whose header lacks what every row needs', () => {
  it('stops at a title line above the header, naming it and what the profile looks for', async () => {
    const error = await refusal({
      kind: 'interactions',
      profile: 'calls_crm',
      input: latin1(['', 'Esportazione chiamate - novembre 2026 (sede di Città di Castello)', ...calls]),
      runId: '0b0d5a7e-2d3c-4b59-9a43-6f1f0d1e6a01',
    });
    expect(error.message).toBe(
      'line 2: the header names no column for channel, reason, started_at, outcome (profile calls_crm reads ' +
        'channel from "Canale", reason from "Motivo", started_at from "Data Inizio", outcome from "Esito")',
    );
    expect(error.hint).toBe(
      'the header is read as one column, "Esportazione chiamate - novembre 2026 (sede di Città di Castello)": remove any line ' +
        'above the header (a title, the export’s date), or give the delimiter',
    );
    // The history says it failed, and why.
    expect(await stores.importRuns.get('0b0d5a7e-2d3c-4b59-9a43-6f1f0d1e6a01')).toMatchObject({
      status: 'failed',
      error: error.message,
    });
  });

  it('names the delimiter that splits a header read as one column', async () => {
    // Saved again by a spreadsheet set to English: commas, and the note quoted.
    const comma = calls.map((line) => line.replace(/;/g, ','));
    let error = await refusal({ kind: 'interactions', profile: 'calls_crm', input: latin1(comma) });
    expect(error.message).toMatch(
      /^line 1: the header names no column for channel, reason, started_at, outcome /,
    );
    expect(error.hint).toBe(
      'the header is read as one column with the delimiter ";", and "," splits it into columns: give that ' +
        'delimiter (`--delimiter`, `delimiter=` through the API, or the profile’s file.delimiter)',
    );
    // Ours, tab-separated, read with the comma given.
    const tabs = [
      'external_id\tcustomer_id\tchannel\ttouchpoint\tdirection\treason\tstarted_at\toutcome',
      'T-1\t\tweb\tself_service\tinbound\tpayment\t2026-11-02T10:00:00+01:00\tresolved',
    ];
    error = await refusal({
      kind: 'interactions',
      overrides: { source: 'tabs', delimiter: ',' },
      input: Readable.from([tabs.join('\n')]),
    });
    expect(error.message).toBe(
      'line 1: the header names no column for channel, direction, reason, started_at, outcome',
    );
    expect(error.hint).toMatch(/^the header is read as one column with the delimiter ",", and tab splits it/);
  });

  it('lists the header’s columns when one the profile reads is named otherwise, and a mapping mends it', async () => {
    // A newer version of the CRM calls the start "Inizio chiamata".
    const renamed = [calls[0]!.replace('Data Inizio', 'Inizio chiamata'), ...calls.slice(1)];
    const error = await refusal({ kind: 'interactions', profile: 'calls_crm', input: latin1(renamed) });
    expect(error.message).toBe(
      'line 1: the header names no column for started_at (profile calls_crm reads started_at from "Data Inizio")',
    );
    expect(error.hint).toBe(
      'its columns: "ID Chiamata", "Codice Cliente", "Canale", "Motivo", "Inizio chiamata", "Data Fine", "Esito", ' +
        '"Note"; name them in the profile’s columns, or with `--map their_column=started_at` (`map=` through the API)',
    );
    // Mapped for this file, every row is read (their customers are not imported here: rejected
    // one by one, for that and nothing else).
    const mapped = await dryRun({
      profile: 'calls_crm',
      overrides: { columns: { 'Inizio chiamata': 'started_at' } },
      input: latin1(renamed),
    });
    expect(mapped.read).toBe(2);
    expect(mapped.problems.map((p) => [p.column, p.count])).toEqual([['customer_ref', 2]]);
  });

  it('reads headings written with other case, accents or spacing as the profile’s or the product’s', async () => {
    // Exports that shout, retyped headings, and our own names as a spreadsheet titles them.
    const shouted = [calls[0]!.toUpperCase().replace('DATA INIZIO', 'data  inizio'), ...calls.slice(1)];
    const read = await dryRun({ profile: 'calls_crm', input: latin1(shouted) });
    expect(read.read).toBe(2);
    expect(read.problems.map((p) => [p.column, p.count])).toEqual([['customer_ref', 2]]);
    const titled = [
      'External ID;Channel;Touchpoint;Direction;Reason;Started At;Outcome;Détails',
      'T-7;Web;self_service;Inbound;payment;2026-11-04T18:00:00+01:00;Resolved;"{""device"":""app""}"',
    ].join('\n');
    const ours = await dryRun({ overrides: { source: 'titled' }, input: Readable.from([titled]) });
    expect(ours).toMatchObject({ read: 1, valid: 1, rejected: 0 });
    expect(ours.preview[0]).toMatchObject({
      external_id: 'T-7',
      channel: 'web',
      direction: 'inbound',
      outcome: 'resolved',
      details: { device: 'app' },
    });
  });

  it('lets a profile’s default stand for a column the file leaves out, and refuses without one', async () => {
    const shopVisits = [
      'external_id,channel,touchpoint,reason,started_at,outcome',
      'S-1,shop,counter,moving,2026-11-03T09:30:00+01:00,resolved',
      'S-2,shop,counter,payment,2026-11-03T09:45:00+01:00,resolved',
    ].join('\n');
    const error = await refusal({
      kind: 'interactions',
      overrides: { source: 'shop_visits' },
      input: Readable.from([shopVisits]),
      dryRun: true,
    });
    expect(error.message).toBe('line 1: the header names no column for direction');
    await stores.importProfiles.save({
      name: 'shop_visits',
      source: 'shop_visits',
      defaults: { direction: 'inbound' },
    });
    const imported = await runImport(
      { stores, clock: fixedClock },
      { kind: 'interactions', format: 'csv', profile: 'shop_visits', input: Readable.from([shopVisits]) },
    );
    expect(imported.summary).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    expect((await stores.interactions.fromSource('shop_visits', 'S-2'))?.direction).toBe('inbound');
  });

  it('checks a customer export’s header against what a customer needs, defaults counted', async () => {
    // The CRM's list without the surname column; its profile gives segment and locale.
    const clienti = [
      'Codice\tNome\tSegmento\tCellulare',
      'C000201\tAnna Maria\tFamiglia\t347 123 4567',
      'C000202\tNicolò\tAnziano\t',
    ].join('\n');
    let error = await refusal({
      kind: 'customers',
      profile: 'crm_customers',
      input: Readable.from([clienti]),
    });
    expect(error.message).toBe(
      'line 1: the header names no column for last_name (profile crm_customers reads last_name from "Cognome")',
    );
    // With the plain profile, none of it is ours, and segment and locale have no default.
    error = await refusal({ kind: 'customers', input: Readable.from([clienti]) });
    expect(error.message).toBe(
      'line 1: the header names no column for customer_ref, first_name, last_name, segment, locale',
    );
    const whole = clienti
      .replace('Codice\tNome\t', 'Codice\tNome\tCognome\t')
      .replace(/\n(C\d+\t[^\t]+\t)/g, '\n$1Esposito\t');
    const imported = await runImport(
      { stores, clock: fixedClock },
      { kind: 'customers', format: 'csv', profile: 'crm_customers', input: Readable.from([whole]) },
    );
    expect(imported.summary).toMatchObject({ read: 2, rejected: 0 });
    const stored = await stores.customers.byReference('crm', ['C000201', 'C000202']);
    expect([...stored.values()].map((c) => [c.firstName, c.lastName, c.segment, c.locale])).toEqual([
      ['Anna Maria', 'Esposito', 'family', 'it-IT'],
      ['Nicolò', 'Esposito', 'senior', 'it-IT'],
    ]);
  });

  it('leaves JSON Lines, which have no header, to reject each row that lacks a key', async () => {
    const summary = (
      await runImport(
        { stores, clock: fixedClock },
        {
          kind: 'interactions',
          format: 'jsonl',
          overrides: { source: 'keys' },
          input: Readable.from(['{"channel":"web","reason":"payment"}\n']),
          dryRun: true,
        },
      )
    ).summary;
    expect(summary.problems.map((p) => `${p.column} ${p.problem}`)).toEqual([
      'touchpoint is missing, and profile plain names no touchpoint for web (its touchpoints: self_service, contact_form, payment_page)',
      'direction is missing',
      'started_at is missing',
      'outcome is missing',
    ]);
  });

  it('refuses a file with nothing in it, naming it, and reads a header without rows as 0 rows', async () => {
    for (const [kind, body] of [
      ['interactions', Buffer.alloc(0)],
      // A byte order mark and blank lines are no header either.
      ['customers', Buffer.from('\ufeff\r\n\r\n', 'utf8')],
    ] as const) {
      const error = await refusal({
        kind,
        profile: kind === 'customers' ? 'crm_customers' : 'calls_crm',
        input: Readable.from([body]),
        fileName: 'chiamate-novembre.csv',
      });
      expect(error.message).toBe('chiamate-novembre.csv is empty: it has no header line, nor any row');
    }
    const lines = await runImport(
      { stores, clock: fixedClock },
      { kind: 'interactions', format: 'jsonl', overrides: { source: 'keys' }, input: Readable.from(['\n']) },
    ).catch((e: unknown) => e);
    expect((lines as ChannelPilotError).message).toBe('the file is empty: it has no line');

    const headerOnly = await dryRun({ profile: 'calls_crm', input: latin1([calls[0]!]), fileName: 'x.csv' });
    expect(headerOnly).toMatchObject({ read: 0, imported: 0, rejected: 0 });
  });
});
