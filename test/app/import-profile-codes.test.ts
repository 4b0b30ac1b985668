import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { createPostgresStores, type Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { fixedClock } from '../support/fixtures.ts';
import { withStaffApp, type StaffApp } from '../support/staff-app.ts';

// A switchboard's profile written by hand, with the slips people make: a channel the product has
// not got (fax), an outcome of the switchboard's own words (done), a touchpoint of another channel
// or of none, a direction that is none. Every row it read would be rejected; it is refused.

let app: Express;
let stores: Stores;
let users: StaffApp['users'];

withStaffApp(fixedClock, (opened) => {
  ({ app, stores, users } = opened);
});

const centralino = {
  name: 'centralino',
  source: 'centralino',
  file: { delimiter: ';', encoding: 'windows-1252' },
  columns: { Canale: 'channel', Direzione: 'direction', Esito: 'outcome', 'Data Inizio': 'started_at' },
  values: {
    channel: { Telefono: 'call_centre', Fax: 'fax', Negozio: 'shop' },
    outcome: { Risolto: 'resolved', Chiuso: 'done', Trasferita: 'handed_off' },
    touchpoint: { Operatore: 'agent', Centralino: 'switchboard' },
    direction: { Entrante: 'inbound', Laterale: 'sideways' },
  },
  touchpoints: { call_centre: 'counter', shop: 'counter', telex: 'tape' },
  defaults: { direction: 'sideways', outcome: 'Risolto', channel: 'Call centre' },
};

describe('saving an import profile', () => {
  it('refuses a profile that maps labels to codes the product has not got, naming each, and stores nothing', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const refused = await manager.put('/api/import-profiles/centralino').send(centralino).expect(400);
    expect(refused.body.code).toBe('invalid_input');
    expect(refused.body.errors).toEqual([
      {
        path: 'body.values.channel.Fax',
        message:
          'fax is not a registered channel (bill_communications, call_centre, email, paper_mail, shop, sms, video, voice_assistant, web)',
      },
      {
        path: 'body.values.outcome.Chiuso',
        message: 'done is not an outcome of an import (resolved, handed_off, abandoned, failed)',
      },
      {
        path: 'body.values.touchpoint.Centralino',
        message: expect.stringMatching(
          /^switchboard is not a touchpoint of any channel \(ivr, agent, callback, .*\)$/,
        ),
      },
      { path: 'body.values.direction.Laterale', message: 'sideways is not a direction (inbound, outbound)' },
      { path: 'body.defaults.direction', message: 'sideways is not a direction (inbound, outbound)' },
      {
        path: 'body.touchpoints.call_centre',
        message: 'counter is not a touchpoint of call_centre (ivr, agent, callback)',
      },
      {
        path: 'body.touchpoints.telex',
        message:
          'telex is not a registered channel (bill_communications, call_centre, email, paper_mail, shop, sms, video, voice_assistant, web)',
      },
    ]);
    expect(refused.body.detail).toContain(
      'invalid import profile centralino: body.values.channel.Fax fax is',
    );
    expect(await stores.importProfiles.get('centralino')).toBeUndefined();
    await manager.get('/api/import-profiles/centralino').expect(404);
  });

  it('saves the same profile once its codes exist, defaults given by a label it maps or a channel’s name', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const mended = {
      ...centralino,
      values: {
        channel: { Telefono: 'call_centre', Negozio: 'shop' },
        outcome: { Risolto: 'resolved', Chiuso: 'resolved', Trasferita: 'handed_off' },
        touchpoint: { Operatore: 'agent' },
        direction: { Entrante: 'inbound', Uscente: 'outbound' },
      },
      touchpoints: { call_centre: 'agent', shop: 'counter' },
      defaults: { direction: 'Entrante', outcome: 'Risolto', channel: 'Call centre' },
    };
    await manager.put('/api/import-profiles/centralino').send(mended).expect(200);
    const stored = await stores.importProfiles.get('centralino');
    expect(stored?.profile.values.outcome).toEqual(mended.values.outcome);
    expect(stored?.profile.defaults).toEqual(mended.defaults);
  });

  it('is refused by the CLI too, on a database no app has served yet, with exit 1 and each value named', async () => {
    const fresh = await openTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-profile-'));
    try {
      const file = join(dir, 'centralino.json');
      writeFileSync(file, JSON.stringify(centralino));
      const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;
      const child = spawn(process.execPath, [cliPath, 'import', 'profile', 'save', file], {
        env: { ...process.env, DATABASE_URL: fresh.url, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      expect(await new Promise((resolve) => child.once('close', resolve))).toBe(1);
      expect(stderr).toContain(
        '  - values.channel.Fax: fax is not a registered channel (call_centre, email, paper_mail, shop, sms, web)\n',
      );
      expect(stderr).toContain('  - defaults.direction: sideways is not a direction (inbound, outbound)\n');
      expect(await createPostgresStores(fresh.db).importProfiles.list()).toEqual([]);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
