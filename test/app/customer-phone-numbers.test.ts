import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { systemClock, type Stores } from '../../core/index.ts';
import { staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// A CRM's customers as its export writes their phones — national numbers with spaces, dots and
// slashes, `0039` for `+39`, foreign numbers — and a few its operators typed wrong: an Italian
// number too short or too long to be one, and a consent dated in the future. Real clock.

const profile = {
  name: 'crm_telefoni',
  source: 'crm_telefoni',
  file: { delimiter: ';' },
  dateFormats: ['dd/MM/yyyy HH:mm', 'dd/MM/yyyy'],
  phonePrefix: '+39',
  columns: {
    Codice: 'customer_ref',
    Nome: 'first_name',
    Cognome: 'last_name',
    Cellulare: 'phone',
    'Consenso SMS': 'consent_sms',
    'Data consenso': 'consent_date',
  },
  defaults: { locale: 'it-IT', segment: 'residential' },
};

const file = [
  'Codice;Nome;Cognome;Cellulare;Consenso SMS;Data consenso',
  'T-01;Rosaria;Cannavò;333 123 4567;sì;02/05/2024',
  'T-02;Gennaro;Esposito;0039 347.765.4321;sì;02/05/2024 18:40',
  'T-03;Lucia;Ferrante;06/1234567;no;02/05/2024',
  'T-04;Sarah;Greco;+44 7700 900123;sì;02/05/2024',
  'T-05;Pasquale;Iovine;12345;sì;02/05/2024',
  'T-06;Assunta;Russo;333 1234 56789;sì;02/05/2024',
  'T-07;Ciro;Amato;339 555 1212;sì;01/12/2030 09:00',
].join('\r\n');

let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(systemClock, (opened) => {
  ({ app, stores, users } = opened);
});

describe('phones and consent dates of imported customers', () => {
  it('keeps numbers as the CRM writes them in international form, and refuses what cannot be a phone or a consent yet', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    await manager.put(`/api/import-profiles/${profile.name}`).send(profile).expect(200);
    const res = await manager
      .post('/api/imports/customers')
      .query({ profile: profile.name, fileName: 'clienti.csv' })
      .set('Content-Type', 'text/csv')
      .send(file)
      .expect(200);
    expect(res.body.summary).toMatchObject({ read: 7, imported: 4, rejected: 3 });
    // The phones are masked in what the summary shows (personal data), the consent date is not.
    const italian =
      'is not an Italian phone number: a mobile (3…) has 9 or 10 digits, a landline (0…) 6 to 11';
    expect(res.body.summary.rejections).toEqual([
      { line: 6, reason: `phone: "1•••" ${italian}` },
      { line: 7, reason: `phone: "3•••" ${italian}` },
      { line: 8, reason: 'consent_date: "01/12/2030 09:00" is in the future: no consent is given ahead' },
    ]);

    const stored = await stores.customers.byReference(profile.source, [
      'T-01',
      'T-02',
      'T-03',
      'T-04',
      'T-05',
      'T-06',
      'T-07',
    ]);
    expect(Object.fromEntries([...stored].map(([ref, c]) => [ref, c.phone]))).toEqual({
      'T-01': '+393331234567',
      'T-02': '+393477654321',
      'T-03': '+39061234567',
      'T-04': '+447700900123',
    });
  });
});
