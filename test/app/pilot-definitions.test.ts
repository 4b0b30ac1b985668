import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { type StorageHandle } from '../../core/index.ts';
import { PilotInput } from '../../core/evidence.ts';
import { BILL_STYLE_CHANNEL } from '../../core/services.ts';
import { openTestDatabase } from '../support/database.ts';
import { fixedClock, gasCustomer, staffUsers } from '../support/fixtures.ts';
import { loggedInFormAgent, postForm } from '../support/staff-login.ts';

// Defining and starting pilots as a manager would, on the API and the page's form alike: what
// cannot be a pilot (an objective no figure can meet, a reason the catalogue lacks, a channel the
// organisation runs already, a cohort of nobody) is refused with the field named, and nothing is
// stored. The clock stands at 10 March 2026.

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
  for (let i = 0; i < 30; i++) await gasCustomer(composed.stores);
}, 120_000);

afterAll(async () => {
  await storage?.close();
});

const manager = () => loggedInFormAgent(composed.app, users.manager.username);

/** A form as a browser on this site sends it. */
const post = (agent: request.Agent, path: string, form: Record<string, string | string[]>) =>
  postForm(agent, HOST, path, form);

/** The form as the trial's manager filled it in. */
const islandsForm = (code: string): Record<string, string | string[]> => ({
  code,
  name: 'L’assistente vocale per Sicilia e Sardegna – è già attivo?',
  channel: 'voice_assistant',
  touchpoints: 'alexa',
  reasons: 'fault, outage',
  startsOn: '2026-03-09',
  endsOn: '2026-06-09',
  segments: ['family'],
  rolloutPercent: '10',
  controlPercent: '10',
  objective0Metric: 'containment',
  objective0Comparison: 'at_least',
  objective0Threshold: '0,5',
});

/** The same definition as JSON. */
const videoNord = (code: string, overrides: Record<string, unknown> = {}) => ({
  code,
  name: 'Videoconsulenza – Nord',
  channel: 'video',
  touchpoints: ['consultation'],
  reasons: ['payment', 'bill_explanation'],
  startsOn: '2026-03-09',
  endsOn: '2026-06-14',
  cohort: { segments: ['family'], rolloutPercent: 20, controlPercent: 10 },
  ...overrides,
});

const text = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The problem's field errors, paths as the form names them (without `body.`). */
const errorsOf = (body: { errors?: { path: string; message: string }[] }) =>
  (body.errors ?? []).map((e) => ({ ...e, path: e.path.replace(/^body\./, '') }));

const stored = (code: string) => composed.stores.pilots.pilot(code);

describe('objectives on their metric’s scale', () => {
  it('refuses "50" typed for 50% containment in the form, saying shares are 0 to 1, and stores nothing', async () => {
    const agent = await manager();
    const res = await post(agent, '/manage/pilots', {
      ...islandsForm('assistente_isole'),
      objective0Threshold: '50',
    }).expect(400);
    expect(text(res.text)).toContain(
      'objectives.0.threshold : is a share, from 0 to 1 (0.5 for 50%), not 50',
    );
    expect(await stored('assistente_isole')).toBeUndefined();
  });

  it('reads "0,5" and "50%" from the form as the share 0.5, and an Italian decimal rollout "20,5" as 20.5', async () => {
    const agent = await manager();
    await post(agent, '/manage/pilots', { ...islandsForm('isole_virgola'), rolloutPercent: '20,5' }).expect(
      303,
    );
    await post(agent, '/manage/pilots', {
      ...islandsForm('isole_percento'),
      objective0Threshold: '50%',
      objective1Metric: 'callCentreContactsChange',
      objective1Comparison: 'at_most',
      objective1Threshold: '−0,05',
    }).expect(303);
    expect(await stored('isole_virgola')).toMatchObject({
      name: 'L’assistente vocale per Sicilia e Sardegna – è già attivo?',
      cohort: { rolloutPercent: 20.5 },
      objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.5 }],
    });
    expect((await stored('isole_percento'))?.objectives).toEqual([
      { metric: 'containment', comparison: 'at_least', threshold: 0.5 },
      { metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.05 },
    ]);
  });

  it('refuses on the API an NPS of 500, one of 1e308, a CSAT of 6 and a change of −5, each named; accepts the scales’ ends', async () => {
    const agent = await manager();
    const objectives = [
      { metric: 'nps', comparison: 'at_least', threshold: 500 },
      { metric: 'npsVsControl', comparison: 'at_least', threshold: 1e308 },
      { metric: 'csat', comparison: 'at_least', threshold: 6 },
      { metric: 'existingContactsChange', comparison: 'at_most', threshold: -5 },
    ];
    const res = await agent.post('/api/pilots').send(videoNord('t_obj2', { objectives })).expect(400);
    expect(errorsOf(res.body)).toEqual([
      { path: 'objectives.0.threshold', message: 'is NPS in points, from −100 to 100, not 500' },
      {
        path: 'objectives.1.threshold',
        message: 'is a difference of NPS points, from −200 to 200, not 1e+308',
      },
      { path: 'objectives.2.threshold', message: 'is a CSAT score, from 1 to 5, not 6' },
      {
        path: 'objectives.3.threshold',
        message: 'is a change as a share, from −1 to 1 (−0.05 for a 5% drop), not -5',
      },
    ]);
    expect(await stored('t_obj2')).toBeUndefined();
    const ends = [
      { metric: 'nps', comparison: 'at_least', threshold: -100 },
      { metric: 'npsVsControl', comparison: 'at_least', threshold: 200 },
      { metric: 'ces', comparison: 'at_most', threshold: 7 },
    ];
    await agent
      .post('/api/pilots')
      .send(videoNord('t_obj_ends', { objectives: ends }))
      .expect(201);
    expect((await stored('t_obj_ends'))?.objectives).toEqual(ends);
  });

  it('refuses two objectives on one metric, saying when they contradict each other', async () => {
    const agent = await manager();
    const contradicting = [
      { metric: 'containment', comparison: 'at_least', threshold: 0.5 },
      { metric: 'containment', comparison: 'at_most', threshold: 0.2 },
    ];
    const res = await agent
      .post('/api/pilots')
      .send(videoNord('t_obj3', { objectives: contradicting }))
      .expect(400);
    expect(errorsOf(res.body)).toEqual([
      {
        path: 'objectives.1.metric',
        message: 'contradicts objectives.0 (at least 0.5): no figure can be at least 0.5 and at most 0.2',
      },
    ]);
    const twice = await post(await manager(), '/manage/pilots', {
      ...islandsForm('t_obj4'),
      objective1Metric: 'containment',
      objective1Comparison: 'at_least',
      objective1Threshold: '0.6',
    }).expect(400);
    expect(text(twice.text)).toContain(
      'objectives.1.metric : containment has an objective already (objectives.0): a metric is judged by one objective',
    );
    expect(await stored('t_obj3')).toBeUndefined();
    expect(await stored('t_obj4')).toBeUndefined();
  });
});

describe('what a definition names must exist', () => {
  it('refuses reasons the catalogue lacks, pointing "guasto" to its code, on the form and the API', async () => {
    const agent = await manager();
    const res = await post(agent, '/manage/pilots', {
      ...islandsForm('assistente_guasti'),
      reasons: 'guasto, outage, pagamenti_online',
    }).expect(400);
    const page = text(res.text);
    expect(page).toContain(
      'reasons.0 : guasto is not a contact reason code: fault is the one labelled “Guasto”',
    );
    expect(page).toContain(
      'reasons.2 : pagamenti_online is not a contact reason of the catalogue (GET /api/reasons lists them)',
    );
    // What was typed stays in the form.
    expect(res.text).toContain('value="guasto, outage, pagamenti_online"');
    const api = await agent
      .post('/api/pilots')
      .send(videoNord('video_nord_pag', { reasons: ['pagamento', 'billing'] }))
      .expect(400);
    expect(errorsOf(api.body)).toEqual([
      {
        path: 'reasons.0',
        message: 'pagamento is not a contact reason code: payment is the one labelled “Pagamento”',
      },
      {
        path: 'reasons.1',
        message:
          'billing is a group of contact reasons, not a reason: name its reasons (bill_copy, bill_explanation, bill_issued)',
      },
    ]);
    expect(await stored('assistente_guasti')).toBeUndefined();
    expect(await stored('video_nord_pag')).toBeUndefined();
  });

  it('refuses a census filtered by a reason nobody has, naming it, on the API and the page', async () => {
    const agent = await manager();
    const api = await agent.get('/api/census?from=2026-03-01&to=2026-03-09&reason=guasto').expect(400);
    expect(api.body.errors).toEqual([
      { path: 'reason', message: 'guasto is not a contact reason code: fault is the one labelled “Guasto”' },
    ]);
    const refresh = await agent
      .post('/api/census/refresh')
      .send({ from: '2026-03-01', to: '2026-03-09', reason: 'nonexistent' })
      .expect(400);
    expect(refresh.body.detail).toContain('nonexistent is not a contact reason of the catalogue');
    const page = await agent.get('/manage/census?from=2026-03-01&to=2026-03-09&reason=nonexistent');
    expect(page.status).toBe(400);
    expect(text(page.text)).toContain('nonexistent is not a contact reason of the catalogue');
    // Malformed: not a reason code at all.
    const typed = await agent
      .get('/api/census?from=2026-03-01&to=2026-03-09&reason=Guasto%20rete')
      .expect(400);
    expect(typed.body.errors).toEqual([
      { path: 'query.reason', message: 'must be lower_snake_case, starting with a letter' },
    ]);
    // A reason of the catalogue is a census, even of nobody.
    await agent.get('/api/census?from=2026-03-01&to=2026-03-09&reason=fault').expect(200);
  });

  it('refuses a pilot on a channel the organisation runs already (web, sms), as the form offers none', async () => {
    const agent = await manager();
    const res = await agent
      .post('/api/pilots')
      .send(videoNord('web_guasti', { channel: 'web', touchpoints: ['self_service'], reasons: ['fault'] }))
      .expect(400);
    expect(errorsOf(res.body)).toEqual([
      {
        path: 'channel',
        message: expect.stringMatching(
          /^web is a channel the organisation runs already, not a pilot channel \(.*video.*voice_assistant.*\)$/,
        ),
      },
    ]);
    const form = await post(agent, '/manage/pilots', {
      ...islandsForm('sms_pagamenti'),
      channel: 'sms',
      touchpoints: 'link',
    }).expect(400);
    expect(text(form.text)).toContain('channel : sms is a channel the organisation runs already');
    expect(await stored('web_guasti')).toBeUndefined();
    expect(await stored('sms_pagamenti')).toBeUndefined();
  });

  it('refuses a customer id nobody has, also when a running pilot gains it, and keeps the pilot as it was', async () => {
    const agent = await manager();
    const { customer } = await gasCustomer(composed.stores);
    const ghost = randomUUID();
    const defined = videoNord('video_nominati', {
      cohort: { segments: ['family'], rolloutPercent: 20, controlPercent: 10, customerIds: [customer.id] },
    });
    await agent.post('/api/pilots').send(defined).expect(201);
    await agent.post('/api/pilots/video_nominati/status').send({ status: 'running' }).expect(200);
    const res = await agent
      .put('/api/pilots/video_nominati')
      .send({ ...defined, cohort: { ...defined.cohort, customerIds: [customer.id, ghost] } })
      .expect(400);
    expect(errorsOf(res.body)).toEqual([
      { path: 'cohort.customerIds.1', message: `no customer has the id ${ghost}` },
    ]);
    expect((await stored('video_nominati'))?.cohort.customerIds).toEqual([customer.id]);
    await agent.post('/api/pilots/video_nominati/status').send({ status: 'ended' }).expect(200);
  });

  it('refuses a code another pilot has with a sentence of its own, on the API and the form', async () => {
    const agent = await manager();
    await agent.post('/api/pilots').send(videoNord('video_nord')).expect(201);
    const again = await agent.post('/api/pilots').send(videoNord('video_nord')).expect(409);
    expect(again.body.detail).toBe('a pilot with the code video_nord exists already');
    expect(JSON.stringify(again.body)).not.toMatch(/Key \(code\)/);
    const form = await post(agent, '/manage/pilots', islandsForm('video_nord')).expect(409);
    expect(text(form.text)).toContain('code : video_nord is the code of another pilot');
    expect((await composed.stores.pilots.pilots()).filter((p) => p.code === 'video_nord')).toHaveLength(1);
  });

  it('names a repeated segment, a blank name and a number that is not one, and stores nothing', async () => {
    const agent = await manager();
    const res = await agent
      .post('/api/pilots')
      .send(
        videoNord('video_doppio', {
          name: '   ',
          cohort: { segments: ['senior', 'senior'], rolloutPercent: 20, controlPercent: 10 },
        }),
      )
      .expect(400);
    expect(errorsOf(res.body)).toEqual([
      { path: 'name', message: 'must not be blank' },
      { path: 'cohort.segments.1', message: 'names senior twice' },
    ]);
    const form = await post(agent, '/manage/pilots', {
      ...islandsForm('isole_parole'),
      rolloutPercent: 'venti',
    }).expect(400);
    expect(text(form.text)).toContain('cohort.rolloutPercent : must be a number, such as 20.5');
    expect(await stored('video_doppio')).toBeUndefined();
    expect(await stored('isole_parole')).toBeUndefined();
  });
});

describe('starting a pilot', () => {
  it('refuses a start with nobody to serve, and starts once the cohort has a pilot arm', async () => {
    const agent = await manager();
    const empty = videoNord('video_vuoto', {
      cohort: { segments: [], rolloutPercent: 0, controlPercent: 0 },
    });
    await agent.post('/api/pilots').send(empty).expect(201);
    const res = await agent.post('/api/pilots/video_vuoto/status').send({ status: 'running' }).expect(409);
    expect(res.body.detail).toBe(
      'pilot video_vuoto has nobody to serve: 0% drawn into the pilot, no customer named, and not open to everyone',
    );
    expect(res.body.hint).toBe('revise it: raise rolloutPercent, name customers, or open it to everyone');
    const pilot = await stored('video_vuoto');
    expect(pilot?.status).toBe('draft');
    expect(await composed.stores.pilots.cohortSize(pilot!.id)).toMatchObject({ pilot: 0, control: 0 });
    // Open to everyone outside control, the channel serves all: it may start.
    await agent
      .put('/api/pilots/video_vuoto')
      .send({ ...empty, openToEveryone: true })
      .expect(200);
    await agent.post('/api/pilots/video_vuoto/status').send({ status: 'running' }).expect(200);
    expect((await stored('video_vuoto'))?.status).toBe('running');
    await agent.post('/api/pilots/video_vuoto/status').send({ status: 'ended' }).expect(200);
  });

  it('refuses to start before its first day, and its draft report measures nothing rather than a reversed period', async () => {
    const agent = await manager();
    await agent
      .post('/api/pilots')
      .send(videoNord('video_dicembre', { startsOn: '2026-12-14', endsOn: '2027-03-14' }))
      .expect(201);
    const res = await agent.post('/api/pilots/video_dicembre/status').send({ status: 'running' }).expect(409);
    expect(res.body.detail).toBe('pilot video_dicembre starts on 2026-12-14');
    expect(res.body.hint).toBe('start it on 2026-12-14 or later, or revise its startsOn to 2026-03-10');
    expect((await stored('video_dicembre'))?.status).toBe('draft');
    const report = await readyReport(agent, 'video_dicembre');
    expect(report.metrics.period).toBeNull();
  });

  it('says a status is already so, refuses to end a draft, and offers no "End" on a draft’s page', async () => {
    const agent = await manager();
    await agent.post('/api/pilots').send(videoNord('video_bozza')).expect(201);
    const end = await agent.post('/api/pilots/video_bozza/status').send({ status: 'ended' }).expect(409);
    expect(end.body.detail).toBe('pilot video_bozza is a draft: it has not started, so it cannot end');
    expect((await stored('video_bozza'))?.status).toBe('draft');
    const page = await agent.get('/manage/pilots/video_bozza').expect(200);
    expect([...page.text.matchAll(/data-to="(\w+)"/g)].map((m) => m[1])).toEqual(['running']);
    await agent.post('/api/pilots/video_bozza/status').send({ status: 'running' }).expect(200);
    await agent.post('/api/pilots/video_bozza/status').send({ status: 'paused' }).expect(200);
    const twice = await agent.post('/api/pilots/video_bozza/status').send({ status: 'paused' }).expect(409);
    expect(twice.body.detail).toBe('pilot video_bozza is paused already');
    await agent.post('/api/pilots/video_bozza/status').send({ status: 'ended' }).expect(200);
    const over = await agent.post('/api/pilots/video_bozza/status').send({ status: 'running' }).expect(409);
    expect(over.body.detail).toBe('pilot video_bozza has ended: it cannot become running');
    // Malformed: a status that is none.
    const bad = await agent.post('/api/pilots/video_bozza/status').send({ status: 'finito' }).expect(400);
    expect(bad.body.errors[0].path).toBe('body.status');
  });
});

describe('a started pilot keeps what it measures', () => {
  it('refuses a new code, reasons, follow-up window or objectives once running; the old address still works', async () => {
    const agent = await manager();
    const definition = videoNord('video_misura', {
      objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.5 }],
    });
    await agent.post('/api/pilots').send(definition).expect(201);
    await agent.post('/api/pilots/video_misura/status').send({ status: 'running' }).expect(200);
    const before = await stored('video_misura');
    const res = await agent
      .put('/api/pilots/video_misura')
      .send({
        ...definition,
        code: 'video_altro',
        reasons: ['complaint'],
        withinDays: 30,
        objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.9 }],
      })
      .expect(400);
    expect(errorsOf(res.body).map((e) => `${e.path} ${e.message}`)).toEqual([
      'code cannot change once started',
      'reasons cannot change once started',
      'withinDays cannot change once started',
      'objectives cannot change once started',
    ]);
    expect(await stored('video_misura')).toEqual(before);
    expect(await stored('video_altro')).toBeUndefined();
    await agent.get('/api/pilots/video_misura').expect(200);
    // What may change still does: its end, and a wider rollout.
    await agent
      .put('/api/pilots/video_misura')
      .send({ ...definition, endsOn: '2026-07-31', cohort: { ...definition.cohort, rolloutPercent: 30 } })
      .expect(200);
    expect(await stored('video_misura')).toMatchObject({
      endsOn: '2026-07-31',
      cohort: { rolloutPercent: 30 },
      reasons: ['payment', 'bill_explanation'],
    });
    await agent.post('/api/pilots/video_misura/status').send({ status: 'ended' }).expect(200);
  });
});

describe('pilots defined before these checks', () => {
  it('lets a running pilot on an existing channel with a group for a reason still be revised and ended', async () => {
    const agent = await manager();
    // As the trial left it: SMS, "billing", started before channels and reasons were checked.
    const legacy = {
      code: 'sms_pagamenti',
      name: 'SMS per i pagamenti',
      channel: 'sms',
      touchpoints: ['link'],
      reasons: ['billing'],
      startsOn: '2026-03-02',
      endsOn: '2026-04-30',
      cohort: { segments: ['family'], rolloutPercent: 20, controlPercent: 10 },
    };
    const created = await composed.stores.pilots.create(PilotInput.parse(legacy), fixedClock.now());
    await composed.stores.pilots.setStatus(created.id, 'draft', 'running', fixedClock.now());
    await agent
      .put('/api/pilots/sms_pagamenti')
      .send({ ...legacy, endsOn: '2026-05-31' })
      .expect(200);
    expect(await stored('sms_pagamenti')).toMatchObject({ endsOn: '2026-05-31', reasons: ['billing'] });
    await agent.post('/api/pilots/sms_pagamenti/status').send({ status: 'ended' }).expect(200);
  });
});

/** A pilot's report, once computed, as the manager reads it. */
async function readyReport(agent: request.Agent, code: string) {
  let body: { status: string; result?: unknown } = { status: 'computing' };
  await vi.waitFor(
    async () => {
      body = (await agent.get(`/api/pilots/${code}/report`).expect(200)).body;
      expect(body.status).toBe('ready');
    },
    { timeout: 20_000, interval: 100 },
  );
  return body.result as {
    metrics: { period: unknown; cohort: { pilot: number } };
    scorecard: { recommendation: string; reasons: string[] };
  };
}

describe('reports a manager may read', () => {
  it('shows a manager a draft’s forecast from the census, with no "extend" for a pilot not started', async () => {
    const agent = await manager();
    await agent
      .post('/api/pilots')
      .send(
        videoNord('assistente_sud', {
          cohort: { segments: ['senior', 'vulnerable'], rolloutPercent: 10, controlPercent: 10 },
        }),
      )
      .expect(201);
    const report = await readyReport(agent, 'assistente_sud');
    expect(report.metrics.period).toBeNull();
    expect(report.scorecard.recommendation).toBe('not_started');
    expect(report.scorecard.reasons.join(' ')).not.toMatch(/extend/);
    const page = await agent.get('/manage/pilots/assistente_sud').expect(200);
    expect(page.text).not.toContain('Figures withheld');
    expect(text(page.text)).toContain('Not started');
    expect(text(page.text)).toContain('nothing measured yet');
  });

  it('shows a manager a running bill style pilot’s report: its customers are in its style arms, not its pilot arm', async () => {
    const agent = await manager();
    const definition = {
      code: 'stili_bolletta',
      name: 'Stili della bolletta: carta con QR ed e-mail',
      channel: BILL_STYLE_CHANNEL,
      touchpoints: ['active', 'reactive'],
      reasons: ['bill_issued', 'payment'],
      startsOn: '2026-03-09',
      endsOn: '2026-06-30',
    };
    const created = (await agent.post('/api/pilots').send(definition).expect(201)).body as { id: string };
    await composed.bills.communications.saveDesign(created.id, {
      arms: [{ code: 'paper_qr', style: 'active', percent: 40 }],
      control: { style: 'passive', percent: 40 },
    });
    await agent.post('/api/pilots/stili_bolletta/status').send({ status: 'running' }).expect(200);
    const report = await readyReport(agent, 'stili_bolletta');
    expect(report.metrics.cohort.pilot).toBe(0);
    const page = await agent.get('/manage/pilots/stili_bolletta').expect(200);
    expect(page.text).not.toContain('Figures withheld');
    expect(text(page.text)).toContain('its customers are drawn into its style arms');
    await agent.post('/api/pilots/stili_bolletta/status').send({ status: 'ended' }).expect(200);
  });
});
