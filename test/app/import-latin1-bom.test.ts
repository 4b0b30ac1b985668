import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { type Stores } from '../../core/index.ts';
import { fixedClock, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// A billing system's exports as its Windows tools save them: semicolons, Latin-1 text behind a
// UTF-8 byte order mark, Italian labels, dates without a time for consents, local times in Rome
// on both clock-change nights, notes quoted over several lines, and a few rows no import can keep.

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const latin1 = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
const withBom = (file: Buffer) => Buffer.concat([UTF8_BOM, file]);

const customersProfile = {
  name: 'anagrafica_gestionale',
  source: 'gestionale',
  file: { delimiter: ';', encoding: 'latin1' },
  dateFormats: ['dd/MM/yyyy'],
  columns: {
    'Cod. Cliente': 'customer_ref',
    Nome: 'first_name',
    Cognome: 'last_name',
    Tipologia: 'segment',
    'Indirizzo e-mail': 'email',
    Privacy: 'consent_data_processing',
    'Consenso mail': 'consent_email',
    'Data consenso': 'consent_date',
  },
  values: { segment: { Domestico: 'residential', 'Over 70': 'senior' } },
  defaults: { locale: 'it-IT' },
};

const contactsProfile = {
  name: 'contatti_gestionale',
  source: 'gestionale_contatti',
  file: { delimiter: ';', encoding: 'latin1' },
  timezone: 'Europe/Rome',
  dateFormats: ['dd/MM/yyyy HH:mm'],
  columns: {
    'N° Contatto': 'external_id',
    'Cod. Cliente': 'customer_ref',
    Canale: 'channel',
    Causale: 'reason',
    Apertura: 'started_at',
    Chiusura: 'ended_at',
    Esito: 'outcome',
  },
  customerSource: 'gestionale',
  values: {
    channel: { Telefonata: 'call_centre', Mail: 'email' },
    reason: { 'Chiarimenti fattura': 'bill_explanation', 'Pagamento / rateizzo': 'payment' },
    outcome: { 'Chiuso positivo': 'resolved', Riattribuito: 'handed_off' },
  },
  defaults: { direction: 'inbound' },
  touchpoints: { call_centre: 'agent', email: 'inbox' },
};

const customersFile = latin1([
  'Cod. Cliente;Nome;Cognome;Tipologia;Indirizzo e-mail;Privacy;Consenso mail;Data consenso',
  "G-0981;Niccolò;D'Alò;Domestico;niccolo.dalo@example.it;SI;SI;12/03/2019",
  'G-0983;Ettore;Müller;Over 70;;SI;NO;15/09/2015',
]);

const contactsFile = latin1([
  'N° Contatto;Cod. Cliente;Canale;Causale;Apertura;Chiusura;Esito;Note',
  'TK-1001;G-0981;Telefonata;Chiarimenti fattura;14/01/2025 09:05;14/01/2025 09:17;Chiuso positivo;"perché è salito; conguaglio"',
  'TK-1002;G-0981;Mail;Pagamento / rateizzo;30/03/2025 02:30;30/03/2025 02:41;Riattribuito;"rateizzo;\r\nseconda riga"',
  'TK-1003;G-0983;Telefonata;Pagamento / rateizzo;26/10/2025 02:30;26/10/2025 02:50;Chiuso positivo;ok',
  'TK-1004;G-0983;Telefonata;Chiarimenti fattura;31/02/2025 10:00;31/02/2025 10:10;Chiuso positivo;data impossibile',
  'TK-1005;G-9999;Telefonata;Chiarimenti fattura;03/02/2025 11:00;03/02/2025 11:04;Chiuso positivo;sconosciuto',
  'TK-1006;G-0983;;Pagamento / rateizzo;04/02/2025 16:20;04/02/2025 16:31;Chiuso positivo;canale vuoto',
]);

let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(fixedClock, (opened) => {
  ({ app, stores, users } = opened);
});

describe('a Latin-1 export behind a UTF-8 byte order mark', () => {
  it('reads its first column and date-only consent dates, and a second export without the mark adds nothing', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    for (const profile of [customersProfile, contactsProfile])
      await manager.put(`/api/import-profiles/${profile.name}`).send(profile).expect(200);

    const customers = await manager
      .post('/api/imports/customers')
      .query({ profile: customersProfile.name, fileName: 'anagrafica.csv' })
      .set('Content-Type', 'text/csv')
      .send(withBom(customersFile))
      .expect(200);
    expect(customers.body.summary).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    const byRef = await stores.customers.byReference('gestionale', ['G-0981', 'G-0983']);
    const niccolo = byRef.get('G-0981');
    const ettore = byRef.get('G-0983');
    expect(niccolo).toMatchObject({ firstName: 'Niccolò', lastName: "D'Alò", segment: 'residential' });
    expect(ettore).toMatchObject({ lastName: 'Müller', segment: 'senior', email: null });
    // 12/03/2019 is that day's midnight in Rome.
    const consents = await stores.customers.consents(niccolo?.id as string);
    expect(consents.map((c) => [c.purpose, c.medium, c.granted, c.givenAt.toISOString()])).toEqual([
      ['data_processing', null, true, '2019-03-11T23:00:00.000Z'],
      ['contact', 'email', true, '2019-03-11T23:00:00.000Z'],
    ]);

    const first = await manager
      .post('/api/imports/interactions')
      .query({ profile: contactsProfile.name, fileName: 'contatti.csv' })
      .set('Content-Type', 'text/csv')
      .send(withBom(contactsFile))
      .expect(200);
    expect(first.body.summary).toMatchObject({ read: 6, imported: 3, alreadyThere: 0, rejected: 3 });
    expect(first.body.summary.rejections.map((r: { line: number }) => r.line).sort()).toEqual([6, 7, 8]);

    const stored = async () =>
      [
        ...(await stores.interactions.forCustomer(niccolo?.id as string, { limit: 10 })),
        ...(await stores.interactions.forCustomer(ettore?.id as string, { limit: 10 })),
      ]
        .map((i) => [i.externalId, i.channel, i.reason, i.startedAt.toISOString(), i.outcome])
        .sort();
    const expected = [
      ['TK-1001', 'call_centre', 'bill_explanation', '2025-01-14T08:05:00.000Z', 'resolved'],
      // 02:30 on the spring night never showed on a clock: read as 03:30 summer time.
      ['TK-1002', 'email', 'payment', '2025-03-30T01:30:00.000Z', 'handed_off'],
      // 02:30 on the autumn night happened twice: the first, still summer time.
      ['TK-1003', 'call_centre', 'payment', '2025-10-26T00:30:00.000Z', 'resolved'],
    ];
    expect(await stored()).toEqual(expected);

    // The same contacts exported again by a tool that writes no byte order mark.
    const again = await manager
      .post('/api/imports/interactions')
      .query({ profile: contactsProfile.name, fileName: 'contatti-2.csv' })
      .set('Content-Type', 'text/csv')
      .send(contactsFile)
      .expect(200);
    expect(again.body.summary).toMatchObject({ read: 6, imported: 0, alreadyThere: 3, rejected: 3 });
    expect(await stored()).toEqual(expected);
  });
});
