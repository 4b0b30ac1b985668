import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import request from 'supertest';
import type { Express } from 'express';
import type { z } from 'zod';
import {
  createPostgresStores,
  openDatabase,
  type Customer,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import type { staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { staffApp } from '../support/staff-app.ts';

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;

describe('channel-pilot import interactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-import-'));
  const dataDir = join(dir, 'data');
  // Always the embedded database here, even when the suite runs with DATABASE_URL set.
  const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let customers: Customer[] = [];
  // How long a run that imports next to nothing takes: start-up, migrations, shutdown.
  let startupMs = 3000;

  /** Opens the data folder in this process, when no CLI holds it. */
  async function withData<T>(work: (storage: StorageHandle) => Promise<T>): Promise<T> {
    const storage = await openDatabase({ kind: 'embedded', dataDir });
    try {
      return await work(storage);
    } finally {
      await storage.close();
    }
  }

  const storedFrom = (source: string) =>
    withData(async (storage) => {
      const { rows } = await sql<{ n: number; ids: number }>`
        select count(*)::int as n, count(distinct external_id)::int as ids
        from interactions where source = ${source}`.execute(storage.db);
      expect(rows[0]?.ids).toBe(rows[0]?.n);
      return rows[0]?.n ?? 0;
    });

  function cli(args: string[], options: { killAfterMs?: number } = {}) {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const started = performance.now();
    const timer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    return new Promise<{
      code: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
      ms: number;
    }>((resolve) =>
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
      }),
    );
  }

  beforeAll(async () => {
    customers = await withData(async (storage) => {
      const stores = createPostgresStores(storage.db);
      return Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores.customers.create({
            firstName: 'Cliente',
            lastName: `N${i}`,
            locale: 'it-IT',
            segment: 'family',
          }),
        ),
      );
    });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV file with a column mapping, prints the summary and each rejected line, and adds nothing twice', async () => {
    const [a, b] = customers;
    const file = join(dir, 'Call Centre 2025.csv');
    writeFileSync(
      file,
      [
        'Ticket;Client;Medium;Point;Dir;Topic;Opened;Closed;Result',
        `T-1;${a?.id};call_centre;ivr;inbound;payment;2025-11-03T09:00:00+01:00;2025-11-03T09:02:00+01:00;abandoned`,
        `T-2;${a?.id};call_centre;agent;inbound;payment;2025-11-04T09:00:00+01:00;;resolved`,
        `T-3;${b?.id};fax;machine;inbound;payment;2025-11-04T09:00:00+01:00;;resolved`,
        `T-4;${b?.id};call_centre;agent;inbound;payment;yesterday;;resolved`,
        `T-5;;call_centre;callback;outbound;outage;2025-11-05T18:30:00Z;;resolved`,
      ]
        .join('\n')
        .replaceAll(';', ','),
    );
    const map =
      'Ticket=external_id,Client=customer_id,Medium=channel,Point=touchpoint,Dir=direction,' +
      'Topic=reason,Opened=started_at,Closed=ended_at,Result=outcome';

    const first = await cli(['import', 'interactions', file, '--map', map]);
    expect(first.stderr).toBe('');
    // Some rows rejected: a status of its own, after the summary.
    expect(first.code).toBe(2);
    // Named after the file unless --source says otherwise.
    expect(first.stdout).toContain(
      `${file} as call_centre_2025: 5 rows read, 3 imported, 0 already there, 2 rejected\n` +
        '  rejected, by reason:\n' +
        '    1 × channel: is not a registered channel (call_centre, email, paper_mail, shop, sms, web) — values "fax" — lines 4\n' +
        '    1 × started_at: is not a date-time like dd/MM/yyyy HH:mm:ss (Europe/Rome) or ISO 8601 with offset — values "yesterday" — lines 5\n',
    );

    const second = await cli(['import', 'interactions', file, '--map', map]);
    expect(second.code).toBe(2);
    expect(second.stdout).toContain(
      `${file} as call_centre_2025: 5 rows read, 0 imported, 3 already there, 2 rejected\n`,
    );
    startupMs = Math.min(first.ms, second.ms);

    const stored = await withData(async (storage) => {
      const stores = createPostgresStores(storage.db);
      return (await stores.interactions.forCustomer(a?.id as string, { limit: 10 })).reverse();
    });
    expect(stored.map((i) => [i.externalId, i.source, i.touchpoint, i.journeyStep])).toEqual([
      ['T-1', 'call_centre_2025', 'ivr', 1],
      ['T-2', 'call_centre_2025', 'agent', 2],
    ]);
    expect(await storedFrom('call_centre_2025')).toBe(3);
  }, 120_000);

  it('ends with every row exactly once when an import killed halfway is run again', async () => {
    // Into a log that holds contacts: stored several customers to a transaction, about 10,000 rows each.
    const total = 60_000;
    const file = join(dir, 'contacts.csv');
    const lines = ['external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome'];
    const start = Date.parse('2025-01-01T08:00:00Z');
    for (let i = 0; i < total; i++) {
      const at = start + i * 240_000;
      lines.push(
        `x-${i},${customers[i % customers.length]?.id},call_centre,agent,inbound,` +
          `${['payment', 'outage', 'moving'][i % 3]},${new Date(at).toISOString()},${new Date(at + 300_000).toISOString()},resolved`,
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    // The log holds contacts already (a first import goes in one transaction, whole or not at all).
    const earlier = join(dir, 'earlier.csv');
    writeFileSync(earlier, `${lines[0]}\nw-1,,shop,counter,inbound,moving,2020-05-04T09:00:00Z,,resolved\n`);
    expect((await cli(['import', 'interactions', earlier, '--source', 'earlier'])).code).toBe(0);

    // Kill it once some batches are stored but not all: find a delay that lands there, each try
    // on a source of its own (the data folder cannot be watched while the CLI holds it).
    let low = startupMs * 0.8;
    let high: number | undefined;
    let delay = startupMs + 800;
    let killed: { source: string; stored: number } | undefined;
    const tries: string[] = [];
    for (let attempt = 1; attempt <= 10 && !killed; attempt++) {
      const source = `killed_${attempt}`;
      const run = await cli(['import', 'interactions', file, '--source', source], { killAfterMs: delay });
      const stored = await storedFrom(source);
      tries.push(`${Math.round(delay)} ms: ${run.signal ?? `exit ${run.code}`}, ${stored} stored`);
      if (run.signal === 'SIGKILL' && stored > 0 && stored < total) killed = { source, stored };
      else if (stored === 0) {
        low = delay;
        delay = high === undefined ? delay + 1000 : (low + high) / 2;
      } else {
        high = delay;
        delay = (low + high) / 2;
      }
    }
    expect(killed, `no delay killed the import partway: ${tries.join('; ')}`).toBeDefined();
    const { source, stored } = killed as { source: string; stored: number };
    // Whole customers: each one's contacts are stored together, or not yet.
    const perCustomer = await withData(async (storage) => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from interactions
        where source = ${source} group by customer_id`.execute(storage.db);
      return new Set(rows.map((r) => r.n));
    });
    expect([...perCustomer], tries.join('; ')).toEqual([total / customers.length]);

    const rerun = await cli(['import', 'interactions', file, '--source', source]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(
      `as ${source}: ${total} rows read, ${total - stored} imported, ${stored} already there, 0 rejected`,
    );
    expect(await storedFrom(source)).toBe(total);
    // Journeys too are whole: each numbered 1, 2, 3… in the journey order, as one uninterrupted run
    // gives, with the contacts of the other tries (the same calls under other sources) among them.
    const gaps = await withData(async (storage) => {
      const { rows } = await sql<{ journeys: number; bad: number }>`
        select count(distinct journey_id)::int as journeys, count(*) filter (where journey_step <> n)::int as bad
        from (
          select journey_id, journey_step, (row_number() over (partition by journey_id
            order by started_at, source collate "C", external_id collate "C", id))::int as n
          from interactions
          where journey_id in (select journey_id from interactions where source = ${source})) numbered`.execute(
        storage.db,
      );
      return rows[0]!;
    });
    expect(gaps.journeys).toBeGreaterThan(100);
    expect(gaps.bad).toBe(0);
  }, 600_000);

  it('imports the CRM and call-centre exports as they come with saved profiles, previews with --dry-run, and exits by what happened', async () => {
    const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;
    const example = (name: string) => new URL(`../../docs/examples/${name}.json`, import.meta.url).pathname;
    const saved = await cli(['import', 'profile', 'save', example('crm_customers'), example('calls_crm')]);
    expect(saved.stdout).toBe('saved import profile crm_customers\nsaved import profile calls_crm\n');

    const customers = await cli([
      'import',
      'customers',
      fixture('clienti-crm.tsv'),
      '--profile',
      'crm_customers',
    ]);
    expect(customers.code).toBe(2);
    expect(customers.stdout).toContain(
      `as crm (profile crm_customers): 9 rows read, 8 new, 0 updated, 0 unchanged, 1 rejected\n`,
    );
    expect(customers.stdout).toContain('    1 × last_name: is missing — lines 10\n');

    const calls = fixture('chiamate-centralino.csv');
    const dry = await cli(['import', 'interactions', calls, '--profile', 'calls_crm', '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain(
      `${calls} as centralino (profile calls_crm): 34 rows read, 31 to import, 0 already there, 3 rejected (dry run: nothing written)\n`,
    );
    expect(dry.stdout).toContain('  1 local times in the spring clock-change gap, read one hour later\n');
    expect(dry.stdout).toContain(
      '  1 local times that happen twice in autumn, read as the first (summer time)\n',
    );
    expect(dry.stdout).toMatch(
      /^ {4}1 × customer_ref: is no customer of crm .* — values "C000109" — lines 19$/m,
    );
    expect(dry.stdout).toMatch(
      /^ {2}the first rows as they would be stored:\n {4}\{"line":2,"external_id":"CH-24001",.*"channel":"call_centre","touchpoint":"agent","direction":"inbound","reason":"bill_explanation","started_at":"2026-02-03T08:12:00.000Z"/m,
    );
    expect(await storedFrom('centralino')).toBe(0);

    const run = await cli(['import', 'interactions', calls, '--profile', 'calls_crm']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('34 rows read, 31 imported, 0 already there, 3 rejected\n');
    expect(await storedFrom('centralino')).toBe(31);

    // Without the profile, not one of that file's columns is ours: refused at its header, which
    // it lists, and nothing of it is stored.
    const plain = await cli([
      'import',
      'interactions',
      calls,
      '--source',
      'unreadable',
      '--encoding',
      'windows-1252',
    ]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(
      'error: line 1: the header names no column for channel, direction, reason, started_at, outcome\n' +
        'hint: its columns: "ID Chiamata", "Codice Cliente", "Canale", "Motivo", "Data Inizio", "Data Fine", "Esito", "Note"; ' +
        'name them in the profile’s columns, or with `--map their_column=started_at`',
    );
    expect(await storedFrom('unreadable')).toBe(0);
    // Contacts whose every customer code is one the CRM import has not brought (contacts imported
    // before their customers): every row is rejected, a status of its own.
    const early = join(dir, 'chiamate-prima-dei-clienti.csv');
    writeFileSync(
      early,
      Buffer.from(
        [
          'ID Chiamata;Codice Cliente;Canale;Motivo;Data Inizio;Data Fine;Esito',
          'CH-9001;C009901;Telefono;Bolletta;02/03/2026 10:00;02/03/2026 10:04;Risolto',
          'CH-9002;C009902;Negozio;Pagamento;02/03/2026 11:30;;Risolto',
        ].join('\r\n'),
        'latin1',
      ),
    );
    const none = await cli(['import', 'interactions', early, '--profile', 'calls_crm', '--source', 'early']);
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('2 rows read, 0 imported, 0 already there, 2 rejected\n');
    expect(none.stdout).toMatch(/^ {4}2 × customer_ref: is no customer of crm .* — lines 2, 3$/m);
    // And read as UTF-8, which it is not, it stops at the first line that shows it (the header
    // before it is read, and fits the profile).
    const notUtf8 = await cli([
      'import',
      'interactions',
      calls,
      '--profile',
      'calls_crm',
      '--encoding',
      'utf-8',
      '--source',
      'unreadable',
    ]);
    expect(notUtf8.code).toBe(1);
    expect(notUtf8.stderr).toContain(
      'error: line 2: the file is not UTF-8 text\nhint: files saved by Windows programs are often Windows-1252',
    );
  }, 300_000);

  it('imports customers from JSON Lines and contacts whose local times are of another zone (--timezone)', async () => {
    // A US office's CRM, written by hand for this test: JSON Lines with typed and textual flags.
    const people = join(dir, 'people.jsonl');
    writeFileSync(
      people,
      [
        {
          customer_ref: 'NY-001',
          first_name: 'Zoë',
          last_name: 'O’Brien-Łukasz',
          segment: 'family',
          locale: 'en-US',
          email: 'Zoe.OBrien@Example.com',
          consent_data_processing: true,
          consent_email: 'yes',
          consent_sms: false,
        },
        {
          customer_ref: 'NY-002',
          first_name: 'José',
          last_name: 'Núñez',
          segment: 'family',
          locale: 'it-IT',
          email: 'jose at example',
        },
        {
          customer_ref: 'NY-003',
          first_name: 'Ann',
          last_name: 'Lee',
          segment: 'family',
          locale: 'en-US',
          consent_sms: 'sì',
        },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n') + '\n',
    );
    const imported = await cli(['import', 'customers', people, '--source', 'ny_crm']);
    expect(imported.code).toBe(2);
    expect(imported.stdout).toContain('3 rows read, 2 new, 0 updated, 0 unchanged, 1 rejected\n');
    // The value is masked: an e-mail address is personal even when it is wrong.
    expect(imported.stdout).toContain('    1 × email: is not an e-mail address — values "j•••" — lines 2\n');
    const stored = await withData(async (storage) => {
      const { rows } = await sql<{ ref: string; first_name: string; email: string | null; consents: string }>`
        select c.external_ref as ref, c.first_name, c.email,
          coalesce(string_agg(coalesce(k.medium, 'data') || '=' || k.granted, ',' order by k.medium nulls first), '') as consents
        from customers c left join consents k on k.customer_id = c.id
        where c.source = 'ny_crm' group by 1, 2, 3 order by 1`.execute(storage.db);
      return rows;
    });
    expect(stored).toEqual([
      {
        ref: 'NY-001',
        first_name: 'Zoë',
        email: 'zoe.obrien@example.com',
        consents: 'data=true,email=true,sms=false',
      },
      { ref: 'NY-003', first_name: 'Ann', email: null, consents: 'sms=true' },
    ]);

    // Local times of New York: the night the clocks go forward there (8 March 2026), and a
    // summer morning; read in Rome (the default) they would be five or six hours off.
    const calls = join(dir, 'ny-calls.csv');
    writeFileSync(
      calls,
      [
        'external_id,customer_id,channel,touchpoint,direction,reason,started_at,outcome',
        `NY-C1,${customers[0]!.id},call_centre,agent,inbound,payment,08/03/2026 01:30,resolved`,
        `NY-C2,${customers[0]!.id},call_centre,agent,inbound,payment,08/03/2026 03:30,resolved`,
        `NY-C3,${customers[1]!.id},web,self_service,inbound,bill_explanation,04/07/2026 09:00,resolved`,
      ].join('\n'),
    );
    const run = await cli([
      'import',
      'interactions',
      calls,
      '--source',
      'ny_calls',
      '--timezone',
      'America/New_York',
    ]);
    expect(run.stdout).toContain('3 rows read, 3 imported, 0 already there, 0 rejected\n');
    expect(run.code).toBe(0);
    const starts = await withData(async (storage) => {
      const { rows } = await sql<{ external_id: string; started_at: Date }>`
        select external_id, started_at from interactions where source = 'ny_calls' order by external_id`.execute(
        storage.db,
      );
      return Object.fromEntries(rows.map((r) => [r.external_id, r.started_at.toISOString()]));
    });
    expect(starts).toEqual({
      'NY-C1': '2026-03-08T06:30:00.000Z',
      'NY-C2': '2026-03-08T07:30:00.000Z',
      'NY-C3': '2026-07-04T13:00:00.000Z',
    });

    const wrongZone = await cli([
      'import',
      'interactions',
      calls,
      '--source',
      'ny_calls_2',
      '--timezone',
      'Eastern',
    ]);
    expect(wrongZone.code).toBe(1);
    expect(wrongZone.stderr).toContain('timezone');
    expect(await storedFrom('ny_calls_2')).toBe(0);
  }, 300_000);

  it('refuses a re-downloaded copy of a file imported whole under another source, unless told --again', async () => {
    const shops = ['Via Roma', 'Corso Vercelli', 'Piazza Duomo'];
    const rows = [
      'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome,details',
      ...customers
        .slice(0, 12)
        .map(
          (c, i) =>
            `NEG-${1100 + i},${c.id},shop,counter,inbound,payment,2026-11-${String(3 + i).padStart(2, '0')}T10:1${i % 10}:00+01:00,2026-11-${String(3 + i).padStart(2, '0')}T10:2${i % 10}:00+01:00,resolved,"{""negozio"": ""${shops[i % 3]}""}"`,
        ),
    ].join('\n');
    const original = join(dir, 'negozi-novembre.csv');
    const copy = join(dir, 'negozi-novembre (1).csv');
    writeFileSync(original, rows);
    writeFileSync(copy, rows);
    const first = await cli(['import', 'interactions', original]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'as negozi_novembre: 12 rows read, 12 imported, 0 already there, 0 rejected\n',
    );

    const refused = await cli(['import', 'interactions', copy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: negozi-novembre \(1\)\.csv has the same content as the file negozi-novembre\.csv imported on \d{4}-\d\d-\d\d \d\d:\d\d as negozi_novembre \(import [0-9a-f-]{36}\): importing it as negozi_novembre_1 would store each of its contacts a second time$/m,
    );
    expect(refused.stderr).toContain('--again');
    expect(await storedFrom('negozi_novembre_1')).toBe(0);
    // The same file under its own source again adds nothing, as before.
    const rerun = await cli(['import', 'interactions', original]);
    expect(rerun.stdout).toContain('12 rows read, 0 imported, 12 already there, 0 rejected\n');

    const again = await cli(['import', 'interactions', copy, '--again']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('as negozi_novembre_1: 12 rows read, 12 imported, 0 already there');
    expect(await storedFrom('negozi_novembre')).toBe(12);
    expect(await storedFrom('negozi_novembre_1')).toBe(12);
    // Imported under both sources now: either file under its own source again adds nothing.
    for (const file of [original, copy]) {
      const own = await cli(['import', 'interactions', file]);
      expect(own.code, own.stderr).toBe(0);
      expect(own.stdout).toContain('12 rows read, 0 imported, 12 already there, 0 rejected\n');
    }
  }, 120_000);

  it('stops at an unclosed quote with exit code 1 naming its line, keeping the rows before it', async () => {
    const [a] = customers;
    const file = join(dir, 'broken.csv');
    writeFileSync(
      file,
      [
        'external_id,customer_id,channel,touchpoint,direction,reason,started_at,outcome,details',
        `u-1,${a?.id},email,inbox,inbound,payment,2025-12-01T10:00:00+01:00,resolved,`,
        `u-2,${a?.id},email,inbox,inbound,payment,2025-12-02T10:00:00+01:00,resolved,"{""x"": 1}"`,
        '',
        `u-3,${a?.id},email,inbox,inbound,payment,2025-12-03T10:00:00+01:00,resolved,"{""x"": 1}`,
        `u-4,${a?.id},email,inbox,inbound,payment,2025-12-04T10:00:00+01:00,resolved,`,
      ].join('\n'),
    );
    const run = await cli(['import', 'interactions', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: line 5: a quote opened in this row is never closed\n');
    expect(run.stderr).toMatch(/hint: the rows before it are imported/);
    expect(await storedFrom('broken')).toBe(2);
    // An empty file (0 bytes) is refused, naming it: exit 1, not a green "0 rows read".
    const empty = join(dir, 'vuoto.csv');
    writeFileSync(empty, '');
    const nothing = await cli(['import', 'interactions', empty]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('error: vuoto.csv is empty: it has no header line, nor any row\n');
    // A file that is not there, or a folder, is said so in a line, not with a stack trace.
    mkdirSync(join(dir, 'folder.csv'));
    for (const [path, why] of [
      [join(dir, 'missing.csv'), 'there is no such file'],
      [join(dir, 'folder.csv'), 'it is not a file'],
    ] as const) {
      const refused = await cli(['import', 'interactions', path, '--source', 'nothing_there']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: cannot read ${path}: ${why}\n`);
    }
  }, 120_000);
});

describe('POST /api/imports/interactions', () => {
  let storage: StorageHandle;
  let app: Express;
  let stores: Stores;
  let responses: Map<string, z.ZodType>;
  let users: Awaited<ReturnType<typeof staffUsers>>;
  let customer: Customer;

  beforeAll(async () => {
    ({ storage, app, stores, responses, users } = await staffApp());
    customer = await stores.customers.create({
      firstName: 'Giulia',
      lastName: 'Rossi',
      locale: 'it-IT',
      segment: 'family',
    });
  });

  afterAll(async () => {
    await storage?.close();
  });

  const loginAs = (username: string) => loggedInAgent(app, username);

  const conforms = (body: unknown) => {
    const schema = responses.get('POST /api/imports/interactions') as z.ZodType;
    const result = schema.safeParse(body);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  };

  const csv = () =>
    [
      'id,who,channel,touchpoint,direction,reason,when,outcome',
      `w-1,${customer.id},web,payment_page,inbound,payment,2026-02-01T10:00:00+01:00,resolved`,
      `w-2,${customer.id},web,payment_page,inbound,payment,2026-02-01T10:05:00+01:00,failed`,
      `w-3,${customer.id},web,payment_page,inbound,payment,2026-02-31T10:05:00+01:00,failed`,
    ].join('\n');
  const map = 'id=external_id,who=customer_id,when=started_at';

  it('lets a pilot manager import CSV and JSON Lines and answers with the summary', async () => {
    const manager = await loginAs(users.manager.username);
    const res = await manager
      .post('/api/imports/interactions')
      .query({ source: 'web_log', map })
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv())
      .expect(200);
    expect(res.body).toMatchObject({ source: 'web_log', profile: null, runId: expect.any(String) });
    expect(res.body.summary).toMatchObject({
      read: 3,
      imported: 2,
      alreadyThere: 0,
      rejected: 1,
      rejections: [
        {
          line: 4,
          reason:
            'started_at: "2026-02-31T10:05:00+01:00" is not a date-time like dd/MM/yyyy HH:mm:ss (Europe/Rome) or ISO 8601 with offset',
        },
      ],
    });
    conforms(res.body);
    // The import is in the history, finished, with the same summary.
    const run = await manager.get(`/api/imports/${res.body.runId}`).expect(200);
    expect(run.body).toMatchObject({ status: 'done', kind: 'interactions', summary: res.body.summary });

    const again = await manager
      .post('/api/imports/interactions')
      .query({ source: 'web_log', map })
      .set('Content-Type', 'text/csv')
      .send(csv())
      .expect(200);
    expect(again.body.summary).toMatchObject({ read: 3, imported: 0, alreadyThere: 2, rejected: 1 });

    const jsonl = [
      JSON.stringify({
        external_id: 'w-4',
        customer_id: customer.id,
        channel: 'email',
        touchpoint: 'inbox',
        direction: 'inbound',
        reason: 'payment',
        started_at: '2026-02-02T09:00:00+01:00',
        outcome: 'resolved',
        details: { subject: 'Pagamento non riuscito' },
      }),
      '{"external_id": "w-5"',
    ].join('\n');
    const fromJsonl = await manager
      .post('/api/imports/interactions')
      .query({ source: 'web_log' })
      .set('Content-Type', 'application/x-ndjson')
      .send(jsonl)
      .expect(200);
    expect(fromJsonl.body.summary).toMatchObject({
      read: 2,
      imported: 1,
      alreadyThere: 0,
      rejected: 1,
      rejections: [{ line: 2, reason: 'is not valid JSON' }],
    });
    const stored = (await stores.interactions.forCustomer(customer.id, { limit: 10 })).reverse();
    // Within the week, the same reason: one journey across the two imports.
    expect(stored.map((i) => [i.externalId, i.channel, i.journeyStep])).toEqual([
      ['w-1', 'web', 1],
      ['w-2', 'web', 2],
      ['w-4', 'email', 3],
    ]);
    expect(stored[2]?.details).toEqual({ subject: 'Pagamento non riuscito' });
  });

  it('answers 400 naming the line when the CSV breaks, keeping the rows before it, or when its header lacks a column', async () => {
    const manager = await loginAs(users.admin.username);
    const res = await manager
      .post('/api/imports/interactions')
      .query({ source: 'broken_upload' })
      .set('Content-Type', 'text/csv')
      .send(
        [
          'external_id,customer_id,channel,touchpoint,direction,reason,started_at,outcome,details',
          `b-1,${customer.id},shop,counter,inbound,moving,2026-01-10T10:00:00+01:00,resolved,`,
          `b-2,${customer.id},shop,counter,inbound,moving,2026-01-11T10:00:00+01:00,resolved,"{`,
          `b-3,${customer.id},shop,counter,inbound,moving,2026-01-12T10:00:00+01:00,resolved,`,
        ].join('\n'),
      )
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'invalid_input',
      detail: 'line 3: a quote opened in this row is never closed',
    });
    expect(await stores.interactions.fromSource('broken_upload', 'b-1')).toBeDefined();
    expect(await stores.interactions.fromSource('broken_upload', 'b-2')).toBeUndefined();
    // The history says it failed, and why.
    const history = (await manager.get('/api/imports').expect(200)).body as { source: string }[];
    expect(history.find((run) => run.source === 'broken_upload')).toMatchObject({
      status: 'failed',
      error: 'line 3: a quote opened in this row is never closed',
    });
    // A header that names none of what every row needs: 400 at its line, with what it shows.
    const semicolons = await manager
      .post('/api/imports/interactions')
      .query({ source: 'wrong_delimiter', delimiter: 'comma' })
      .set('Content-Type', 'text/csv')
      .send(
        [
          'external_id;customer_id;channel;touchpoint;direction;reason;started_at;outcome',
          `d-1;${customer.id};shop;counter;inbound;moving;2026-01-10T10:00:00+01:00;resolved`,
        ].join('\n'),
      )
      .expect(400);
    expect(semicolons.body).toMatchObject({
      code: 'invalid_input',
      detail: 'line 1: the header names no column for channel, direction, reason, started_at, outcome',
      hint: expect.stringContaining(
        'the header is read as one column with the delimiter ",", and ";" splits it',
      ),
    });
    expect(await stores.interactions.fromSource('wrong_delimiter', 'd-1')).toBeUndefined();
    // An empty body (an export that failed) is no import of 0 rows: 400 naming the file.
    const empty = await manager
      .post('/api/imports/interactions')
      .query({ fileName: 'vuoto.csv' })
      .set('Content-Type', 'text/csv')
      .send(Buffer.alloc(0))
      .expect(400);
    expect(empty.body).toMatchObject({
      code: 'invalid_input',
      detail: 'vuoto.csv is empty: it has no header line, nor any row',
    });
  });

  it('answers 409 naming the earlier import for a file imported whole under another source, and imports it with again=true', async () => {
    const manager = await loginAs(users.manager.username);
    const body = [
      'id,who,channel,touchpoint,direction,reason,when,outcome',
      `sp-1,${customer.id},shop,counter,inbound,moving,2026-11-20T09:30:00+01:00,resolved`,
      `sp-2,${customer.id},shop,counter,inbound,moving,2026-11-21T16:05:00+01:00,handed_off`,
    ].join('\r\n');
    const send = (fileName: string, extra: Record<string, string> = {}) =>
      manager
        .post('/api/imports/interactions')
        .query({ map, fileName, ...extra })
        .set('Content-Encoding', 'gzip')
        .set('Content-Type', 'text/csv')
        .send(gzipSync(body));
    const first = await send('sportello-novembre.csv').expect(200);
    const run = await manager.get(`/api/imports/${first.body.runId}`).expect(200);
    expect(run.body.digest).toMatch(/^[0-9a-f]{64}$/);
    // The same bytes sent plain, under another name: the same content.
    const refused = await manager
      .post('/api/imports/interactions')
      .query({ map, fileName: 'sportello-novembre (1).csv' })
      .set('Content-Type', 'text/csv')
      .send(body)
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'conflict',
      detail: expect.stringContaining(
        `sportello-novembre (1).csv has the same content as the file sportello-novembre.csv imported on`,
      ),
    });
    expect(refused.body.detail).toContain(`as sportello_novembre (import ${first.body.runId})`);
    expect(await stores.interactions.fromSource('sportello_novembre_1', 'sp-1')).toBeUndefined();
    // A dry run says the same.
    await send('sportello-novembre (1).csv', { dryRun: 'true' }).expect(409);
    const again = await send('sportello-novembre (1).csv', { again: 'true' }).expect(200);
    expect(again.body.summary).toMatchObject({ imported: 2 });
    expect(await stores.interactions.fromSource('sportello_novembre_1', 'sp-1')).toBeDefined();
  });

  it('reads a body sent compressed as its Content-Encoding says, and refuses one that is not', async () => {
    const manager = await loginAs(users.manager.username);
    const post = (source: string, encoding: string, body: Buffer) =>
      manager
        .post('/api/imports/interactions')
        // The same file under a source per encoding, on purpose: `again` lets it in each time.
        .query({ source, map, again: 'true' })
        .set('Content-Type', 'text/csv')
        .set('Content-Encoding', encoding)
        .send(body);
    const file = Buffer.from(csv());
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      const source = `packed_${encoding}`;
      const res = await post(source, encoding, compress(file)).expect(200);
      expect(res.body.summary).toMatchObject({ read: 3, imported: 2, rejected: 1 });
      expect(res.body.summary.rejections).toEqual([expect.objectContaining({ line: 4 })]);
      expect(await stores.interactions.fromSource(source, 'w-2')).toBeDefined();
      // Sent plain but said to be compressed, or cut short: refused, nothing of it stored.
      const plain = await post(`${source}_plain`, encoding, file).expect(400);
      expect(plain.body).toMatchObject({
        code: 'invalid_input',
        detail: `the request body is not ${encoding} as its Content-Encoding header says`,
      });
      await post(`${source}_cut`, encoding, compress(file).subarray(0, 20)).expect(400);
      expect(await stores.interactions.fromSource(`${source}_plain`, 'w-1')).toBeUndefined();
      expect(await stores.interactions.fromSource(`${source}_cut`, 'w-1')).toBeUndefined();
    }
    const unknown = await post('packed_zstd', 'zstd', file).expect(400);
    expect(unknown.body.errors).toEqual([
      { path: 'content-encoding', message: 'must be one of gzip, x-gzip, deflate, br or identity' },
    ]);
  });

  it('answers 4xx, never 5xx, to malformed imports, profiles and reasons, and stores nothing from them', async () => {
    const manager = await loginAs(users.manager.username);
    const post = (query: Record<string, string>) =>
      manager.post('/api/imports/interactions').query(query).set('Content-Type', 'text/csv').send(csv());
    expect((await post({ profile: 'nobody_has_this' }).expect(404)).body).toMatchObject({
      code: 'not_found',
    });
    expect((await post({ map: 'who' }).expect(400)).body.errors).toEqual([
      { path: 'query.map', message: '"who" is not a mapping like their_column=started_at' },
    ]);
    expect((await post({ source: 'tz_test', timezone: 'Europe/Atlantis' }).expect(400)).body.errors).toEqual([
      { path: 'timezone', message: 'must be an IANA time zone such as Europe/Rome' },
    ]);
    expect((await post({ source: 'map_test', map: 'id=colour' }).expect(400)).body.code).toBe(
      'invalid_input',
    );
    expect((await post({ source: 'x', delimiter: 'space' }).expect(400)).body.code).toBe('invalid_input');
    expect((await post({ source: 'x', run: 'not-a-uuid' }).expect(400)).body.code).toBe('invalid_input');
    expect((await post({ map }).expect(400)).body.errors).toEqual([
      { path: 'source', message: 'is required' },
    ]);
    await manager.get('/api/imports/not-a-uuid').expect(400);
    await manager.get('/api/imports/8d0f4f4e-5a57-4b4e-9d3c-2f1b0c8a7e61').expect(404);

    const put = (name: string, body: unknown) =>
      manager.put(`/api/import-profiles/${name}`).send(body as object);
    expect((await put('calls', { name: 'other' }).expect(400)).body.errors).toEqual([
      { path: 'body.name', message: 'must be calls, as in the address' },
    ]);
    const bad = await put('calls', {
      name: 'calls',
      columns: { Canale: 'chanel' },
      values: { colour: { Rosso: 'red' } },
      file: { delimiter: ':' },
    }).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.columns.Canale',
      'body.file.delimiter',
      'body.values',
    ]);
    await manager.put('/api/import-profiles/Not A Name').send({ name: 'x' }).expect(400);
    await manager.put('/api/import-profiles/calls').set('Content-Type', 'text/plain').send('{}').expect(400);
    await manager.delete('/api/import-profiles/calls').expect(404);
    await manager.get('/api/import-profiles/calls').expect(404);
    expect((await manager.get('/api/import-profiles').expect(200)).body).toEqual([]);

    await manager.put('/api/reasons/Bad Code').send({}).expect(400);
    await manager
      .put('/api/reasons/boiler_service')
      .send({ labels: { 'fr-FR': 'Chaudière' } })
      .expect(400);
    const saved = await manager
      .put('/api/reasons/boiler_service')
      .send({ labels: { 'it-IT': 'Manutenzione caldaia' }, group: 'supply' })
      .expect(200);
    expect(saved.body).toEqual({
      code: 'boiler_service',
      labels: { 'it-IT': 'Manutenzione caldaia' },
      group: 'supply',
    });
    const reasons = (await manager.get('/api/reasons').expect(200)).body as { code: string }[];
    expect(reasons.map((r) => r.code)).toContain('boiler_service');
    const advisor = await loginAs(users.advisor.username);
    await advisor.put('/api/reasons/boiler_service').send({ labels: {} }).expect(403);
    await advisor.get('/api/imports').expect(403);
    expect(await stores.interactions.fromSource('tz_test', 'w-1')).toBeUndefined();
  });

  it('refuses advisors (403), anonymous callers (401), and bodies that are neither CSV nor JSON Lines (400)', async () => {
    const advisor = await loginAs(users.advisor.username);
    const forbidden = await advisor
      .post('/api/imports/interactions')
      .query({ source: 'web_log' })
      .set('Content-Type', 'text/csv')
      .send(csv())
      .expect(403);
    expect(forbidden.body.code).toBe('forbidden');

    const anonymous = await request(app)
      .post('/api/imports/interactions')
      .query({ source: 'web_log' })
      .set('Content-Type', 'text/csv')
      .send(csv())
      .expect(401);
    expect(anonymous.body.code).toBe('unauthenticated');

    const manager = await loginAs(users.manager.username);
    const plain = await manager
      .post('/api/imports/interactions')
      .query({ source: 'plain_text' })
      .set('Content-Type', 'text/plain')
      .send(csv())
      .expect(400);
    expect(plain.body).toMatchObject({
      code: 'invalid_input',
      errors: [{ path: 'content-type', message: expect.stringContaining('text/csv') }],
    });
    const badSource = await manager
      .post('/api/imports/interactions')
      .query({ source: 'Web Log' })
      .set('Content-Type', 'text/csv')
      .send(csv())
      .expect(400);
    expect(badSource.body.code).toBe('invalid_input');
    expect(await stores.interactions.fromSource('plain_text', 'w-1')).toBeUndefined();
    expect(await stores.interactions.fromSource('web_log', 'w-1')).toMatchObject({ outcome: 'resolved' });
  });
});
