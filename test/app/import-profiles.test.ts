import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Express } from 'express';
import type { z } from 'zod';
import { type StorageHandle, type Stores } from '../../core/index.ts';
import { CensusFilter, createPostgresCensusSource, type Census } from '../../core/evidence.ts';
import { fixedClock, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// An Italian utility's own exports, imported as they come with the documented profiles: the
// CRM's customer list (tab-separated) and the call centre's contacts (semicolon-separated,
// Windows-1252, local times, Italian labels, the CRM's codes, no touchpoint or direction).
// The census of what went in is checked against figures this test works out from the files
// by its own means.

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url);
const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../docs/examples/${name}.json`, import.meta.url), 'utf8')) as {
    name: string;
  };
const callsFile = readFileSync(fixture('chiamate-centralino.csv'));
const customersFile = readFileSync(fixture('clienti-crm.tsv'), 'utf8');

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let responses: Map<string, z.ZodType>;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(fixedClock, (opened) => {
  ({ storage, app, stores, responses, users } = opened);
});

const loginAs = (username: string) => loggedInAgent(app, username);

const conforms = (route: string, body: unknown) => {
  const result = (responses.get(route) as z.ZodType).safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
};

// --- The files as this test reads them, without the product's code ---------------------------

/** Semicolons outside quotes split a line. */
const cells = (line: string) =>
  line.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((c) => c.replace(/^"|"$/g, ''));

const channelOf: Record<string, string> = {
  Telefono: 'call_centre',
  'E-mail': 'email',
  'Posta elettronica': 'email',
  Negozio: 'shop',
  Sportello: 'shop',
  'Sito web': 'web',
  App: 'web',
  SMS: 'sms',
};
const reasonOf: Record<string, string> = {
  bolletta: 'bill_explanation',
  'bolletta alta': 'bill_explanation',
  pagamento: 'payment',
  'cambio offerta': 'contract_change',
  autolettura: 'meter_reading',
  guasto: 'fault',
  trasloco: 'moving',
  reclamo: 'complaint',
  'informazioni sulle tariffe': 'tariff_info',
};

const lastSunday = (year: number, month: number) => {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
};
/** Rome is UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC. */
const summerUtc = (ms: number) => {
  const year = new Date(ms).getUTCFullYear();
  return ms >= Date.UTC(year, 2, lastSunday(year, 3), 1) && ms < Date.UTC(year, 9, lastSunday(year, 10), 1);
};
/** A Rome wall-clock time as an instant: a time in the spring gap keeps winter's offset; a repeated one takes summer's. */
function romeInstant(text: string): number | null {
  const m = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d)$/.exec(text);
  if (!m) return null;
  const [day, month, year, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const summer =
    wall >= Date.UTC(year, 2, lastSunday(year, 3), 3) && wall < Date.UTC(year, 9, lastSunday(year, 10), 3);
  return wall - (summer ? 2 : 1) * 3_600_000;
}
const romeWall = (ms: number) => new Date(ms + (summerUtc(ms) ? 2 : 1) * 3_600_000);

interface Contact {
  id: string;
  ref: string;
  channel: string;
  reason: string;
  at: number;
  timed: boolean;
}

function contactsOfTheFile(knownRefs: Set<string>): Contact[] {
  const lines = Buffer.from(callsFile).toString('latin1').split('\r\n').filter(Boolean).slice(1);
  const contacts: Contact[] = [];
  for (const line of lines) {
    const [id, ref, channel, reason, start, end] = cells(line) as string[];
    const at = romeInstant(start as string);
    if (!channelOf[channel as string] || at === null || (ref !== '' && !knownRefs.has(ref as string)))
      continue;
    contacts.push({
      id: id as string,
      ref: ref as string,
      channel: channelOf[channel as string] as string,
      reason: reasonOf[(reason as string).toLowerCase()] as string,
      at,
      timed: end !== '',
    });
  }
  return contacts;
}

const count = <K extends string>(items: Iterable<Record<K, unknown>>, keys: readonly K[]) => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = JSON.stringify(keys.map((k) => item[k]));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => [...(JSON.parse(key) as unknown[]), n]).sort();
};

/** The census of these contacts for 2 February – 29 March 2026, transitions and journeys within 7 days. */
function expectedCensus(all: Contact[]) {
  const from = Date.UTC(2026, 1, 1, 23);
  const to = Date.UTC(2026, 2, 29, 22);
  const inRange = all.filter((c) => c.at >= from && c.at < to);
  const byCustomerReason = new Map<string, Contact[]>();
  for (const c of [...all].sort((a, b) => a.at - b.at)) {
    if (c.ref === '') continue;
    const key = `${c.ref}/${c.reason}`;
    byCustomerReason.set(key, [...(byCustomerReason.get(key) ?? []), c]);
  }
  const step = new Map<string, number>();
  const next = new Map<string, Contact | null>();
  for (const list of byCustomerReason.values()) {
    list.forEach((c, i) => {
      const previous = list[i - 1];
      const following = list[i + 1];
      step.set(
        c.id,
        previous && c.at - previous.at <= 7 * 86_400_000 ? (step.get(previous.id) as number) + 1 : 1,
      );
      next.set(c.id, following && following.at - c.at <= 7 * 86_400_000 ? following : null);
    });
  }
  const rows = inRange.map((c) => {
    const wall = romeWall(c.at);
    return {
      ...c,
      weekday: ((wall.getUTCDay() + 6) % 7) + 1,
      hour: wall.getUTCHours(),
      to: c.ref === '' ? undefined : (next.get(c.id)?.channel ?? null),
      step: Math.min(c.ref === '' ? 1 : (step.get(c.id) as number), 4),
    };
  });
  const customers = (list: Contact[]) => new Set(list.filter((c) => c.ref !== '').map((c) => c.ref)).size;
  return {
    totals: {
      contacts: rows.length,
      customers: customers(rows),
      anonymousContacts: rows.filter((c) => c.ref === '').length,
    },
    channels: [...new Set(rows.map((r) => r.channel))].sort().map((channel) => {
      const of = rows.filter((r) => r.channel === channel);
      return [channel, of.length, customers(of), of.filter((r) => r.timed).length];
    }),
    heatmap: count(rows, ['channel', 'weekday', 'hour'] as const),
    reasons: count(rows, ['channel', 'reason'] as const),
    transitions: count(
      rows.filter((r) => r.to !== undefined),
      ['channel', 'to'] as const,
    ),
    steps: count(rows, ['step', 'channel'] as const),
  };
}

function censusTables(census: Census) {
  const sorted = <T>(rows: T[]) => rows.sort();
  return {
    totals: census.totals,
    channels: census.channels
      .map((c) => [c.channel, c.contacts, c.customers, c.timedContacts])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    heatmap: sorted(census.heatmap.map((h) => [h.channel, h.weekday, h.hour, h.contacts])),
    reasons: sorted(census.reasons.map((r) => [r.channel, r.reason, r.contacts])),
    transitions: sorted(census.transitions.map((t) => [t.from, t.to, t.contacts])),
    steps: sorted(census.steps.map((s) => [s.step, s.channel, s.contacts])),
  };
}

describe('importing an Italian utility’s exports as they come, with the documented profiles', () => {
  it('saves the profiles, imports the CRM’s customers and then its call-centre contacts, and the census adds up', async () => {
    const manager = await loginAs(users.manager.username);
    for (const name of ['crm_customers', 'calls_crm']) {
      const saved = await manager.put(`/api/import-profiles/${name}`).send(example(name)).expect(200);
      conforms('PUT /api/import-profiles/{name}', saved.body);
    }

    const customers = await manager
      .post('/api/imports/customers')
      .query({ profile: 'crm_customers', fileName: 'clienti-crm.tsv' })
      .set('Content-Type', 'text/tab-separated-values')
      .send(customersFile)
      .expect(200);
    conforms('POST /api/imports/customers', customers.body);
    expect(customers.body.summary).toMatchObject({ read: 9, imported: 8, updated: 0, rejected: 1 });
    // Paolo has no surname and a broken address, which the answer does not spell out.
    expect(customers.body.summary.rejections).toEqual([
      { line: 10, reason: 'last_name: is missing; email: "p•••" is not an e-mail address' },
    ]);
    const crm = await stores.customers.byReference('crm', [
      'C000101',
      'C000102',
      'C000104',
      'C000106',
      'C000108',
    ]);
    expect(crm.get('C000101')).toMatchObject({
      firstName: 'Giulia',
      lastName: 'Rossi',
      segment: 'family',
      locale: 'it-IT',
      phone: '+393331234567',
      email: 'giulia.rossi@example.it',
    });
    expect(crm.get('C000102')).toMatchObject({ segment: 'senior', phone: '+393477654321', email: null });
    expect(crm.get('C000104')).toMatchObject({ segment: 'small_business', phone: '+390244556677' });
    expect(crm.get('C000106')).toMatchObject({ phone: null, email: null, segment: 'senior' });
    expect(crm.get('C000108')).toMatchObject({ locale: 'en-US', phone: '+447700900123' });
    const consents = await stores.customers.consents(crm.get('C000102')?.id as string);
    expect(consents.map((c) => [c.purpose, c.medium, c.granted, c.givenAt.toISOString(), c.source])).toEqual([
      ['data_processing', null, true, '2023-03-01T23:00:00.000Z', 'import'],
      ['contact', 'email', false, '2023-03-01T23:00:00.000Z', 'import'],
      ['contact', 'sms', true, '2023-03-01T23:00:00.000Z', 'import'],
    ]);

    const calls = await manager
      .post('/api/imports/interactions')
      .query({ profile: 'calls_crm', fileName: 'chiamate-centralino.csv' })
      .set('Content-Type', 'text/csv')
      .send(callsFile)
      .expect(200);
    conforms('POST /api/imports/interactions', calls.body);
    const { summary } = calls.body;
    expect(summary).toMatchObject({
      read: 34,
      imported: 31,
      rejected: 3,
      localTimes: { gap: 1, repeated: 1 },
    });
    expect(calls.body.source).toBe('centralino');
    expect(summary.rejections).toEqual([
      {
        line: 20,
        reason: expect.stringMatching(
          /^channel: "Piccione viaggiatore" has no mapping in profile calls_crm \(its labels: [^)]*Sito web[^)]*\) and is not a registered channel \(call_centre, email, paper_mail, shop, sms, web, bill_communications, video, voice_assistant\)$/,
        ),
      },
      {
        line: 21,
        reason:
          'started_at: "31/02/2026 10:00" is not a date-time like dd/MM/yyyy HH:mm (Europe/Rome) or ISO 8601 with offset; ended_at: "31/02/2026 10:05" is not a date-time like dd/MM/yyyy HH:mm (Europe/Rome) or ISO 8601 with offset',
      },
      {
        line: 19,
        reason:
          'customer_ref: "C000109" is no customer of crm (import its customers first, or let profile calls_crm keep such contacts anonymous)',
      },
    ]);
    // Rows the file wrote as it meant them: accents and the euro sign of Windows-1252, the quoted semicolon.
    const first = await stores.interactions.fromSource('centralino', 'CH-24001');
    expect(first).toMatchObject({
      customerId: crm.get('C000101')?.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'bill_explanation',
      outcome: 'handed_off',
      startedAt: new Date('2026-02-03T08:12:00Z'),
      endedAt: new Date('2026-02-03T08:19:00Z'),
    });
    expect(await stores.interactions.fromSource('centralino', 'CH-24034')).toMatchObject({
      channel: 'shop',
      touchpoint: 'counter',
    });
    // 02:40 on the night the clocks went forward never happened: read as 03:40 summer time.
    expect((await stores.interactions.fromSource('centralino', 'CH-24032'))?.startedAt).toEqual(
      new Date('2026-03-29T01:40:00Z'),
    );
    // 02:15 happened twice on 26 October 2025: the first, still summer time.
    expect((await stores.interactions.fromSource('centralino', 'CH-24033'))?.startedAt).toEqual(
      new Date('2025-10-26T00:15:00Z'),
    );

    const refs = new Set(
      customersFile
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split('\t'))
        .filter((c) => c[2] !== '')
        .map((c) => c[0] as string),
    );
    const census = await createPostgresCensusSource(storage.db).compute(
      CensusFilter.parse({ from: '2026-02-02', to: '2026-03-29' }),
    );
    expect(census.totals).toEqual({ contacts: 30, customers: 8, anonymousContacts: 2 });
    expect(censusTables(census)).toEqual(expectedCensus(contactsOfTheFile(refs)));

    // The history holds both imports with their summaries, for the manager who ran them.
    const history = await manager.get('/api/imports').expect(200);
    conforms('GET /api/imports', history.body);
    // Both started at the same fixed instant: found by what they imported, not by their order.
    const byKind = (kind: string) => (history.body as { kind: string }[]).find((run) => run.kind === kind);
    expect(history.body).toHaveLength(2);
    expect(byKind('interactions')).toMatchObject({
      source: 'centralino',
      profile: 'calls_crm',
      fileName: 'chiamate-centralino.csv',
      status: 'done',
      startedBy: users.manager.id,
      bytesRead: callsFile.length,
      summary: { imported: 31 },
    });
    expect(byKind('customers')).toMatchObject({
      source: 'crm',
      profile: 'crm_customers',
      status: 'done',
      summary: { imported: 8 },
    });

    // Importing the same files again adds nobody and nothing.
    const again = await manager
      .post('/api/imports/interactions')
      .query({ profile: 'calls_crm' })
      .set('Content-Type', 'text/csv')
      .send(callsFile)
      .expect(200);
    expect(again.body.summary).toMatchObject({ imported: 0, alreadyThere: 31, rejected: 3 });
  });

  it('updates customers imported again, through the directory, without duplicating anyone', async () => {
    const manager = await loginAs(users.manager.username);
    const changed = customersFile
      .replace('C000105\tChiara\tColombo\tResidenziale', 'C000105\tChiara\tColombo\tFamiglia')
      .replace(
        'C000103\tFrancesca\tEsposito\tGiovane\t\t3209988776\tfra.esposito@example.com\tSì\tSì\tNo',
        'C000103\tFrancesca\tEsposito\tGiovane\t\t3209988776\tfra.esposito@example.com\tSì\tNo\tNo',
      );
    const res = await manager
      .post('/api/imports/customers')
      .query({ profile: 'crm_customers' })
      .set('Content-Type', 'text/tab-separated-values')
      .send(changed)
      .expect(200);
    expect(res.body.summary).toMatchObject({ imported: 0, updated: 2, alreadyThere: 6, rejected: 1 });
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from customers where source = 'crm'`.execute(storage.db);
    expect(rows[0]?.n).toBe(8);
    const crm = await stores.customers.byReference('crm', ['C000105', 'C000103']);
    // Only what changed: the segment, and nothing the row gives unchanged (the phone, the e-mail).
    expect(crm.get('C000105')).toMatchObject({
      segment: 'family',
      phone: '+393395551212',
      email: 'chiara.colombo@example.it',
    });
    // The withdrawn e-mail consent is a new record of the history; the old one stays as evidence.
    const history = await stores.customers.consents(crm.get('C000103')?.id as string);
    expect(history.filter((c) => c.medium === 'email').map((c) => c.granted)).toEqual([true, false]);

    // A new mobile alone, then the same file again: the e-mail stays, and the rerun changes nothing.
    const newMobile = changed.replace('\t339.555.1212\t', '\t339 555 9999\t');
    for (const [file, updated] of [
      [newMobile, 1],
      [newMobile, 0],
    ] as const) {
      const again = await manager
        .post('/api/imports/customers')
        .query({ profile: 'crm_customers' })
        .set('Content-Type', 'text/tab-separated-values')
        .send(file)
        .expect(200);
      expect(again.body.summary).toMatchObject({ imported: 0, updated, alreadyThere: 8 - updated });
      expect((await stores.customers.byReference('crm', ['C000105'])).get('C000105')).toMatchObject({
        segment: 'family',
        phone: '+393395559999',
        email: 'chiara.colombo@example.it',
      });
    }
  });

  it('shows a pilot manager the preview of a customer file with names and addresses masked, and stores nothing', async () => {
    const manager = await loginAs(users.manager.username);
    const file =
      'Codice\tNome\tCognome\tCellulare\tEmail\nC000200\tElena\tFerrari\t333 765 4321\telena.ferrari@example.it\n';
    const res = await manager
      .post('/api/imports/customers')
      .query({ profile: 'crm_customers', dryRun: 'true' })
      .set('Content-Type', 'text/tab-separated-values')
      .send(file)
      .expect(200);
    expect(res.body.runId).toBeNull();
    expect(res.body.summary).toMatchObject({ dryRun: true, valid: 1, imported: 1, rejected: 0 });
    expect(res.body.summary.preview).toEqual([
      {
        line: 2,
        customer_ref: 'C000200',
        first_name: 'E•••',
        last_name: 'F•••',
        segment: 'residential',
        locale: 'it-IT',
        phone: '+•••',
        email: 'e•••',
        consents: '',
      },
    ]);
    expect((await stores.customers.byReference('crm', ['C000200'])).size).toBe(0);
    // An administrator sees them whole.
    const admin = await loginAs(users.admin.username);
    const whole = await admin
      .post('/api/imports/customers')
      .query({ profile: 'crm_customers', dryRun: 'true' })
      .set('Content-Type', 'text/tab-separated-values')
      .send(file)
      .expect(200);
    expect(whole.body.summary.preview[0]).toMatchObject({ first_name: 'Elena', phone: '+393337654321' });
    // And an advisor may not import at all.
    const advisor = await loginAs(users.advisor.username);
    await advisor
      .post('/api/imports/customers')
      .query({ profile: 'crm_customers' })
      .set('Content-Type', 'text/tab-separated-values')
      .send(file)
      .expect(403);
  });
});
