import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { calendarDate, systemClock, type StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { FIXED_NOW, fixedClock, gasCustomer, staffUsers } from '../support/fixtures.ts';
import { formTokenOf, loggedInFormAgent, postForm } from '../support/staff-login.ts';

// Managing pilots from /manage on the composed app and a real database: every change goes through
// the same desk as the API's, is checked by the same rules, and lands in the audit trail.

let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;
let users: Awaited<ReturnType<typeof staffUsers>>;
const HOST = 'pilots.example.it';

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: `https://${HOST}`, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock: fixedClock,
  });
  users = await staffUsers(composed.stores);
  // Family customers to draw cohorts from; the control group calls as before.
  for (let i = 0; i < 120; i++) await gasCustomer(composed.stores);
}, 120_000);

afterAll(async () => {
  await storage?.close();
});

const loginAs = (username: string, app = composed.app) => loggedInFormAgent(app, username);

/** A form as a browser on this site sends it, from one of the session's pages. */
const post = (agent: request.Agent, path: string, form: Record<string, string | string[]>) =>
  postForm(agent, HOST, path, form);

const form = (code: string): Record<string, string | string[]> => ({
  code,
  name: 'Alexa per le bollette',
  channel: 'voice_assistant',
  touchpoints: 'alexa',
  reasons: 'bill_explanation, payment',
  startsOn: '2026-03-01',
  endsOn: '2026-05-31',
  segments: ['family'],
  rolloutPercent: '50',
  controlPercent: '50',
  customerIds: '',
  objective0Metric: 'containment',
  objective0Comparison: 'at_least',
  objective0Threshold: '0.5',
  closingSurvey: 'on',
  withinDays: '7',
  advisorShare: '1',
});

const text = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('managing pilots from /manage', () => {
  it('defines a pilot from the form as a draft, and the audit trail names who did it', async () => {
    const agent = await loginAs(users.manager.username);
    const page = await agent.get('/manage/pilots/new').expect(200);
    expect(page.text).toContain('action="/manage/pilots"');
    const res = await post(agent, '/manage/pilots', form('alexa_bollette')).expect(303);
    expect(res.headers.location).toBe('/manage/pilots/alexa_bollette');
    const stored = await composed.stores.pilots.pilot('alexa_bollette');
    expect(stored).toMatchObject({
      status: 'draft',
      touchpoints: ['alexa'],
      reasons: ['bill_explanation', 'payment'],
      objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.5 }],
      cohort: { segments: ['family'], rolloutPercent: 50, controlPercent: 50, customerIds: [] },
      closingSurvey: true,
      openToEveryone: false,
    });
    const changes = await composed.stores.pilotLog.changes(stored!.id);
    expect(changes).toEqual([
      {
        pilotId: stored!.id,
        at: FIXED_NOW,
        actor: { id: users.manager.id, name: users.manager.displayName },
        action: 'defined',
        summary: 'defined “Alexa per le bollette” (alexa_bollette) as a draft',
      },
    ]);
  });

  it('names every bad field as the API does, and stores nothing', async () => {
    const agent = await loginAs(users.manager.username);
    const before = (await composed.stores.pilots.pilots()).length;
    const bad = {
      ...form('Bad Code!'),
      endsOn: '2026-02-01',
      controlPercent: '70',
      objective0Threshold: 'half',
      touchpoints: 'smart_fridge',
    };
    const res = await post(agent, '/manage/pilots', bad).expect(400);
    const shown = [...res.text.matchAll(/<li><code>([^<]+)<\/code>/g)].map((m) => m[1]);
    // The same definition through the API.
    const api = await agent
      .post('/api/pilots')
      .send({
        code: 'Bad Code!',
        name: 'Alexa per le bollette',
        channel: 'voice_assistant',
        touchpoints: ['smart_fridge'],
        reasons: ['bill_explanation', 'payment'],
        objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 'half' }],
        startsOn: '2026-03-01',
        endsOn: '2026-02-01',
        cohort: { segments: ['family'], customerIds: [], rolloutPercent: 50, controlPercent: 70 },
        closingSurvey: true,
        withinDays: 7,
        advisorShare: 1,
      })
      .expect(400);
    const apiPaths = (api.body as { errors: { path: string }[] }).errors.map((e) =>
      e.path.replace(/^body\./, ''),
    );
    expect(shown.sort()).toEqual(apiPaths.sort());
    expect(shown).toEqual(
      expect.arrayContaining(['code', 'cohort.controlPercent', 'objectives.0.threshold']),
    );
    // What was typed stays in the form.
    expect(res.text).toContain('value="Bad Code!"');
    expect((await composed.stores.pilots.pilots()).length).toBe(before);
  });

  it('starts, pauses, resumes and ends a pilot from its report, each change in the audit trail', async () => {
    const agent = await loginAs(users.manager.username);
    await post(agent, '/manage/pilots', form('video_trial')).expect(303);
    const buttons = async () =>
      [...(await agent.get('/manage/pilots/video_trial').expect(200)).text.matchAll(/data-to="(\w+)"/g)].map(
        (m) => m[1],
      );
    // A draft starts; it has nothing to end.
    expect(await buttons()).toEqual(['running']);
    for (const [to, next] of [
      ['running', ['paused', 'ended']],
      ['paused', ['running', 'ended']],
      ['running', ['paused', 'ended']],
      ['ended', []],
    ] as const) {
      await post(agent, '/manage/pilots/video_trial/status', { status: to }).expect(303);
      expect((await composed.stores.pilots.pilot('video_trial'))?.status).toBe(to);
      expect(await buttons()).toEqual(next);
    }
    const pilot = (await composed.stores.pilots.pilot('video_trial'))!;
    const trail = (await composed.stores.pilotLog.changes(pilot.id)).map((c) => [c.action, c.summary]);
    expect(trail[1]?.[1]).toMatch(/^draft → running \(enrolled \d+ customers\)$/);
    expect(trail.slice(2)).toEqual([
      ['status', 'running → paused'],
      ['status', 'paused → running'],
      ['status', 'running → ended'],
    ]);
    // The page shows it, newest first, with who and when.
    const page = text((await agent.get('/manage/pilots/video_trial').expect(200)).text);
    expect(page).toContain(`10 Mar 2026, 10:00 ${users.manager.displayName} running → ended`);
    // An ended pilot changes no more.
    const again = await post(agent, '/manage/pilots/video_trial/status', { status: 'running' }).expect(409);
    expect(text(again.text)).toContain('pilot video_trial has ended: it cannot become running');
  });

  it("keeps a started pilot's cohort from shrinking, as the API does", async () => {
    const agent = await loginAs(users.manager.username);
    await post(agent, '/manage/pilots', { ...form('alexa_cohort'), controlPercent: '20' }).expect(303);
    await post(agent, '/manage/pilots/alexa_cohort/status', { status: 'running' }).expect(303);
    const edit = await agent.get('/manage/pilots/alexa_cohort/edit').expect(200);
    expect(edit.text).toContain('value="50"');
    expect(text(edit.text)).toContain('This pilot has started');
    const res = await post(agent, '/manage/pilots/alexa_cohort', {
      ...form('alexa_cohort'),
      controlPercent: '20',
      rolloutPercent: '30',
    }).expect(400);
    expect(text(res.text)).toContain('cohort.rolloutPercent : may only grow once started (now 50)');
    expect((await composed.stores.pilots.pilot('alexa_cohort'))?.cohort.rolloutPercent).toBe(50);
    // Growing is allowed, and recorded.
    await post(agent, '/manage/pilots/alexa_cohort', {
      ...form('alexa_cohort'),
      controlPercent: '20',
      rolloutPercent: '60',
      endsOn: '2026-06-30',
    }).expect(303);
    const pilot = (await composed.stores.pilots.pilot('alexa_cohort'))!;
    expect(pilot.cohort.rolloutPercent).toBe(60);
    const last = (await composed.stores.pilotLog.changes(pilot.id)).at(-1);
    expect(last?.summary).toBe('revised endsOn "2026-05-31" → "2026-06-30"; cohort.rolloutPercent 50 → 60');
    await post(agent, '/manage/pilots/alexa_cohort/status', { status: 'ended' }).expect(303);
  });

  it('rates a criterion with a note, and refuses a bad rating naming the field', async () => {
    const agent = await loginAs(users.manager.username);
    await post(agent, '/manage/pilots', form('rated_pilot')).expect(303);
    await post(agent, '/manage/pilots/rated_pilot/ratings', {
      criterion: 'appropriate',
      rating: '2',
      note: 'Gli anziani trovano scomoda la parola di attivazione',
    }).expect(303);
    const pilot = (await composed.stores.pilots.pilot('rated_pilot'))!;
    expect(await composed.stores.pilots.ratings(pilot.id)).toEqual([
      {
        criterion: 'appropriate',
        rating: 2,
        note: 'Gli anziani trovano scomoda la parola di attivazione',
        ratedBy: users.manager.id,
        ratedAt: FIXED_NOW,
      },
    ]);
    expect((await composed.stores.pilotLog.changes(pilot.id)).at(-1)?.summary).toBe(
      'rated appropriate 2/5: “Gli anziani trovano scomoda la parola di attivazione”',
    );
    const nine = await post(agent, '/manage/pilots/rated_pilot/ratings', {
      criterion: 'relevant',
      rating: '9',
    });
    expect(nine.status).toBe(400);
    expect(text(nine.text)).toContain('rating is 1 to 5');
    const bogus = await post(agent, '/manage/pilots/rated_pilot/ratings', {
      criterion: 'bogus',
      rating: '3',
    });
    expect(bogus.status).toBe(400);
    expect(text(bogus.text)).toContain('criterion');
    expect(await composed.stores.pilots.ratings(pilot.id)).toHaveLength(1);
  });

  it('answers malformed and refused requests with 4xx, changing nothing', async () => {
    const agent = await loginAs(users.manager.username);
    await post(agent, '/manage/pilots', form('guarded')).expect(303);
    const status = async () => (await composed.stores.pilots.pilot('guarded'))?.status;
    await post(agent, '/manage/pilots/guarded/status', { status: 'flying' }).expect(400);
    await post(agent, '/manage/pilots/guarded/status', { status: ['running', 'ended'] }).expect(400);
    await post(agent, '/manage/pilots/no_such_pilot/status', { status: 'running' }).expect(404);
    await post(agent, '/manage/pilots/no_such_pilot/ratings', { criterion: 'relevant', rating: '3' }).expect(
      404,
    );
    await agent.get('/manage/pilots/no_such_pilot/edit').expect(404);
    // From another site's page, even with the session's token (the page leaked it): refused.
    const elsewhere = await agent
      .post('/manage/pilots/guarded/status')
      .set('Host', HOST)
      .set('Origin', 'https://elsewhere.example')
      .type('form')
      .send({ csrf: formTokenOf(agent), status: 'running' })
      .expect(403);
    expect(elsewhere.text).toContain('this form was sent from another site');
    // Behind a proxy that sends the request on under a Host of its own, a page of the site's
    // public address still posts.
    await agent
      .post('/manage/pilots')
      .set('Host', '10.0.0.5:3000')
      .set('Origin', `https://${HOST}`)
      .type('form')
      .send({ csrf: formTokenOf(agent), ...form('behind_proxy') })
      .expect(303);
    expect(await composed.stores.pilots.pilot('behind_proxy')).toBeDefined();
    // Without the token, from anywhere: refused.
    await agent.post('/manage/pilots/guarded/status').type('form').send({ status: 'running' }).expect(403);
    // An advisor may not; nobody logged out may either.
    const advisor = await loginAs(users.advisor.username);
    await post(advisor, '/manage/pilots/guarded/status', { status: 'running' }).expect(403);
    await post(request.agent(composed.app), '/manage/pilots/guarded/status', { status: 'running' }).expect(
      303,
    );
    expect(await status()).toBe('draft');
    // A body far too large.
    await post(agent, '/manage/pilots', { ...form('huge'), name: 'x'.repeat(70_000) }).expect(413);
  });
});

describe('the audit trail on the real clock', () => {
  it('stamps a change with the moment it was made', async () => {
    const live = await composeApp({
      storage,
      config: { PUBLIC_URL: `https://${HOST}`, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      clock: systemClock,
    });
    const agent = await loginAs(users.admin.username, live.app);
    const before = Date.now();
    await post(agent, '/manage/pilots', {
      ...form('real_clock'),
      startsOn: '2030-01-01',
      endsOn: '2030-02-01',
    }).expect(303);
    const after = Date.now();
    const pilot = (await live.stores.pilots.pilot('real_clock'))!;
    const [change] = await live.stores.pilotLog.changes(pilot.id);
    expect(change?.at.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(change?.at.getTime()).toBeLessThanOrEqual(after + 1);
    expect(change?.actor.name).toBe(users.admin.displayName);
  });
});

/**
 * A running pilot on `channel` from `startsOn` whose pilot arm complains far more than control
 * since: nine in ten pilot-arm customers three times, four in ten of control once.
 */
async function pilotWithRisingComplaints(
  app: typeof composed,
  code: string,
  channel: { code: string; touchpoint: string },
  startsOn: string,
  complaintsAt: Date,
) {
  const pilot = await app.pilotDesk.define({
    code,
    name: 'Complaints watched',
    channel: channel.code,
    touchpoints: [channel.touchpoint],
    reasons: ['bill_explanation'],
    startsOn,
    endsOn: '2031-12-31',
    cohort: { segments: ['family'], rolloutPercent: 50, controlPercent: 50 },
  });
  await app.pilotDesk.transition(pilot.id, 'running');
  const enrolled = await storage.db
    .selectFrom('pilot_enrolments')
    .select(['customer_id', 'arm'])
    .where('pilot_id', '=', pilot.id)
    .orderBy('customer_id')
    .execute();
  const complaints = enrolled.flatMap((e, i) => {
    const times = e.arm === 'pilot' ? (i % 10 === 0 ? 0 : 3) : i % 10 < 4 ? 1 : 0;
    return Array.from({ length: times }, (_, k) => ({
      customerId: e.customer_id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound' as const,
      reason: 'complaint',
      startedAt: new Date(complaintsAt.getTime() + k * 3_600_000),
      outcome: 'resolved' as const,
    }));
  });
  await app.stores.interactions.recordMany(complaints);
  return pilot;
}

describe('the daily guardrail check', () => {
  it('pauses a running pilot whose complaints rise against control, once a day, saying why in the audit trail', async () => {
    const pilot = await pilotWithRisingComplaints(
      composed,
      'complaints_rise',
      { code: 'voice_assistant', touchpoint: 'alexa' },
      '2026-03-01',
      new Date('2026-03-04T10:00:00+01:00'),
    );
    const first = await composed.guardrails.checkDue();
    expect(first.paused).toEqual(['complaints_rise']);
    expect((await composed.stores.pilots.pilot(pilot.id))?.status).toBe('paused');
    const trail = await composed.stores.pilotLog.changes(pilot.id);
    expect(trail.slice(-2).map((c) => [c.actor.name, c.action])).toEqual([
      ['daily guardrail check', 'status'],
      ['daily guardrail check', 'guardrail'],
    ]);
    // The complaints came by phone: both the complaints and the call-centre guardrails are breached.
    expect(trail.at(-1)?.summary).toMatch(
      /^paused the pilot: complaints per customer vs control \+\d+% \(\+\d+% to \+\d+%\) breaches its guardrail; call-centre contacts per customer vs control \+\d+% \(\+\d+% to \+\d+%\) breaches its guardrail$/,
    );
    expect(trail.at(-1)?.at).toEqual(FIXED_NOW);
    // The same day again: already checked, by this instance or another.
    expect(await composed.guardrails.checkDue()).toEqual({ checked: [], paused: [] });
    const checks = await storage.db
      .selectFrom('pilot_guardrail_checks')
      .selectAll()
      .where('pilot_id', '=', pilot.id)
      .execute();
    expect(checks).toEqual([
      { pilot_id: pilot.id, day: '2026-03-10', claimed_at: FIXED_NOW, breached: true },
    ]);
  });

  it('checks on the real clock, stamping the day it ran', async () => {
    const live = await composeApp({
      storage,
      config: { PUBLIC_URL: `https://${HOST}`, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      clock: systemClock,
    });
    const now = Date.now();
    const startsOn = new Date(now - 14 * 86_400_000).toISOString().slice(0, 10);
    const pilot = await pilotWithRisingComplaints(
      live,
      'complaints_live',
      { code: 'video', touchpoint: 'consultation' },
      startsOn,
      new Date(now - 5 * 86_400_000),
    );
    const before = Date.now();
    const result = await live.guardrails.checkDue();
    const after = Date.now();
    expect(result.paused).toContain('complaints_live');
    const [check] = await storage.db
      .selectFrom('pilot_guardrail_checks')
      .selectAll()
      .where('pilot_id', '=', pilot.id)
      .execute();
    expect(check?.claimed_at.getTime()).toBeGreaterThanOrEqual(before);
    expect(check?.claimed_at.getTime()).toBeLessThanOrEqual(after);
    expect(check?.day).toBe(calendarDate(new Date(before)));
  });
});
