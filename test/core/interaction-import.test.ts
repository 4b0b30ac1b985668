import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import {
  ChannelPilotError,
  createPostgresStores,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { registerStandards } from '../../core/evidence.ts';
import {
  ImportProfile,
  REJECTIONS_KEPT,
  importInteractions,
  plainProfile,
  type ImportRow,
  type ImportSummary,
} from '../../core/imports.ts';
import { parseMapping, readImportFile } from '../../app/import/import-files.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { fixedClock, gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock: fixedClock });
  await registerStandards(stores);
});

afterAll(async () => {
  await storage?.close();
});

const header =
  'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome,details';

/** A file as it arrives: in small chunks, so that rows and quoted fields straddle chunk borders. */
function stream(text: string, chunkSize = 7): Readable {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  return Readable.from(chunks);
}

function importAs(source: string, rows: AsyncIterable<ImportRow>, onBatch?: (s: ImportSummary) => void) {
  return importInteractions({
    rows,
    source,
    profile: plainProfile(),
    zone: 'Europe/Rome',
    interactions: stores.interactions,
    customers: stores.customers,
    channels: stores.channels,
    reasons: stores.reasons,
    ...(onBatch ? { onBatch } : {}),
  });
}

const importCsv = (source: string, text: string, map?: string) =>
  importAs(source, readImportFile(stream(text), { format: 'csv' }, parseMapping(map)));

async function storedCount(source: string): Promise<number> {
  const { rows } = await sql<{ n: number; ids: number }>`
    select count(*)::int as n, count(distinct external_id)::int as ids
    from interactions where source = ${source}`.execute(storage.db);
  const [row] = rows;
  // Every row once: as many distinct ids as rows.
  expect(row?.ids).toBe(row?.n);
  return row?.n ?? 0;
}

const newCustomer = async () =>
  stores.customers.create({ firstName: 'Marco', lastName: 'Bianchi', locale: 'it-IT', segment: 'family' });

const byLine = (summary: ImportSummary) => [...summary.rejections].sort((a, b) => a.line - b.line);

describe(`importing contacts of the existing channels on the ${databaseKind} database`, () => {
  it('imports the good rows of a CSV file into journeys and rejects each bad one with its line and column', async () => {
    const { customer: giulia } = await gasCustomer(stores);
    const marco = await newCustomer();
    const stranger = randomUUID();
    const g = giulia.id;
    // CRLF, as spreadsheets write it; line 3 holds a details field spanning two lines (3 and 4).
    const lines = [
      header,
      `c-1,${g},call_centre,ivr,inbound,bill_explanation,2026-02-02T09:00:00+01:00,2026-02-02T09:04:00+01:00,abandoned,`,
      `c-2,${g},call_centre,agent,inbound,bill_explanation,2026-02-04T10:00:00+01:00,2026-02-04T10:12:00+01:00,handed_off,"{""wait_seconds"": 95,`,
      ` ""note"": ""two lines""}"`,
      `c-3,${g},shop,counter,inbound,bill_explanation,2026-02-10T11:00:00+01:00,,resolved,`,
      `c-4,${g},web,self_service,inbound,bill_explanation,2026-02-18T08:30:00Z,,resolved,`,
      '',
      `c-5,${marco.id},email,inbox,inbound,payment,2026-02-05T15:00:00+01:00,,resolved,`,
      `c-6,,sms,link,outbound,payment,2026-02-06T15:00:00+01:00,,resolved,`,
      `c-7,${g},web,self_service,inbound,payment`,
      `c-8,${g},web,self_service,inbound,payment,31/02/2026 09:00,,resolved,`,
      `c-9,${g},fax,machine,inbound,payment,2026-02-07T09:00:00+01:00,,resolved,`,
      `c-10,${g},call_centre,counter,inbound,payment,2026-02-07T09:00:00+01:00,,resolved,`,
      `c-11,${stranger},web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,,resolved,`,
      `c-12,${g},web,self_service,sideways,payment,2026-02-07T09:00:00+01:00,,resolved,`,
      `c-13,${g},web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,,maybe,`,
      `c-14,${g},web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,,resolved,{not json`,
      `c-15,${g},web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,2026-02-07T08:00:00+01:00,resolved,`,
      `c-16,not-a-customer,web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,,resolved,`,
      `c-17,${g},web,self_service,inbound,payment,2026-02-07T09:00:00+01:00,,continued,`,
      `c-18,${g},web,self_service,inbound,payment,,,resolved,`,
    ];
    const summary = await importCsv('history_csv', `${lines.join('\r\n')}\r\n`);

    expect(byLine(summary)).toEqual([
      { line: 10, reason: 'started_at: is missing; outcome: is missing' },
      {
        line: 11,
        reason:
          'started_at: "31/02/2026 09:00" is not a date-time like dd/MM/yyyy HH:mm:ss (Europe/Rome) or ISO 8601 with offset',
      },
      {
        line: 12,
        reason: 'channel: "fax" is not a registered channel (call_centre, email, paper_mail, shop, sms, web)',
      },
      {
        line: 13,
        reason: 'touchpoint: "counter" is not a touchpoint of call_centre (ivr, agent, callback)',
      },
      { line: 14, reason: `customer_id: "${stranger}" is no customer here` },
      { line: 15, reason: 'direction: "sideways" is not a direction (inbound, outbound)' },
      {
        line: 16,
        reason: 'outcome: "maybe" is not an outcome (resolved, handed_off, abandoned, failed)',
      },
      { line: 17, reason: 'details: "{not json" is not a JSON object' },
      { line: 18, reason: 'ended_at: "2026-02-07T08:00:00+01:00" is before started_at' },
      { line: 19, reason: expect.stringMatching(/^customer_id: "not-a-customer" is not a customer id/) },
      { line: 20, reason: 'outcome: "continued" is for live conversations, not imports' },
      { line: 21, reason: 'started_at: is missing' },
    ]);
    expect(summary).toMatchObject({ read: 18, imported: 6, alreadyThere: 0, rejected: 12 });
    expect(await storedCount('history_csv')).toBe(6);

    // Giulia's bill question: the IVR, then an advisor two days later, then the shop six days
    // after that: one journey, steps 1, 2, 3. Her web visit, 7.9 days after the shop, opens a new one.
    const hers = (await stores.interactions.forCustomer(g, { limit: 10 })).reverse();
    expect(hers.map((i) => [i.externalId, i.channel, i.journeyStep])).toEqual([
      ['c-1', 'call_centre', 1],
      ['c-2', 'call_centre', 2],
      ['c-3', 'shop', 3],
      ['c-4', 'web', 1],
    ]);
    const [ivr, agent, shop, web] = hers;
    expect(agent?.journeyId).toBe(ivr?.journeyId);
    expect(shop?.journeyId).toBe(ivr?.journeyId);
    expect(web?.journeyId).not.toBe(ivr?.journeyId);
    expect(ivr).toMatchObject({
      startedAt: new Date('2026-02-02T08:00:00Z'),
      endedAt: new Date('2026-02-02T08:04:00Z'),
      outcome: 'abandoned',
      direction: 'inbound',
      touchpoint: 'ivr',
      reason: 'bill_explanation',
    });
    expect(agent?.details).toEqual({ wait_seconds: 95, note: 'two lines' });
    expect(web?.startedAt).toEqual(new Date('2026-02-18T08:30:00Z'));
    expect((await stores.interactions.journey(ivr?.journeyId as string)).map((i) => i.externalId)).toEqual([
      'c-1',
      'c-2',
      'c-3',
    ]);
    const anonymous = await stores.interactions.fromSource('history_csv', 'c-6');
    expect(anonymous).toMatchObject({
      customerId: null,
      channel: 'sms',
      direction: 'outbound',
      journeyStep: 1,
    });
    const [his] = await stores.interactions.forCustomer(marco.id, { limit: 10 });
    expect(his).toMatchObject({ externalId: 'c-5', source: 'history_csv', journeyStep: 1 });

    // The same file again: nothing new, the same rejections.
    const again = await importCsv('history_csv', `${lines.join('\r\n')}\r\n`);
    expect(again).toMatchObject({ read: 18, imported: 0, alreadyThere: 6, rejected: 12 });
    expect(await storedCount('history_csv')).toBe(6);
    expect(await stores.interactions.forCustomer(g, { limit: 10 })).toHaveLength(4);
  });

  it('imports JSON Lines, rejecting lines that are not JSON objects with their line number', async () => {
    const customer = await newCustomer();
    const contact = (overrides: Record<string, unknown>) =>
      JSON.stringify({
        customer_id: customer.id,
        channel: 'web',
        touchpoint: 'contact_form',
        direction: 'inbound',
        reason: 'meter_reading',
        started_at: '2026-01-10T10:00:00+01:00',
        outcome: 'resolved',
        ...overrides,
      });
    const lines = [
      // A byte order mark, as some editors write one.
      `\uFEFF${contact({ external_id: 'j-1', details: { form: 'autolettura' } })}`,
      'this is not json',
      '[1, 2]',
      '',
      contact({
        external_id: 'j-2',
        started_at: '2026-01-12T10:00:00+01:00',
        channel: 'call_centre',
        touchpoint: 'agent',
      }),
      contact({ external_id: 'j-3', details: '{"broken' }),
      '42',
      contact({ external_id: 'j-4', reason: undefined }),
      contact({ external_id: 'j-5', started_at: '2026-01-20T10:00:00+01:00', details: '{"from": "string"}' }),
      contact({ external_id: 'j-6', started_at: 'yesterday' }),
    ];
    const summary = await importAs(
      'history_jsonl',
      readImportFile(stream(lines.join('\n')), { format: 'jsonl' }),
    );
    expect(summary.rejections).toEqual([
      { line: 2, reason: 'is not valid JSON' },
      { line: 3, reason: 'is not a JSON object' },
      { line: 6, reason: String.raw`details: "{\"broken" is not a JSON object` },
      { line: 7, reason: 'is not a JSON object' },
      { line: 8, reason: 'reason: is missing' },
      {
        line: 10,
        reason:
          'started_at: "yesterday" is not a date-time like dd/MM/yyyy HH:mm:ss (Europe/Rome) or ISO 8601 with offset',
      },
    ]);
    expect(summary).toMatchObject({ read: 9, imported: 3, alreadyThere: 0, rejected: 6 });
    const stored = (await stores.interactions.forCustomer(customer.id, { limit: 10 })).reverse();
    // 10 → 12 January: two days, one journey; 20 January is eight days after the 12th: a new one.
    expect(stored.map((i) => [i.externalId, i.journeyStep, i.details])).toEqual([
      ['j-1', 1, { form: 'autolettura' }],
      ['j-2', 2, {}],
      ['j-5', 1, { from: 'string' }],
    ]);
    expect(stored[1]?.journeyId).toBe(stored[0]?.journeyId);
    expect(stored[2]?.journeyId).not.toBe(stored[0]?.journeyId);

    const again = await importAs(
      'history_jsonl',
      readImportFile(stream(lines.join('\n')), { format: 'jsonl' }),
    );
    expect(again).toMatchObject({ imported: 0, alreadyThere: 3, rejected: 6 });
    expect(await storedCount('history_jsonl')).toBe(3);
  });

  it('recognises a row without external_id by its content, whatever the order of the columns', async () => {
    const customer = await newCustomer();
    const c = customer.id;
    const first = [
      'customer_id,channel,touchpoint,direction,reason,started_at,outcome',
      `${c},shop,counter,inbound,contract_change,2026-01-05T10:00:00+01:00,resolved`,
      `${c},shop,counter,inbound,contract_change,2026-01-05T10:00:00+01:00,handed_off`,
      // The very same contact twice in one file is one contact.
      `${c},shop,counter,inbound,contract_change,2026-01-05T10:00:00+01:00,resolved`,
    ].join('\n');
    expect(await importCsv('shop_ledger', first)).toMatchObject({ read: 3, imported: 2, alreadyThere: 1 });

    const reordered = [
      'outcome,started_at,reason,direction,touchpoint,channel,customer_id',
      `handed_off,2026-01-05T10:00:00+01:00,contract_change,inbound,counter,shop,${c}`,
      `resolved,2026-01-05T10:00:00+01:00,contract_change,inbound,counter,shop,${c}`,
      `resolved,2026-01-06T10:00:00+01:00,contract_change,inbound,counter,shop,${c}`,
    ].join('\n');
    expect(await importCsv('shop_ledger', reordered)).toMatchObject({
      read: 3,
      imported: 1,
      alreadyThere: 2,
    });
    expect(await storedCount('shop_ledger')).toBe(3);
  });

  it('keeps calls that ran across either clock change, in Rome local time, with their real length', async () => {
    const customer = await newCustomer();
    const c = customer.id;
    const calls = [
      'ID Chiamata;Cliente;Canale;Punto;Direzione;Motivo;Inizio;Fine;Esito',
      // Autumn: begun at 02:50 summer time, ended 20 minutes later at 02:10 winter time.
      `CHDST05;${c};call_centre;agent;inbound;fault;25/10/2026 02:50:00;25/10/2026 02:10:00;resolved`,
      // Autumn, both in the repeated hour and in order: read as summer time, as the rule says.
      `CHDST06;${c};call_centre;agent;inbound;fault;25/10/2026 02:30:00;25/10/2026 02:35:00;resolved`,
      // Spring: begun 01:50 winter time, ended 03:10 summer time, 20 minutes across the missing hour.
      `CHDST01;${c};call_centre;agent;inbound;payment;29/03/2026 01:50:00;29/03/2026 03:10:00;resolved`,
      // An end before its start that no clock change explains is still refused.
      `CHDST09;${c};call_centre;agent;inbound;payment;24/10/2026 02:50:00;24/10/2026 02:10:00;resolved`,
    ].join('\r\n');
    const summary = await importCsv(
      'centralino_dst',
      calls,
      'ID Chiamata=external_id,Cliente=customer_id,Canale=channel,Punto=touchpoint,Direzione=direction,Motivo=reason,Inizio=started_at,Fine=ended_at,Esito=outcome',
    );
    expect(summary).toMatchObject({ read: 4, imported: 3, rejected: 1 });
    expect(summary.localTimes).toEqual({ gap: 0, repeated: 3, repeatedEnd: 1 });
    expect(summary.rejections).toEqual([
      { line: 5, reason: 'ended_at: "24/10/2026 02:10:00" is before started_at' },
    ]);
    const times = async (id: string) => {
      const call = await stores.interactions.fromSource('centralino_dst', id);
      return [call?.startedAt.toISOString(), call?.endedAt?.toISOString()];
    };
    expect(await times('CHDST05')).toEqual(['2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z']);
    expect(await times('CHDST06')).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T00:35:00.000Z']);
    expect(await times('CHDST01')).toEqual(['2026-03-29T00:50:00.000Z', '2026-03-29T01:10:00.000Z']);
  });

  it('renames the columns of another system by a mapping, in CSV and in JSON Lines', async () => {
    const customer = await newCustomer();
    const map =
      'ticket=external_id, client=customer_id,medium=channel,point=touchpoint,dir=direction,topic=reason,' +
      'opened=started_at,closed=ended_at,result=outcome';
    const csv = [
      'ticket,client,medium,point,dir,topic,opened,closed,result,agent_team',
      `T-100,${customer.id},call_centre,agent,inbound,outage,2026-03-01T20:00:00+01:00,2026-03-01T20:09:00+01:00,resolved,night`,
    ].join('\n');
    const summary = await importCsv('crm_export', csv, map);
    expect(summary).toMatchObject({ read: 1, imported: 1, rejected: 0 });
    expect(await stores.interactions.fromSource('crm_export', 'T-100')).toMatchObject({
      customerId: customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      reason: 'outage',
      startedAt: new Date('2026-03-01T19:00:00Z'),
      endedAt: new Date('2026-03-01T19:09:00Z'),
      outcome: 'resolved',
    });

    const jsonl = JSON.stringify({
      ticket: 'T-101',
      client: customer.id,
      medium: 'email',
      point: 'inbox',
      dir: 'inbound',
      topic: 'outage',
      opened: '2026-03-02T08:00:00+01:00',
      result: 'resolved',
    });
    const fromJsonl = await importAs(
      'crm_export',
      readImportFile(stream(jsonl), { format: 'jsonl' }, parseMapping(map)),
    );
    expect(fromJsonl).toMatchObject({ read: 1, imported: 1, rejected: 0 });
    const second = await stores.interactions.fromSource('crm_export', 'T-101');
    expect(second).toMatchObject({ channel: 'email', journeyStep: 2 });
  });

  it('imports a file of several batches whole, continuing journeys across batches', async () => {
    const customer = await newCustomer();
    const total = 4500;
    const start = Date.parse('2025-06-01T00:00:00Z');
    const rows = [header];
    // Every hour for 187 days, the same reason: one journey of 4,500 steps.
    for (let i = 0; i < total; i++) {
      const at = new Date(start + i * 3_600_000).toISOString();
      rows.push(`b-${i},${customer.id},web,self_service,inbound,payment,${at},,resolved,`);
    }
    const batches: number[] = [];
    const summary = await importAs(
      'big_file',
      readImportFile(stream(rows.join('\n'), 64 * 1024), { format: 'csv' }),
      (progress) => batches.push(progress.imported),
    );
    expect(summary).toMatchObject({ read: total, imported: total, alreadyThere: 0, rejected: 0 });
    expect(batches).toEqual([2000, 4000, 4500]);
    expect(await storedCount('big_file')).toBe(total);
    const [last] = await stores.interactions.forCustomer(customer.id, { limit: 1 });
    const journey = await stores.interactions.journey(last?.journeyId as string);
    expect(journey.map((i) => i.journeyStep)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(journey.map((i) => i.externalId)).toEqual(Array.from({ length: total }, (_, i) => `b-${i}`));
  });

  it('keeps contacts of unknown CRM codes anonymous and adds unknown reasons to the catalogue when the profile says so', async () => {
    const [known] = await stores.customers.createMany([
      {
        firstName: 'Rosa',
        lastName: 'Conti',
        locale: 'it-IT',
        segment: 'senior',
        reference: { source: 'gestionale', ref: 'A-77' },
      },
    ]);
    const profile = ImportProfile.parse({
      name: 'sportelli',
      customerSource: 'gestionale',
      unknownCustomers: 'anonymous',
      unknownReasons: 'create',
      newReasonGroup: 'supply',
      locale: 'it-IT',
      columns: { Cliente: 'customer_ref', Motivo: 'reason', Quando: 'started_at', Esito: 'outcome' },
      values: { outcome: { Fatto: 'resolved', Respinto: 'rejected' } },
      defaults: { channel: 'shop', direction: 'inbound' },
    });
    const csv = [
      'Cliente;Motivo;Quando;Esito',
      'A-77;Voltura contatore;02/03/2026 10:00;Fatto',
      'Z-99;Voltura contatore;02/03/2026 11:00;fatto',
      'A-77;Trasloco;03/03/2026 10:00;FATTO',
      'A-77;Trasloco;03/03/2026 12:00;Respinto',
    ].join('\n');
    const dry = await importInteractions({
      rows: readImportFile(stream(csv), { format: 'csv' }, profile.columns),
      source: 'sportelli',
      profile,
      zone: 'Europe/Rome',
      dryRun: true,
      interactions: stores.interactions,
      customers: stores.customers,
      channels: stores.channels,
      reasons: stores.reasons,
    });
    expect(dry).toMatchObject({ dryRun: true, read: 4, valid: 3, imported: 3, anonymised: 1, rejected: 1 });
    expect(dry.rejections).toEqual([
      {
        line: 5,
        reason:
          'outcome: "Respinto" is mapped by profile sportelli to rejected, which is not an outcome (resolved, handed_off, abandoned, failed)',
      },
    ]);
    expect(dry.createdReasons).toEqual(['voltura_contatore']);
    expect(dry.preview.map((r) => [r.customer_id, r.customer_ref, r.reason, r.touchpoint])).toEqual([
      [known?.id, 'A-77', 'voltura_contatore', 'counter'],
      [null, 'Z-99', 'voltura_contatore', 'counter'],
      [known?.id, 'A-77', 'moving', 'counter'],
    ]);
    // The dry run wrote nothing: no contact, no reason.
    expect(await storedCount('sportelli')).toBe(0);
    expect((await stores.reasons.reasons()).map((r) => r.code)).not.toContain('voltura_contatore');

    const run = await importInteractions({
      rows: readImportFile(stream(csv), { format: 'csv' }, profile.columns),
      source: 'sportelli',
      profile,
      zone: 'Europe/Rome',
      interactions: stores.interactions,
      customers: stores.customers,
      channels: stores.channels,
      reasons: stores.reasons,
    });
    expect(run).toMatchObject({
      imported: 3,
      anonymised: 1,
      rejected: 1,
      createdReasons: ['voltura_contatore'],
    });
    expect((await stores.reasons.reasons()).find((r) => r.code === 'voltura_contatore')).toEqual({
      code: 'voltura_contatore',
      labels: { 'it-IT': 'Voltura contatore' },
      group: 'supply',
    });
    const hers = await stores.interactions.forCustomer(known?.id as string, { limit: 5 });
    expect(hers.map((i) => [i.reason, i.channel, i.direction])).toEqual([
      ['moving', 'shop', 'inbound'],
      ['voltura_contatore', 'shop', 'inbound'],
    ]);
    // Without the profile's leave, an unknown reason is a rejection naming the catalogue.
    const strict = await importCsv(
      'strict_reasons',
      [header, `s-1,,web,self_service,inbound,voltura_contatore_bis,2026-01-01T10:00:00Z,,resolved,`].join(
        '\n',
      ),
    );
    expect(strict.rejections[0]?.reason).toMatch(
      /^reason: "voltura_contatore_bis" is not a reason of the catalogue \(bill_copy, bill_explanation, /,
    );
  });

  it('creates a reason of its own for each label in another script, and refuses a label with no letter or digit', async () => {
    const profile = ImportProfile.parse({
      name: 'sportelli_esteri',
      unknownCustomers: 'anonymous',
      unknownReasons: 'create',
      locale: 'it-IT',
      columns: { Motivo: 'reason', Quando: 'started_at' },
      defaults: { channel: 'shop', direction: 'inbound', outcome: 'resolved' },
    });
    const run = (lines: string[], source: string, dryRun = false) =>
      importInteractions({
        dryRun,
        rows: readImportFile(
          stream(['Motivo;Quando', ...lines].join('\n')),
          { format: 'csv' },
          profile.columns,
        ),
        source,
        profile,
        zone: 'Europe/Rome',
        interactions: stores.interactions,
        customers: stores.customers,
        channels: stores.channels,
        reasons: stores.reasons,
      });
    const first = await run(
      ['Перевод;05/03/2026 10:00', 'Жалоба;05/03/2026 11:00', '???;05/03/2026 12:00', '—;05/03/2026 13:00'],
      'esteri_1',
    );
    expect(first).toMatchObject({ read: 4, imported: 2, rejected: 2 });
    expect(first.createdReasons).toHaveLength(2);
    expect(first.createdReasons.every((code) => /^r_[0-9a-f]{12}$/.test(code))).toBe(true);
    expect(first.rejections.map((r) => [r.line, r.reason.split(' is ')[0]])).toEqual([
      [4, 'reason: "???"'],
      [5, 'reason: "—"'],
    ]);
    const created = (await stores.reasons.reasons()).filter((r) => first.createdReasons.includes(r.code));
    expect(created.map((r) => r.labels['it-IT']).sort()).toEqual(['Жалоба', 'Перевод']);
    // The next export's same label is that reason again, found by its label.
    const perevod = created.find((r) => r.labels['it-IT'] === 'Перевод')?.code;
    const again = await run(['Перевод;06/03/2026 09:00'], 'esteri_2', true);
    expect(again).toMatchObject({ imported: 1, createdReasons: [] });
    expect(again.preview.map((r) => r.reason)).toEqual([perevod]);
  });

  it(`lists the first ${REJECTIONS_KEPT} rejections and counts all of them`, async () => {
    const rows = [header];
    for (let i = 0; i < REJECTIONS_KEPT + 500; i++)
      rows.push(`r-${i},,pigeon,loft,inbound,payment,2026-01-01T10:00:00Z,,resolved,`);
    rows.push('r-good,,web,self_service,inbound,payment,2026-01-01T10:00:00Z,,resolved,');
    const summary = await importCsv('many_bad', rows.join('\n'));
    expect(summary).toMatchObject({
      read: REJECTIONS_KEPT + 501,
      imported: 1,
      rejected: REJECTIONS_KEPT + 500,
    });
    expect(summary.rejections).toHaveLength(REJECTIONS_KEPT);
    expect(summary.rejections[0]).toEqual({
      line: 2,
      reason:
        'channel: "pigeon" is not a registered channel (call_centre, email, paper_mail, shop, sms, web)',
    });
    // One reason, counted whole, with its first lines.
    expect(summary.problems).toEqual([
      {
        column: 'channel',
        problem: 'is not a registered channel (call_centre, email, paper_mail, shop, sms, web)',
        count: REJECTIONS_KEPT + 500,
        lines: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        values: ['pigeon'],
      },
    ]);
    expect(summary.rejections.at(-1)?.line).toBe(REJECTIONS_KEPT + 1);
  });

  it('keeps what was read before a stream broke, and a rerun ends with every row exactly once', async () => {
    const customers = [await newCustomer(), await newCustomer(), await newCustomer()];
    const total = 6000;
    const row = (i: number): ImportRow => ({
      line: i + 2,
      fields: {
        external_id: `k-${i}`,
        customer_id: customers[i % 3]?.id,
        channel: i % 2 ? 'call_centre' : 'web',
        touchpoint: i % 2 ? 'agent' : 'self_service',
        direction: 'inbound',
        reason: ['payment', 'moving', 'outage'][(i % 7) % 3],
        started_at: new Date(Date.parse('2025-01-01T00:00:00Z') + i * 600_000).toISOString(),
        outcome: 'resolved',
      },
    });
    async function* rows(breakAfter?: number) {
      for (let i = 0; i < total; i++) {
        if (i === breakAfter) throw new Error('the disk went away');
        yield row(i);
      }
    }
    // 4,500 rows: two whole batches written on the way, and the 500 read since.
    await expect(importAs('broken_stream', rows(4500))).rejects.toThrow('the disk went away');
    expect(await storedCount('broken_stream')).toBe(4500);

    const rerun = await importAs('broken_stream', rows());
    expect(rerun).toMatchObject({ read: total, imported: 1500, alreadyThere: 4500, rejected: 0 });
    expect(await storedCount('broken_stream')).toBe(total);
    // And the journeys came out as if imported in one go: steps 1, 2, 3… with no gap or repeat.
    const { rows: steps } = await sql<{ ok: boolean }>`
      select bool_and(steps = expected) as ok from (
        select array_agg(journey_step order by journey_step) as steps,
               array_agg(n order by n) as expected
        from (select journey_id, journey_step, (row_number() over (partition by journey_id order by started_at))::int as n
              from interactions where source = 'broken_stream') numbered
        group by journey_id) journeys`.execute(storage.db);
    expect(steps[0]?.ok).toBe(true);
  });

  it('stops at a CSV row with an unclosed quote, naming its line, after importing the rows before it', async () => {
    const customer = await newCustomer();
    const rows = [header];
    for (let i = 0; i < 2500; i++) {
      const at = new Date(Date.parse('2025-03-01T00:00:00Z') + i * 60_000).toISOString();
      rows.push(`q-${i},${customer.id},web,self_service,inbound,payment,${at},,resolved,`);
    }
    const broken = `q-broken,${customer.id},web,self_service,inbound,payment,2025-04-01T00:00:00Z,,resolved,"{""a"": 1}`;
    const tail = Array.from(
      { length: 10 },
      (_, i) => `q-tail-${i},${customer.id},web,self_service,inbound,payment,2025-04-02T00:00:00Z,,resolved,`,
    );
    const file = [...rows, broken, ...tail].join('\n');
    const failure = await importCsv('unclosed', file).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ChannelPilotError);
    expect(failure).toMatchObject({
      code: 'invalid_input',
      message: 'line 2502: a quote opened in this row is never closed',
    });
    expect(await storedCount('unclosed')).toBe(2500);

    const fixed = [...rows, `${broken}"`, ...tail].join('\n');
    expect(await importCsv('unclosed', fixed)).toMatchObject({
      imported: 11,
      alreadyThere: 2500,
      rejected: 0,
    });
    expect(await storedCount('unclosed')).toBe(2511);
  });

  it('rejects an id over 200 characters and times outside the years 1900 to 2199 row by row, on a first import through one load as batch by batch', async () => {
    // A first import (the log empty) goes through one load; the same file into this file's
    // database goes batch by batch: both reject the same rows and store the others.
    const fresh = await openTestDatabase();
    try {
      const freshStores = createPostgresStores(fresh.db, { clock: fixedClock, url: fresh.url });
      await registerStandards(freshStores);
      const [customer, freshCustomer] = await Promise.all([
        newCustomer(),
        freshStores.customers.create({
          firstName: 'Anna',
          lastName: 'Russo',
          locale: 'it-IT',
          segment: 'senior',
        }),
      ]);
      const file = (who: string) =>
        [
          header,
          `${'T'.repeat(200)},${who},web,self_service,inbound,payment,2026-03-01T10:00:00+01:00,,resolved,`,
          `${'T'.repeat(201)},${who},web,self_service,inbound,payment,2026-03-02T10:00:00+01:00,,resolved,`,
          `t-3,${who},web,self_service,inbound,payment,2500-03-03T10:00:00+01:00,,resolved,`,
          `t-4,${who},shop,counter,inbound,payment,03/03/1850 10:00,03/03/1850 10:20,resolved,`,
          `t-5,${who},shop,counter,inbound,payment,04/03/2026 10:00,04/03/2026 10:20,resolved,"{""desk"": 2}"`,
        ].join('\n');
      const expected = [
        { line: 3, reason: `external_id: "${'T'.repeat(201)}" is longer than 200 characters` },
        { line: 4, reason: 'started_at: "2500-03-03T10:00:00+01:00" is not between the years 1900 and 2199' },
        {
          line: 5,
          reason:
            'started_at: "03/03/1850 10:00" is not between the years 1900 and 2199; ended_at: "03/03/1850 10:20" is not between the years 1900 and 2199',
        },
      ];
      const loaded = await importInteractions({
        rows: readImportFile(stream(file(freshCustomer.id)), { format: 'csv' }),
        source: 'clinic_export',
        profile: plainProfile(),
        zone: 'Europe/Rome',
        interactions: freshStores.interactions,
        loader: freshStores.interactionLoader!,
        customers: freshStores.customers,
        channels: freshStores.channels,
        reasons: freshStores.reasons,
      });
      const batched = await importCsv('clinic_export', file(customer.id));
      for (const summary of [loaded, batched]) {
        expect(byLine(summary)).toEqual(expected);
        expect(summary).toMatchObject({ read: 5, imported: 2, alreadyThere: 0, rejected: 3 });
      }
      const { rows } = await sql<{ external_id: string; details: unknown }>`
        select external_id, details from interactions order by started_at`.execute(fresh.db);
      expect(rows).toEqual([
        { external_id: 'T'.repeat(200), details: {} },
        { external_id: 't-5', details: { desk: 2 } },
      ]);
      expect(await storedCount('clinic_export')).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a source that is not lower_snake_case before reading a row', async () => {
    let read = false;
    const rows = (async function* () {
      read = true;
      yield { line: 2, fields: {} };
    })();
    await expect(importAs('Call Centre 2025', rows)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('source "Call Centre 2025"'),
    });
    expect(read).toBe(false);
  });

  it('fails instead of waiting forever when the source of a CSV stream fails', async () => {
    const customer = await newCustomer();
    const source = new Readable({ read() {} });
    source.push(`${header}\n`);
    source.push(`g-1,${customer.id},web,self_service,inbound,payment,2026-01-01T10:00:00Z,,resolved,\n`);
    // Cut off in the middle of the next row.
    source.push(`g-2,${customer.id},web,self_ser`);
    setTimeout(() => source.destroy(new Error('client gone')), 50);
    await expect(importAs('gone', readImportFile(source, { format: 'csv' }))).rejects.toThrow('client gone');
    expect(await storedCount('gone')).toBe(1);
  });
});
