import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import express, { type Express } from 'express';
import { pino } from 'pino';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import {
  createPilotDesk,
  registerStandards,
  type AnalysisAnswer,
  type Census,
  type CensusFilter,
  type Pilot,
  type PilotReportData,
} from '../../core/evidence.ts';
import { createApi } from '../../app/http/api.ts';
import { notFoundHandler, problemHandler } from '../../app/http/problem.ts';
import { registerAuthRoutes, sessionMiddleware } from '../../app/http/staff-auth.ts';
import { createManagerPages } from '../../app/web/manager-pages.ts';
import { openTestDatabase } from '../support/database.ts';
import { FIXED_NOW, fixedClock, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { emptyCensus, sampleCensus, samplePilot, samplePilotReport } from '../support/report-samples.ts';

let storage: StorageHandle;
let app: Express;
let users: Awaited<ReturnType<typeof staffUsers>>;

// What the data providers answer, set by each test, and what they were asked.
let now = FIXED_NOW;
let censusAnswer: AnalysisAnswer<Census>;
let reportAnswer: AnalysisAnswer<PilotReportData>;
let pilots: Pilot[];
let reasons: string[];
let censusCalls: { filter: CensusFilter; refresh: boolean }[];
let reportCalls: { idOrCode: string; refresh: boolean }[];

const computedAt = new Date('2026-03-10T08:45:00Z');
const ready = <T>(result: T): AnalysisAnswer<T> => ({ status: 'ready', result, computedAt });

/** The CSV the app would make; the router must hand it over unchanged. */
function fakeCsv(census: Census, table: string): string {
  if (table !== 'transitions') return `table\r\n${table}\r\n`;
  return ['from,to,contacts', ...census.transitions.map((t) => `${t.from},${t.to ?? 'none'},${t.contacts}`)]
    .map((line) => `${line}\r\n`)
    .join('');
}

beforeAll(async () => {
  storage = await openTestDatabase();
  const stores = createPostgresStores(storage.db, { clock: fixedClock });
  // The channels' names on the pages come from the registry, as the app fills it at start.
  await registerStandards(stores);
  users = await staffUsers(stores);
  app = express();
  const api = createApi();
  registerAuthRoutes(api, { staff: stores.staff, sessionTtlMs: 3_600_000, secureCookie: false });
  app.use('/api', express.json(), sessionMiddleware(stores.staff));
  app.use(api.router);
  app.use(
    createManagerPages({
      minimumGroup: 1,
      staff: stores.staff,
      clock: { now: () => now },
      segments: ['residential', 'senior', 'family'],
      reasons: async () => reasons,
      async census(filter, refresh) {
        censusCalls.push({ filter, refresh });
        return censusAnswer;
      },
      censusCsv: fakeCsv,
      pilots: async () => pilots,
      async report(idOrCode, refresh) {
        reportCalls.push({ idOrCode, refresh });
        const pilot = pilots.find((p) => p.id === idOrCode || p.code === idOrCode);
        return pilot ? { pilot, answer: reportAnswer } : undefined;
      },
      // Managing pilots is tested on the composed app (pilot-manage-pages.test.ts); here the desk is real but idle.
      manage: {
        desk: createPilotDesk({ ...stores, log: stores.pilotLog, clock: fixedClock }),
        channels: () => stores.channels.channels(),
        changes: async () => [],
      },
      imports: { profiles: () => stores.importProfiles.list(), history: () => stores.importRuns.list(30) },
    }),
  );
  app.use(notFoundHandler);
  app.use(problemHandler(pino({ level: 'silent' })));
});

afterAll(async () => {
  await storage?.close();
});

beforeEach(() => {
  now = FIXED_NOW;
  censusAnswer = ready(sampleCensus);
  reportAnswer = ready(samplePilotReport);
  pilots = [samplePilot];
  reasons = ['billing_question', 'payment', 'meter_reading'];
  censusCalls = [];
  reportCalls = [];
});

const loginAs = (username: string) => loggedInAgent(app, username);

/** The text of a fragment, tags dropped and white space collapsed. */
function text(fragment: string): string {
  return fragment
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function between(page: string, start: string, end: string): string {
  const from = page.indexOf(start);
  expect(from, `${start} not found`).toBeGreaterThanOrEqual(0);
  return page.slice(from, page.indexOf(end, from));
}

describe('access to the manager pages', () => {
  it('sends a visitor who is not logged in to the login page, with the page to come back to', async () => {
    for (const path of [
      '/manage/census?from=2026-01-01&to=2026-01-31',
      '/manage/pilots',
      `/manage/pilots/${samplePilot.code}`,
      `/manage/pilots/${samplePilot.code}/report.html`,
      '/manage/census.csv?table=channels',
    ]) {
      const res = await request(app).get(path).expect(303);
      expect(res.headers.location).toBe(`/manage/login?next=${encodeURIComponent(path)}`);
    }
    expect(censusCalls).toEqual([]);
    expect(reportCalls).toEqual([]);
  });

  it('shows an advisor a 403 page and computes nothing for them', async () => {
    const advisor = await loginAs(users.advisor.username);
    for (const path of ['/manage/census', '/manage/pilots', `/manage/pilots/${samplePilot.code}`]) {
      const res = await advisor.get(path).expect(403);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Not allowed');
      expect(res.text).toContain('may not read pilots');
    }
    expect(censusCalls).toEqual([]);
    expect(reportCalls).toEqual([]);
  });

  it('lets pilot managers and admins in', async () => {
    for (const username of [users.manager.username, users.admin.username]) {
      const agent = await loginAs(username);
      await agent.get('/manage/pilots').expect(200);
    }
  });

  it('serves a login page whose only script carries the nonce its policy allows, returning to local paths only', async () => {
    const res = await request(app).get('/manage/login?next=%2Fmanage%2Fpilots').expect(200);
    const policy = String(res.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    const scripts = [...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` nonce="${nonce}"`]);
    expect(res.text).toContain('data-next="/manage/pilots"');
    expect(res.text).toContain("fetch('/api/auth/login'");

    for (const next of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const other = await request(app)
        .get(`/manage/login?next=${encodeURIComponent(next)}`)
        .expect(200);
      expect(other.text).toContain('data-next="/manage/census"');
      expect(other.text).not.toContain('evil.example');
    }
  });

  it('sends /manage to the census', async () => {
    const res = await request(app).get('/manage').expect(303);
    expect(res.headers.location).toBe('/manage/census');
  });

  it('logs out: the session ends and the pages ask for a login again', async () => {
    const agent = await loginAs(users.manager.username);
    const list = await agent.get('/manage/pilots').expect(200);
    // Another site's form, without the page's token, logs nobody out.
    await agent.post('/manage/logout').type('form').send({ csrf: 'forged' }).expect(403);
    const res = await agent
      .post('/manage/logout')
      .type('form')
      .send({ csrf: formToken(list.text) })
      .expect(303);
    expect(res.headers.location).toBe('/manage/login');
    expect(String(res.headers['set-cookie'])).toMatch(/cp_session=;.*Max-Age=0/);
    // The old cookie no longer opens a session even if a browser kept it.
    const again = await agent.get('/manage/pilots').expect(303);
    expect(again.headers.location).toMatch(/^\/manage\/login/);
  });
});

describe('census page', () => {
  it('asks for the last 12 full weeks ending yesterday in Rome when no period is given', async () => {
    const agent = await loginAs(users.manager.username);
    // 23:30 UTC on 10 March is 00:30 on 11 March in Rome (UTC+1 until the end of March).
    now = new Date('2026-03-10T23:30:00Z');
    await agent.get('/manage/census').expect(200);
    const day = 86_400_000;
    const yesterday = Date.UTC(2026, 2, 10);
    expect(censusCalls).toEqual([
      {
        filter: {
          from: new Date(yesterday - 83 * day).toISOString().slice(0, 10),
          to: '2026-03-10',
          withinDays: 7,
        },
        refresh: false,
      },
    ]);
  });

  it('shows the totals, the heatmap cells and the transition matrix with row percentages it was given', async () => {
    const agent = await loginAs(users.manager.username);
    const { from, to } = sampleCensus.filter;
    const res = await agent.get(`/manage/census?from=${from}&to=${to}`).expect(200);
    const page = res.text;
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect(page).not.toContain('<script');

    const figure = (name: string) =>
      text(between(page, `data-figure="${name}">`, '</dd>').replace(/^[^>]*>/, ''));
    expect(figure('contacts')).toBe(sampleCensus.totals.contacts.toLocaleString('en-US'));
    expect(figure('customers')).toBe(sampleCensus.totals.customers.toLocaleString('en-US'));
    expect(figure('anonymous')).toBe(sampleCensus.totals.anonymousContacts.toLocaleString('en-US'));

    // Channel by channel, contacts per known customer: anonymous contacts (a walk-in, a withheld
    // number) have no customer to count them for. A known customer's contact is one a transition
    // starts from.
    const channelTable = between(page, '<caption class="sr-only">', '</table>');
    expect(channelTable).toContain('Contacts, customers and handle time by channel');
    const cells = [
      ...channelTable.matchAll(/<tr>\s*<th scope="row" class="text">([^<]*)<\/th>((?:\s*<td>[^<]*<\/td>)*)/g),
    ].map(([, name, tds]) => [name, [...tds!.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1])] as const);
    expect(cells).toHaveLength(sampleCensus.channels.length);
    let anonymousSomewhere = false;
    for (const c of sampleCensus.channels) {
      const known = sampleCensus.transitions
        .filter((t) => t.from === c.channel)
        .reduce((n, t) => n + t.contacts, 0);
      if (known < c.contacts) anonymousSomewhere = true;
      const row = cells.find(
        ([, tds]) =>
          tds[0] === c.contacts.toLocaleString('en-US') && tds[1] === c.customers.toLocaleString('en-US'),
      );
      expect(row?.[1][2]).toBe((known / c.customers).toFixed(2));
    }
    expect(anonymousSomewhere).toBe(true);

    // The call centre's busiest hour, in its own map and summed over all channels in "All channels".
    const busiest = sampleCensus.heatmap
      .filter((c) => c.channel === 'call_centre')
      .reduce((a, b) => (b.contacts > a.contacts ? b : a));
    const allAtThatHour = sampleCensus.heatmap
      .filter((c) => c.weekday === busiest.weekday && c.hour === busiest.hour)
      .reduce((sum, c) => sum + c.contacts, 0);
    const cell = (map: string) =>
      new RegExp(
        `data-weekday="${busiest.weekday}" data-hour="${busiest.hour}" data-value="(\\d+)"><title>[^<]*: ([\\d,]+) contacts</title>`,
      ).exec(between(page, `id="heatmap-${map}"`, '</figure>'));
    expect(cell('call_centre')?.slice(1)).toEqual([
      String(busiest.contacts),
      busiest.contacts.toLocaleString('en-US'),
    ]);
    expect(cell('all')?.slice(1)).toEqual([String(allAtThatHour), allAtThatHour.toLocaleString('en-US')]);

    // Each row of the matrix: the count and its share of the row, for every next channel.
    for (const fromChannel of ['call_centre', 'sms']) {
      const row = between(page, `<tr data-from="${fromChannel}">`, '</tr>');
      const flows = sampleCensus.transitions.filter((t) => t.from === fromChannel);
      const rowTotal = flows.reduce((sum, t) => sum + t.contacts, 0);
      for (const flow of flows) {
        const td = between(row, `<td data-to="${flow.to ?? 'none'}">`, '</td>');
        const share = `${((flow.contacts / rowTotal) * 100).toFixed(1)}%`;
        expect(text(td.replace(/^[^>]*>/, ''))).toBe(`${flow.contacts.toLocaleString('en-US')} ${share}`);
      }
    }

    expect(page).toContain(
      `href="/manage/census.csv?table=transitions&amp;from=${from}&amp;to=${to}&amp;withinDays=7"`,
    );
    expect(page).toMatch(/<option value="meter_reading"\s*>Meter reading<\/option>/);
  });

  it('reports a response time for channels answered later (paper mail, e-mail), apart from the handle times', async () => {
    const agent = await loginAs(users.manager.username);
    const page = (await agent.get('/manage/census?from=2026-01-05&to=2026-03-29').expect(200)).text;
    const handleChart = between(page, 'id="bars-aht', '</svg>');
    expect(handleChart).not.toContain('Paper mail');
    expect(handleChart).toContain('Call centre');
    const answeredLater = text(between(page, 'data-response-times', '</p>'));
    expect(answeredLater).toContain('Paper mail 9.1 days');
    expect(answeredLater).not.toContain('Call centre');
  });

  it('shows the computing banner and reloads every 3 seconds, with the previous figures when there are some', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = { status: 'computing', startedAt: new Date('2026-03-10T09:58:00Z'), previous: null };
    const first = await agent.get('/manage/census').expect(200);
    expect(first.text).toContain('<meta http-equiv="refresh" content="3" />');
    expect(text(first.text)).toContain('Computing… started at 10 Mar 2026, 10:58');
    expect(first.text).not.toContain('data-figure="contacts"');

    censusAnswer = {
      status: 'computing',
      startedAt: new Date('2026-03-10T09:58:00Z'),
      previous: { result: sampleCensus, computedAt: new Date('2026-03-09T07:00:00Z') },
    };
    const second = await agent.get('/manage/census').expect(200);
    expect(second.text).toContain('<meta http-equiv="refresh" content="3" />');
    expect(text(second.text)).toContain('the previous result, computed 9 Mar 2026, 08:00');
    expect(second.text).toContain('data-figure="contacts"');

    censusAnswer = ready(sampleCensus);
    const done = await agent.get('/manage/census').expect(200);
    expect(done.text).not.toContain('http-equiv="refresh"');
  });

  it('shows why a census failed, escaped', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = {
      status: 'failed',
      error: 'statement timeout <b>',
      failedAt: new Date('2026-03-10T09:00:00Z'),
    };
    const res = await agent.get('/manage/census').expect(200);
    expect(res.text).toContain('statement timeout &lt;b&gt;');
    expect(res.text).not.toContain('http-equiv="refresh"');
  });

  it('answers a bad filter with a 400 page naming the field, without computing anything', async () => {
    const agent = await loginAs(users.manager.username);
    const cases: [string, string][] = [
      ['from=2026-03-10&to=2026-03-01', 'to'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['withinDays=0', 'withinDays'],
      ['segment=martians', 'segment'],
      ['reason=Not%20A%20Slug', 'reason'],
    ];
    for (const [query, field] of cases) {
      const res = await agent.get(`/manage/census?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain(`<strong>${field}</strong>`);
      expect(res.text).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"`));
    }
    expect(censusCalls).toEqual([]);
  });

  it('says one contact in the singular, and names no next channel that none of a channel’s contacts took', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = ready({
      ...sampleCensus,
      heatmap: [
        { channel: 'video', weekday: 2, hour: 10, contacts: 1 },
        { channel: 'shop', weekday: 2, hour: 10, contacts: 2 },
      ],
      transitions: [
        { from: 'video', to: null, contacts: 3 },
        { from: 'video', to: 'web', contacts: 0 },
        { from: 'shop', to: null, contacts: 1 },
        { from: 'shop', to: 'web', contacts: 1 },
      ],
    });
    const page = (await agent.get('/manage/census').expect(200)).text;
    expect(between(page, 'id="heatmap-video"', '</figure>')).toContain(': 1 contact</title>');
    expect(between(page, 'id="heatmap-all"', '</figure>')).toContain(': 3 contacts</title>');
    expect(page).toContain(
      'Video: 100.0% no next contact; Shops: 50.0% no next contact, 50.0% next on Website and app',
    );
  });

  it('names only the day that is no date, not the range it would make, and one limit of a number', async () => {
    const agent = await loginAs(users.manager.username);
    for (const [query, bad, fine] of [
      ['from=abc&to=2026-03-12', 'from', 'to'],
      ['from=2026-03-10&to=abc', 'to', 'from'],
      ['from=10%2F03%2F2026&to=2026-03-12', 'from', 'to'],
      // Over 30, and not also past the safe integers.
      ['withinDays=99999999999999999999', 'withinDays', 'from'],
    ] as const) {
      const page = (await agent.get(`/manage/census?${query}`).expect(400)).text;
      const corrections = between(page, 'The filter needs a correction:', '</ul>');
      expect(corrections).toContain(`<strong>${bad}</strong>`);
      expect(corrections.match(/<li>/g)).toHaveLength(1);
      expect(page).not.toMatch(new RegExp(`name="${fine}"[^>]*aria-invalid="true"`));
    }
    expect(censusCalls).toEqual([]);
  });

  it('escapes the reasons it offers in the filter', async () => {
    const agent = await loginAs(users.manager.username);
    reasons = ['billing_question', '"><script>alert(1)</script>'];
    const res = await agent.get('/manage/census').expect(200);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('starts a fresh computation on "compute again", then goes back to the plain address', async () => {
    const agent = await loginAs(users.manager.username);
    const shown = await agent.get('/manage/census?from=2026-01-05&to=2026-03-01').expect(200);
    const action = /action="(\/manage\/census\/refresh[^"]*)"/.exec(shown.text)?.[1] ?? '';
    expect(action.replaceAll('&amp;', '&')).toBe(
      '/manage/census/refresh?from=2026-01-05&to=2026-03-01&withinDays=7',
    );
    censusCalls.length = 0;
    // A link (or another site's image) does not start work; only the page's form does.
    await agent.get('/manage/census?from=2026-01-05&to=2026-03-01&refresh=1').expect(200);
    expect(censusCalls.filter((c) => c.refresh)).toEqual([]);
    const res = await agent
      .post(action.replaceAll('&amp;', '&'))
      .type('form')
      .send({ csrf: formToken(shown.text) })
      .expect(303);
    expect(res.headers.location).toBe('/manage/census?from=2026-01-05&to=2026-03-01&withinDays=7');
    expect(censusCalls.filter((c) => c.refresh)).toEqual([
      { filter: { from: '2026-01-05', to: '2026-03-01', withinDays: 7 }, refresh: true },
    ]);
  });
});

describe('census CSV download', () => {
  it('sends the table as a CSV attachment', async () => {
    const agent = await loginAs(users.manager.username);
    const { from, to } = sampleCensus.filter;
    const res = await agent
      .get(`/manage/census.csv?table=transitions&from=${from}&to=${to}&withinDays=7`)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?census-transitions-${from}-${to}\\.csv"?$`),
    );
    const callCentreToWeb = sampleCensus.transitions.find((t) => t.from === 'call_centre' && t.to === 'web');
    expect(res.text.split('\r\n')).toContain(`call_centre,web,${callCentreToWeb?.contacts}`);
    expect(res.text).toBe(fakeCsv(sampleCensus, 'transitions'));
    expect(censusCalls).toEqual([{ filter: { from, to, withinDays: 7 }, refresh: false }]);
  });

  it('serves the previous figures while a fresh census is computed', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = { status: 'computing', startedAt: now, previous: { result: sampleCensus, computedAt } };
    const res = await agent.get('/manage/census.csv?table=transitions').expect(200);
    expect(res.text).toBe(fakeCsv(sampleCensus, 'transitions'));
  });

  it('answers 409 while the census has never been computed, and 400 for an unknown table', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = { status: 'computing', startedAt: now, previous: null };
    const res = await agent.get('/manage/census.csv?table=channels').expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 409, code: 'conflict' });

    const bad = await agent.get('/manage/census.csv?table=customers').expect(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'invalid_input', errors: [{ path: 'query.table' }] });
  });
});

describe('pilot pages', () => {
  const malicious = '<script>alert("pwned")</script><img src=x onerror=alert(1)>';

  it('lists the pilots with links to their reports, names escaped', async () => {
    const agent = await loginAs(users.manager.username);
    pilots = [
      samplePilot,
      { ...samplePilot, id: '0b7e5a1c-4f7e-4a3f-9f60-6f0f2d3c9a10', code: 'evil_pilot', name: malicious },
    ];
    const res = await agent.get('/manage/pilots').expect(200);
    expect(res.text).toContain(`href="/manage/pilots/${samplePilot.code}"`);
    expect(res.text).toContain('href="/manage/pilots/evil_pilot"');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
  });

  it('shows the recommendation first, then a card per criterion with its verdict, evidence and rating', async () => {
    const agent = await loginAs(users.manager.username);
    const res = await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200);
    const page = res.text;
    const main = page.slice(page.indexOf('<main'));
    expect(main.indexOf('data-recommendation="extend"')).toBeLessThan(main.indexOf('data-criterion='));
    for (const reason of samplePilotReport.scorecard.reasons) expect(text(page)).toContain(reason);

    const cards = [...page.matchAll(/<article\s+class="card (\w+)"\s+data-criterion="(\w+)"/g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(cards).toEqual(samplePilotReport.scorecard.criteria.map((c) => [c.criterion, c.verdict]));
    const capacity = between(page, 'data-criterion="capacity"', '</article>');
    expect(capacity).toContain('aria-label="4 of 5 stars"');
    expect(text(capacity)).toContain('“Two more advisors join in April.”');
    // Evidence held against an objective shows the rule and its threshold.
    const functional = text(between(page, 'data-criterion="functional"', '</article>'));
    expect(functional).toContain("Rule: pass at ≥ 60%, fail below it (the pilot's objective)");

    // Pilot vs control: n, both p-values, significance (always valid) and the verdict.
    const versus = between(page, 'data-table="versus-control"', '</table>');
    const rows = [...versus.matchAll(/<tr data-measure[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
      text(m[1] as string),
    );
    const vc = samplePilotReport.metrics.versusControl;
    expect(rows).toHaveLength(4);
    [
      vc.existingContactsPerCustomer,
      vc.callCentreContactsPerCustomer,
      vc.complaintsPerCustomer,
      vc.nps,
    ].forEach((c, i) => {
      const p = c.pValue as number;
      expect(rows[i]).toContain(`${p < 0.001 ? '< 0.001' : p.toFixed(3)} · `);
      expect(rows[i]).toContain(c.significant ? 'Yes' : 'No');
      expect(rows[i]).toContain(c.difference.n.toLocaleString('en-US'));
    });
    expect(page).toContain('data-sample-ratio="ok"');
    expect(page).toContain(`href="/manage/pilots/${samplePilot.code}/report.html"`);
  });

  it("escapes a pilot's name on its report", async () => {
    const agent = await loginAs(users.manager.username);
    pilots = [{ ...samplePilot, name: malicious }];
    const res = await agent.get(`/manage/pilots/${samplePilot.id}`).expect(200);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).toContain('<h1>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(reportCalls).toEqual([{ idOrCode: samplePilot.id, refresh: false }]);
  });

  it('shows the computing banner with a reload while the figures are computed', async () => {
    const agent = await loginAs(users.manager.username);
    reportAnswer = { status: 'computing', startedAt: new Date('2026-03-10T09:59:00Z'), previous: null };
    const res = await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200);
    expect(res.text).toContain('<meta http-equiv="refresh" content="3" />');
    expect(text(res.text)).toContain('Computing… started at 10 Mar 2026, 10:59');
    expect(res.text).not.toContain('data-recommendation');
    // The definition is known without the figures.
    expect(text(res.text)).toContain('Billing question, Contract change, Move home');
  });

  it('answers an unknown pilot with a 404 page', async () => {
    const agent = await loginAs(users.manager.username);
    const res = await agent.get('/manage/pilots/no_such_pilot').expect(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('no_such_pilot');
  });

  it('recomputes on request and goes back to the report', async () => {
    const agent = await loginAs(users.manager.username);
    const shown = await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200);
    reportCalls.length = 0;
    const res = await agent
      .post(`/manage/pilots/${samplePilot.code}/refresh`)
      .type('form')
      .send({ csrf: formToken(shown.text) })
      .expect(303);
    expect(res.headers.location).toBe(`/manage/pilots/${samplePilot.code}`);
    expect(reportCalls).toEqual([{ idOrCode: samplePilot.code, refresh: true }]);
  });
});

describe('the report explains itself', () => {
  it('shows every piece of evidence with its n, its always-valid and fixed-horizon intervals, the rule and why', async () => {
    const agent = await loginAs(users.manager.username);
    const page = (await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text;
    const items = [...page.matchAll(/<li data-evidence="([^"]+)" data-verdict="(\w+)">([\s\S]*?)<\/li>/g)];
    // The scorecard's evidence, then the guardrails, in the order the page shows them.
    const evidence = [
      ...samplePilotReport.scorecard.criteria.flatMap((c) => c.evidence),
      ...samplePilotReport.scorecard.guardrails,
    ];
    expect(items.length).toBe(evidence.length);
    for (const [i, [, metric, verdict, body]] of items.entries()) {
      const shown = text(body!);
      const e = evidence[i]!;
      expect([metric, verdict]).toEqual([e.metric, e.verdict]);
      expect(shown).toContain(text(e.why));
      if (e.estimate) {
        expect(shown).toContain(`n = ${e.estimate.n.toLocaleString('en-US')}`);
        expect(shown).toContain('always-valid interval');
        expect(shown).toContain('fixed-horizon');
      }
    }
    // A default rule names its values.
    expect(text(page)).toContain('Rule: pass at ≥ 50%, fail below 30% (the default thresholds)');
  });

  it('says in a sentence why a significant difference from control is still a concern', async () => {
    const agent = await loginAs(users.manager.username);
    const page = (await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text;
    const row = text(between(page, 'data-measure="Call-centre contacts per customer"', '</tr>'));
    expect(row).toContain('Yes');
    expect(row).toContain('Concern');
    expect(text(page)).toContain(
      'The difference from control is significant (its interval excludes 0), but not by enough to clear the thresholds.',
    );
  });

  it('says how many more weeks "extend" needs, or why an open criterion cannot reach a verdict', async () => {
    const agent = await loginAs(users.manager.username);
    const page = (await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text;
    expect(page).toContain('data-extend-weeks=""');
    expect(text(page)).toContain(
      'How much longer: at the current rates, not every open criterion can reach a verdict',
    );
    expect(text(between(page, 'data-criterion="functional"', '</article>'))).toMatch(
      /Time to a verdict: .*about \d+ more weeks for the interval to clear 60%/,
    );
    const soon = { ...samplePilotReport, scorecard: { ...samplePilotReport.scorecard, extendWeeks: 6 } };
    reportAnswer = ready(soon);
    const later = (await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text;
    expect(text(later)).toContain('How much longer: about 6 more weeks at the current rates.');
  });

  it('says how its parts map to the decision, and how its intervals are made', async () => {
    const agent = await loginAs(users.manager.username);
    const page = text((await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text);
    expect(page).toContain('How this report decides');
    expect(page.indexOf('Can we run it?')).toBeLessThan(page.indexOf('What do we have today?'));
    expect(page.indexOf('What do we have today?')).toBeLessThan(page.indexOf('Is the new channel worth it?'));
    expect(page).toContain('tuned to be tightest at 1,000 observations');
    expect(page).toContain('adjusted Wald interval (Rocks 2016)');
  });

  it('says which NPS answers count against control, and the variance reduction', async () => {
    const agent = await loginAs(users.manager.username);
    const page = text((await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text);
    expect(page).toContain(
      'NPS against control counts only answers both arms could give: those about contacts on Call centre, E-mail, SMS, Website and app, Shops, Paper mail.',
    );
    expect(page).toContain('n counts customers who answered (512 answers in the pilot arm, 470 in control)');
    expect(page).toContain(
      '(CUPED, θ = 0.310, pooled across the arms), which cut the variance of the difference by 40%',
    );
  });

  it('charts the key figures week by week, in the export too', async () => {
    const agent = await loginAs(users.manager.username);
    for (const path of [
      `/manage/pilots/${samplePilot.code}`,
      `/manage/pilots/${samplePilot.code}/report.html`,
    ]) {
      const page = (await agent.get(path).expect(200)).text;
      const weekly = between(page, 'data-weekly', '</section>');
      for (const chart of ['weekly-rates', 'weekly-contacts', 'weekly-nps'])
        expect(weekly).toContain(`id="${chart}`);
      expect(weekly).toContain('data-series="control"');
      expect(text(weekly)).toContain('2 Mar 2026');
    }
  });

  it('says when capacity is limited by the eligible population', async () => {
    const agent = await loginAs(users.manager.username);
    reportAnswer = ready({
      ...samplePilotReport,
      capacity: {
        ...samplePilotReport.capacity,
        largestCohort: 3_000,
        largestCohortByHours: 46_132,
        eligiblePopulation: 3_000,
        limitedByPopulation: true,
      },
    });
    const page = text((await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200)).text);
    expect(page).toContain('3,000 customers');
    expect(page).toContain(
      "Limited by the eligible population: the cohort's segments hold 3,000 customers, though the hours alone would serve 46,132.",
    );
  });
});

describe('pages with nothing measured yet', () => {
  const broken = /NaN|undefined|Infinity|>null</;

  it('renders a census without contacts', async () => {
    const agent = await loginAs(users.manager.username);
    censusAnswer = ready(emptyCensus({ from: '2026-01-01', to: '2026-01-31', withinDays: 7 }));
    const res = await agent.get('/manage/census?from=2026-01-01&to=2026-01-31').expect(200);
    expect(res.text).not.toMatch(broken);
    expect(text(between(res.text, 'data-figure="contacts">', '</dd>').replace(/^[^>]*>/, ''))).toBe('0');
  });

  it('renders a report whose estimates are all empty', async () => {
    const agent = await loginAs(users.manager.username);
    const nothing = { value: null, low: null, high: null, n: 0 };
    const unknown = {
      pilot: nothing,
      control: nothing,
      difference: nothing,
      relative: null,
      pValue: null,
      sequentialPValue: null,
      significant: false,
      significantFixed: false,
    };
    const unadjusted = {
      ...unknown,
      varianceReduction: { preWeeks: 12, theta: 0, varianceCut: 0, unadjusted: nothing },
    };
    const m = samplePilotReport.metrics;
    reportAnswer = ready({
      ...samplePilotReport,
      capacity: {
        ...samplePilotReport.capacity,
        staffed: false,
        largestCohort: null,
        largestCohortByHours: null,
        limitedByPopulation: false,
        bookedShareNext14Days: null,
        warnings: [],
      },
      relevance: { servedContacts: 0, allContacts: 0, share: null, topReasons: [] },
      metrics: {
        ...m,
        sampleRatio: null,
        adoption: nothing,
        adoptionBySegment: [],
        containment: nothing,
        switching: nothing,
        switchedTo: [],
        firstContactResolution: nothing,
        taskCompletion: nothing,
        handoffs: { total: 0, withContext: 0, contextRate: nothing, continuedElsewhere: 0 },
        handleTime: { averageSeconds: null, medianSeconds: null, n: 0 },
        noShow: null,
        nps: { ...nothing, promoters: 0, passives: 0, detractors: 0 },
        csat: nothing,
        ces: nothing,
        versusControl: {
          existingContactsPerCustomer: unadjusted,
          callCentreContactsPerCustomer: unadjusted,
          complaintsPerCustomer: unadjusted,
          nps: { ...unknown, answers: { pilot: 0, control: 0 } },
          npsChannels: [],
          minimumDetectableEffect: { absolute: null, relative: null },
        },
        weekly: [],
      },
    });
    const res = await agent.get(`/manage/pilots/${samplePilot.code}`).expect(200);
    expect(res.text.replace(/<style>[\s\S]*?<\/style>/, '')).not.toMatch(broken);
    expect(text(res.text)).toContain('Self-service channel: it needs no advisor hours.');
    expect(text(res.text)).toContain('No random split to check');
  });
});

describe('standalone report export', () => {
  it('is a self-contained HTML attachment with the recommendation and the date it was made', async () => {
    const agent = await loginAs(users.manager.username);
    const res = await agent.get(`/manage/pilots/${samplePilot.code}/report.html`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?${samplePilot.code}-report\\.html"?$`),
    );
    const doc = res.text;
    expect(doc).not.toMatch(/<script/i);
    expect(doc).not.toMatch(/<link/i);
    expect(doc).not.toMatch(/src="http/i);
    expect(doc).not.toMatch(/href="\//);
    expect(doc).not.toMatch(/<form/i);
    expect(doc).not.toContain('http-equiv="refresh"');
    expect(doc).toContain('<style>');
    expect(doc).toContain('data-recommendation="extend"');
    expect(text(doc)).toContain('Extend Keep piloting');
    expect(text(doc)).toContain('Generated by channel-pilot on 10 Mar 2026, 10:00');
  });

  it('exports the previous figures while fresh ones are computed, and answers 409 when there are none', async () => {
    const agent = await loginAs(users.manager.username);
    reportAnswer = {
      status: 'computing',
      startedAt: now,
      previous: { result: samplePilotReport, computedAt },
    };
    const res = await agent.get(`/manage/pilots/${samplePilot.code}/report.html`).expect(200);
    expect(res.text).not.toContain('http-equiv="refresh"');
    expect(res.text).toContain('data-recommendation="extend"');

    reportAnswer = { status: 'computing', startedAt: now, previous: null };
    const none = await agent.get(`/manage/pilots/${samplePilot.code}/report.html`).expect(409);
    expect(JSON.parse(none.text)).toMatchObject({ code: 'conflict' });
  });
});

/** The session's token a page's forms carry. */
function formToken(page: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  expect(token).toBeDefined();
  return token as string;
}
