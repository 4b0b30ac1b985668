import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { systemClock, type Stores } from '../../core/index.ts';
import { withStaffApp } from '../support/staff-app.ts';
import { runCli } from '../support/app-process.ts';
import { createScratchDatabase } from '../support/database.ts';
import { officeHoursAdvisor, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';

// Days and instants outside the years 1900–2199 are typing mistakes (9999 for 2026, 0001 for a
// blank, 1899 for a spreadsheet's day zero): wherever the API, the pages and the CLI take one,
// it is refused naming the parameter and the years, and nothing is stored. Real clock.

const OUTSIDE = 'must be between the years 1900 and 2199';
const years = ['9999', '0001', '1899'] as const;

let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(systemClock, (opened) => {
  ({ app, stores, users } = opened);
});

/** The problem's issues, after checking it is a 400 problem. */
function refused(res: request.Response) {
  expect(res.status, res.text).toBe(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return (res.body as { errors?: { path: string; message: string }[] }).errors;
}

const pilotOn = (code: string, startsOn: string, endsOn: string) => ({
  code,
  name: 'Assistente vocale per le bollette',
  channel: 'voice_assistant',
  touchpoints: ['alexa'],
  reasons: ['bill_explanation'],
  startsOn,
  endsOn,
  cohort: { segments: ['family'], rolloutPercent: 20, controlPercent: 20 },
});

describe('days and instants outside the years 1900–2199 in the API and the pages', () => {
  it('refuses them in a census, its refresh and its CSV, naming from and to', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    for (const year of years) {
      const range = `from=${year}-01-01&to=${year}-03-10`;
      const expected = [
        { path: 'query.from', message: OUTSIDE },
        { path: 'query.to', message: OUTSIDE },
      ];
      expect(refused(await manager.get(`/api/census?${range}`))).toEqual(expected);
      expect(refused(await manager.get(`/manage/census.csv?${range}&table=channels`))).toEqual(expected);
      expect(
        refused(await manager.post('/api/census/refresh').send({ from: `${year}-01-01`, to: '2026-01-10' })),
      ).toEqual([{ path: 'body.from', message: OUTSIDE }]);
    }
    await manager.get('/api/census?from=1900-01-01&to=1900-03-10').expect(200);
    await manager.get('/api/census?from=2199-10-01&to=2199-12-31').expect(200);
  });

  it('refuses them as a pilot’s dates and defines none; the first and last day of the years are taken', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    for (const year of years) {
      const errors = refused(
        await manager.post('/api/pilots').send(pilotOn(`voce_${year}`, `${year}-03-01`, `${year}-04-30`)),
      );
      expect(errors).toContainEqual({ path: 'body.startsOn', message: OUTSIDE });
      expect(errors).toContainEqual({ path: 'body.endsOn', message: OUTSIDE });
    }
    const codes = (await stores.pilots.pilots()).map((p) => p.code);
    expect(codes.filter((code) => code.startsWith('voce_'))).toEqual([]);
    const first = await manager.post('/api/pilots').send(pilotOn('voce_primo', '1900-01-01', '1900-02-28'));
    expect(first.status, first.text).toBe(201);
    const last = await manager.post('/api/pilots').send(pilotOn('voce_ultimo', '2199-11-01', '2199-12-31'));
    expect(last.status, last.text).toBe(201);
    expect((await stores.pilots.pilot('voce_ultimo'))?.endsOn).toBe('2199-12-31');
  });

  it('refuses them as an advisor’s day off and in the range of days asked, storing no day', async () => {
    const admin = await loggedInAgent(app, users.admin.username);
    const advisor = await officeHoursAdvisor(stores, { name: 'Chiara Esposito' });
    for (const year of years) {
      expect(
        refused(await admin.put(`/api/advisors/${advisor.id}/overrides/${year}-06-29`).send({ hours: [] })),
      ).toEqual([{ path: 'path.day', message: OUTSIDE }]);
      expect(
        refused(await admin.get(`/api/advisors/${advisor.id}/overrides?from=${year}-01-01&to=2026-12-31`)),
      ).toEqual([{ path: 'query.from', message: OUTSIDE }]);
    }
    expect(await stores.appointments.overrides([advisor.id], '0001-01-01', '9999-12-31')).toEqual([]);
    await admin.put(`/api/advisors/${advisor.id}/overrides/2199-12-31`).send({ hours: [] }).expect(200);
    const listed = await admin.get(`/api/advisors/${advisor.id}/overrides?from=1900-01-01&to=2199-12-31`);
    expect(listed.body.map((o: { day: string }) => o.day)).toEqual(['2199-12-31']);
  });

  it('refuses them as the range of consultations and of free slots asked for', async () => {
    const admin = await loggedInAgent(app, users.admin.username);
    for (const year of years) {
      const from = `${year}-01-01T00:00:00Z`;
      const to = `${year}-01-10T00:00:00Z`;
      expect(refused(await admin.get(`/api/appointments?from=${from}&to=${to}`))).toEqual([
        { path: 'query.from', message: OUTSIDE },
        { path: 'query.to', message: OUTSIDE },
      ]);
      expect(
        refused(
          await admin.get(
            `/api/appointments/slots?topic=billing&locale=it-IT&from=${from}&to=2026-01-10T00:00:00Z`,
          ),
        ),
      ).toEqual([{ path: 'query.from', message: OUTSIDE }]);
    }
    await admin.get('/api/appointments?from=2199-12-01T00:00:00Z&to=2199-12-31T23:59:59Z').expect(200);
    await admin.get('/api/appointments?from=1900-01-01T00:00:00Z&to=1900-01-10T00:00:00Z').expect(200);
  });
});

describe('days outside the years 1900–2199 on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-instant-years-'));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    scratch = await createScratchDatabase(inject('databaseServerUrl'));
    env = { DATABASE_URL: scratch.url, DATA_DIR: join(dir, 'data'), SEED_DEMO_DATA: 'false' };
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses them as the census’s days, a billing run’s day, the seed’s last day and a pilot’s dates, naming each', async () => {
    const census = await runCli(['census', '--from', '9999-01-01', '--to', '9999-03-10'], env);
    expect(census.code).toBe(1);
    expect(census.stderr).toContain(`from ${OUTSIDE}`);
    expect(census.stderr).toContain(`to ${OUTSIDE}`);

    const bills = await runCli(['bills', 'send', '--issued-on', '0001-01-01'], env);
    expect(bills.code).not.toBe(0);
    expect(bills.stderr).toContain(`option '--issued-on <day>' argument '0001-01-01' is invalid. ${OUTSIDE}`);

    const seed = await runCli(['seed', '--as-of', '1899-12-31', '--customers', '10'], env);
    expect(seed.code).not.toBe(0);
    expect(seed.stderr).toContain(`option '--as-of <date>' argument '1899-12-31' is invalid. ${OUTSIDE}`);

    const definition = join(dir, 'pilot.json');
    writeFileSync(definition, JSON.stringify(pilotOn('voce_cli', '9999-03-01', '9999-04-30')));
    const pilot = await runCli(['pilot', 'define', definition], env);
    expect(pilot.code).toBe(1);
    expect(pilot.stderr).toContain(`startsOn: ${OUTSIDE}`);

    const listed = await runCli(['pilot', 'list'], env);
    expect(listed.stdout).not.toContain('voce_cli');
    const customers = await runCli(['census', '--from', '2199-12-01', '--to', '2199-12-31'], env);
    expect(customers.code, customers.stderr).toBe(0);
  }, 180_000);
});
