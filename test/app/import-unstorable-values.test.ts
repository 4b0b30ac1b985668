import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { type Customer, type Stores } from '../../core/index.ts';
import { fixedClock, gasCustomer, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// Exports damaged in transit: a NUL byte inside a channel label (a fixed-width field padded with
// zeros by the system that wrote it), and a JSON Lines file with half of a surrogate pair left by
// a truncating converter. The rows are rejected by line; the import, its summary and its history
// go through, and the good rows beside them are stored.

let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;
let giulia: Customer;

withStaffApp(fixedClock, async (opened) => {
  ({ app, stores, users } = opened);
  ({ customer: giulia } = await gasCustomer(stores));
});

const header = 'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome';

async function storedFrom(source: string) {
  const rows = await stores.interactions.forCustomer(giulia.id, { limit: 20 });
  return rows
    .filter((i) => i.source === source)
    .map((i) => [i.externalId, i.channel, i.reason, i.startedAt.toISOString()]);
}

describe('values the database cannot store, in rows that are rejected anyway', () => {
  it('rejects a CSV row with a NUL in its channel by line, imports the others and keeps the summary', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const file = [
      header,
      `cc-1,${giulia.id},call\u0000centre,agent,inbound,payment,2026-02-02T09:10:00+01:00,,resolved`,
      `cc-2,${giulia.id},call_centre,agent,inbound,bill_explanation,2026-02-03T11:00:00+01:00,2026-02-03T11:06:00+01:00,resolved`,
    ].join('\r\n');
    const answer = await manager
      .post('/api/imports/interactions')
      .query({ fileName: 'centralino.csv', source: 'centralino' })
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(file + '\r\n'))
      .expect(200);
    expect(answer.body.summary).toMatchObject({ read: 2, imported: 1, rejected: 1 });
    expect(answer.body.summary.rejections).toEqual([
      {
        line: 2,
        reason: expect.stringMatching(/^channel: .*NUL.*; channel: "call\\u0000centre" is not a registered/),
      },
    ]);
    expect(await storedFrom('centralino')).toEqual([
      ['cc-2', 'call_centre', 'bill_explanation', '2026-02-03T10:00:00.000Z'],
    ]);
    const history = await manager.get(`/api/imports/${answer.body.runId}`).expect(200);
    expect(history.body).toMatchObject({ status: 'done', summary: { imported: 1, rejected: 1 } });
    expect(history.body.summary.problems.map((p: { lines: number[] }) => p.lines)).toEqual([[2], [2]]);
  });

  it('does the same for a JSON Lines row whose reason holds an unpaired surrogate', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const row = (id: string, reason: string, at: string) =>
      `{"external_id":"${id}","customer_id":"${giulia.id}","channel":"web","touchpoint":"self_service","direction":"inbound","reason":"${reason}","started_at":"${at}","outcome":"resolved"}`;
    const file = [
      row('w-1', 'payment', '2026-02-05T08:00:00+01:00'),
      row('w-2', 'pagamento \\ud83d', '2026-02-06T08:00:00+01:00'),
    ].join('\n');
    const answer = await manager
      .post('/api/imports/interactions')
      .query({ fileName: 'portale.jsonl', source: 'portale' })
      .set('Content-Type', 'application/x-ndjson')
      .send(Buffer.from(file + '\n'))
      .expect(200);
    expect(answer.body.summary).toMatchObject({ read: 2, imported: 1, rejected: 1 });
    expect(answer.body.summary.rejections.map((r: { line: number }) => r.line)).toEqual([2]);
    expect(await storedFrom('portale')).toEqual([['w-1', 'web', 'payment', '2026-02-05T07:00:00.000Z']]);
    const history = await manager.get(`/api/imports/${answer.body.runId}`).expect(200);
    expect(history.body).toMatchObject({ status: 'done', summary: { imported: 1, rejected: 1 } });
  });
});
