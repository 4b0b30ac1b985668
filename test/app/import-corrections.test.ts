import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import type { z } from 'zod';
import type { Customer, Stores } from '../../core/index.ts';
import { fixedClock, type staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// The call centre's export, as its switchboard writes it: semicolons, Windows-1252, Rome's local times.
const centralino = {
  name: 'centralino',
  source: 'centralino',
  file: { delimiter: ';', encoding: 'windows-1252' },
  timezone: 'Europe/Rome',
  dateFormats: ['dd/MM/yyyy HH:mm:ss'],
  columns: {
    'ID Chiamata': 'external_id',
    'Codice Cliente': 'customer_ref',
    Canale: 'channel',
    Motivo: 'reason',
    'Data Inizio': 'started_at',
    'Data Fine': 'ended_at',
    Esito: 'outcome',
  },
  values: {
    channel: { Telefono: 'call_centre' },
    reason: { Bolletta: 'bill_explanation', Pagamento: 'payment', 'Cambio offerta': 'contract_change' },
    outcome: { Risolto: 'resolved', Trasferita: 'handed_off', Abbandonata: 'abandoned' },
  },
  defaults: { direction: 'inbound' },
  touchpoints: { call_centre: 'agent' },
  customerSource: 'crm',
  unknownCustomers: 'reject',
  unknownReasons: 'reject',
  locale: 'it-IT',
};

const header = 'ID Chiamata;Codice Cliente;Nominativo;Canale;Motivo;Data Inizio;Data Fine;Esito';
/** May's calls, as first exported. */
const maggio = [
  'CH0000001;CL000008;Zoë Esposito;Telefono;Bolletta;24/05/2026 11:13:34;24/05/2026 11:22:54;Risolto',
  'CH0000002;CL000008;Zoë Esposito;Telefono;Pagamento;26/05/2026 09:02:10;26/05/2026 09:05:40;Risolto',
  'CH0000003;CL000011;Niccolò Bellò;Telefono;Cambio offerta;27/05/2026 16:40:00;27/05/2026 16:58:30;Abbandonata',
  'CH0000004;CL000011;Niccolò Bellò;Telefono;Bolletta;28/05/2026 10:00:00;28/05/2026 10:07:00;Risolto',
];
/**
 * June's export of the same calls: the first was transferred after all, the third's start was
 * corrected by the switchboard's clock, a new call came in.
 */
const giugno = [
  'CH0000001;CL000008;Zoë Esposito;Telefono;Bolletta;24/05/2026 11:13:34;24/05/2026 11:22:54;Trasferita',
  maggio[1]!,
  'CH0000003;CL000011;Niccolò Bellò;Telefono;Cambio offerta;27/05/2026 16:38:00;27/05/2026 16:58:30;Abbandonata',
  maggio[3]!,
  'CH0000005;CL000011;Niccolò Bellò;Telefono;Bolletta;03/06/2026 12:15:00;03/06/2026 12:21:00;Risolto',
];
const file = (rows: string[]) => Buffer.from(`${[header, ...rows].join('\r\n')}\r\n`, 'latin1');

describe('a later export that corrects contacts already imported', () => {
  let app: Express;
  let stores: Stores;
  let responses: Map<string, z.ZodType>;
  let users: Awaited<ReturnType<typeof staffUsers>>;
  let zoe: Customer;

  withStaffApp(fixedClock, async (opened) => {
    ({ app, stores, responses, users } = opened);
    const crm = await stores.customers.createMany(
      [
        ['CL000008', 'Zoë', 'Esposito'],
        ['CL000011', 'Niccolò', 'Bellò'],
      ].map(([ref, firstName, lastName]) => ({
        firstName: firstName!,
        lastName: lastName!,
        locale: 'it-IT',
        segment: 'family',
        reference: { source: 'crm', ref: ref! },
      })),
    );
    zoe = crm[0]!;
    await stores.importProfiles.save(centralino as never);
  });

  async function importFile(rows: string[], query: Record<string, string> = {}, status = 200) {
    const manager = await loggedInAgent(app, users.manager.username);
    const res = await manager
      .post('/api/imports/interactions')
      .query({ profile: 'centralino', fileName: 'chiamate.csv', ...query })
      .set('Content-Type', 'text/csv')
      .send(file(rows))
      .expect(status);
    const schema = responses.get('POST /api/imports/interactions') as z.ZodType;
    if (res.status === 200) expect(schema.safeParse(res.body).success).toBe(true);
    return res;
  }

  const stored = async (id: string) => (await stores.interactions.fromSource('centralino', id))!;
  const census = async () => {
    const admin = await loggedInAgent(app, users.admin.username);
    const res = await admin
      .post('/api/census/refresh')
      .send({ from: '2026-05-01', to: '2026-06-30' })
      .expect(200);
    return res.body.result as { totals: { contacts: number }; channels: { averageHandleSeconds: number }[] };
  };

  it('amends the corrected outcome, keeps a changed start time as stored and says so, and a dry run says the same first', async () => {
    const first = await importFile(maggio);
    expect(first.body.summary).toMatchObject({ imported: 4, corrected: 0, alreadyThere: 0, differing: 0 });
    const before = await census();
    expect(before.totals.contacts).toBe(4);
    const startOfThird = (await stored('CH0000003')).startedAt;

    const dry = await importFile(giugno, { dryRun: 'true' });
    const expected = {
      read: 5,
      valid: 5,
      imported: 1,
      corrected: 1,
      alreadyThere: 3,
      differing: 1,
      rejected: 0,
      differences: [
        {
          line: 4,
          externalId: 'CH0000003',
          columns: [
            { column: 'started_at', stored: '2026-05-27T14:40:00.000Z', file: '2026-05-27T14:38:00.000Z' },
          ],
        },
      ],
    };
    expect(dry.body.summary).toMatchObject({ dryRun: true, ...expected });
    // Nothing written: the outcome as first imported, no new call.
    expect((await stored('CH0000001')).outcome).toBe('resolved');
    expect(await stores.interactions.fromSource('centralino', 'CH0000005')).toBeUndefined();

    const real = await importFile(giugno);
    expect(real.body.summary).toMatchObject({ dryRun: false, ...expected });
    const corrected = await stored('CH0000001');
    expect(corrected.outcome).toBe('handed_off');
    expect(corrected.customerId).toBe(zoe.id);
    // The start time stays as first stored, not moved nor doubled.
    expect((await stored('CH0000003')).startedAt).toEqual(startOfThird);
    expect((await stored('CH0000005')).outcome).toBe('resolved');
    const after = await census();
    expect(after.totals.contacts).toBe(5);

    // The history keeps the same counts and says which row differs.
    const admin = await loggedInAgent(app, users.admin.username);
    const run = await admin.get(`/api/imports/${real.body.runId}`).expect(200);
    expect(run.body.summary).toMatchObject(expected);
    const page = await admin.get('/manage/imports').expect(200);
    expect(page.text).toContain('5 rows read, 1 imported, 1 corrected, 3 already there, 0 rejected');
    expect(page.text).toContain(
      '1 rows differ from what is stored in what an import cannot change, kept as stored: line 4 (CH0000003): started_at stored 2026-05-27T14:40:00.000Z, the file 2026-05-27T14:38:00.000Z',
    );

    // The same export again: the correction is stored, so only the start time still differs.
    const again = await importFile(giugno);
    expect(again.body.summary).toMatchObject({ imported: 0, corrected: 0, alreadyThere: 5, differing: 1 });
  });

  it('previews a CRM re-export of customers with the counts its real run then gives', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const send = (rows: string[], dryRun: boolean) =>
      manager
        .post('/api/imports/customers')
        .query({ source: 'crm', dryRun: String(dryRun) })
        .set('Content-Type', 'text/csv')
        .send(['customer_ref,first_name,last_name,segment,locale,email', ...rows].join('\n'))
        .expect(200);
    // CL000008 and CL000011 are stored already; Zoë's segment changed, a new customer arrives.
    const rows = [
      'CL000008,Zoë,Esposito,senior,it-IT,',
      'CL000011,Niccolò,Bellò,family,it-IT,',
      'CL000020,Ilaria,Cantù,young,it-IT,ilaria.cantu@esempio.it',
    ];
    const dry = await send(rows, true);
    const counts = { read: 3, imported: 1, updated: 1, alreadyThere: 1, rejected: 0 };
    expect(dry.body.summary).toMatchObject({ dryRun: true, ...counts });
    expect((await stores.customers.get(zoe.id))?.segment).toBe('family');
    const real = await send(rows, false);
    expect(real.body.summary).toMatchObject({ dryRun: false, ...counts });
    expect((await stores.customers.get(zoe.id))?.segment).toBe('senior');
  });
});
