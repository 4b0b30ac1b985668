import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, ConfigSchema, loadConfig } from '../../app/config.ts';

describe('configuration', () => {
  it('runs on defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './.data',
      PUBLIC_URL: 'http://localhost:3000',
      COOKIE_SECURE: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('lists every bad key at once, with the value it got', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud', SEED_DEMO_DATA: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split('=')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SEED_DEMO_DATA',
    ]);
    expect(problems.find((p) => p.startsWith('PORT'))).toBe(
      'PORT="eighty": must be a whole number from 1 to 65535',
    );
  });

  it('names the allowed range of a number out of it, and refuses port 0 (links must name the port)', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ PORT: '65536' })).toEqual(['PORT="65536": must be a whole number from 1 to 65535']);
    expect(problems({ PORT: '0' })).toEqual(['PORT="0": must be a whole number from 1 to 65535']);
    expect(problems({ SESSION_TTL_HOURS: '1e9', OUTBOX_POLL_MS: '1' })).toEqual([
      'SESSION_TTL_HOURS="1e9": must be a whole number from 1 to 720',
      'OUTBOX_POLL_MS="1": must be a whole number from 100 to 3600000',
    ]);
    expect(problems({ BILL_COST_SMS_CENTS: '-1' })).toEqual([
      'BILL_COST_SMS_CENTS="-1": must be a number of cents, 0 or more',
    ]);
  });

  it('names a secret setting and what is wrong with it, never its value', () => {
    const secrets = {
      LINK_SECRET: 'abcdefghijklmnopqrstuvwxyz01234',
      METRICS_TOKEN: 'tok3n',
      LIVEKIT_URL: 'wss://video.example.com',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'sekret-value',
      DIALOGFLOW_WEBHOOK_SECRET: 'short-df-secret',
      DIALOGFLOW_WEBHOOK_USERNAME: 'cx',
      DIALOGFLOW_WEBHOOK_PASSWORD: 'pa55word',
      CHAT_IDENTITY_SECRET: 'tooshortsecretvalue',
    };
    const message = (() => {
      try {
        loadConfig({ ...secrets, DATABASE_URL: 'mysql://app:db-pa55@db.example.com/pilot' });
      } catch (error) {
        return (error as ConfigError).message;
      }
      return '';
    })();
    for (const key of Object.keys(secrets).filter((k) => /SECRET|TOKEN|PASSWORD/.test(k)))
      expect(message).toContain(
        `${key} (${secrets[key as keyof typeof secrets].length} characters, not shown): must be at least`,
      );
    for (const value of [...Object.values(secrets).filter((v) => v.length > 3), 'db-pa55'])
      if (!['wss://video.example.com', 'cx'].includes(value)) expect(message).not.toContain(value);
    expect(message).toContain('DATABASE_URL="mysql://app:***@db.example.com/pilot": must be a postgres://');
    // Passwords outside the user part: in a parameter, after an unencoded @, or as libpq words.
    for (const address of [
      'mysql://db.example.com/pilot?password=qu3ry-pa55',
      'mysql://app:p@ss@db.example.com/pilot',
      'host=db.example.com password=w0rd-pa55',
    ]) {
      const said = (() => {
        try {
          loadConfig({ DATABASE_URL: address });
        } catch (error) {
          return (error as ConfigError).message;
        }
        return '';
      })();
      expect(said).toContain('  - DATABASE_URL');
      for (const secret of ['qu3ry-pa55', 'p@ss', 'ss@db', 'w0rd-pa55']) expect(said).not.toContain(secret);
    }
  });

  it('refuses a closed day the calendar does not have, showing the entry itself', () => {
    expect(() => loadConfig({ CLOSED_DAYS: '06-29, 02-30' })).toThrow(
      'CLOSED_DAYS="06-29, 02-30": "02-30" must be a day the calendar has (30 February is none)',
    );
    expect(() => loadConfig({ CHAT_CLOSED_DAYS: 'xmas' })).toThrow(
      'CHAT_CLOSED_DAYS="xmas": "xmas" must be a day like 06-29 (every year) or 2026-12-07 (once)',
    );
    expect(loadConfig({ CLOSED_DAYS: '02-29,2026-12-07' }).CLOSED_DAYS).toEqual(['02-29', '2026-12-07']);
  });

  it('refuses a closed day outside the years 1900–2199, and takes the first and last of them', () => {
    expect(() => loadConfig({ CLOSED_DAYS: '06-29, 9999-12-07' })).toThrow(
      'CLOSED_DAYS="06-29, 9999-12-07": "9999-12-07" must be between the years 1900 and 2199',
    );
    expect(() => loadConfig({ CHAT_CLOSED_DAYS: '1899-12-31' })).toThrow(
      'CHAT_CLOSED_DAYS="1899-12-31": "1899-12-31" must be between the years 1900 and 2199',
    );
    expect(loadConfig({ CLOSED_DAYS: '1900-01-01,2199-12-31' }).CLOSED_DAYS).toEqual([
      '1900-01-01',
      '2199-12-31',
    ]);
  });

  it('refuses a public address that is not http(s) and a sender that is not an e-mail address', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(
      'PUBLIC_URL="ftp://x": must be an absolute http:// or https:// address',
    );
    expect(() => loadConfig({ EMAIL_FROM: 'not an address' })).toThrow(
      'EMAIL_FROM="not an address": must be an e-mail address',
    );
    for (const from of ['bollette@example.it', 'Energia Srl <bollette@example.it>'])
      expect(loadConfig({ EMAIL_FROM: from }).EMAIL_FROM).toBe(from);
  });

  it('sends the session cookie only over HTTPS when the public address is https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://pilot.example.com/' })).toMatchObject({
      PUBLIC_URL: 'https://pilot.example.com',
      COOKIE_SECURE: true,
    });
    expect(
      loadConfig({ PUBLIC_URL: 'https://pilot.example.com', COOKIE_SECURE: 'false' }).COOKIE_SECURE,
    ).toBe(false);
  });

  it('refuses a chat advisor expiry no longer than the heartbeat, naming both', () => {
    expect(() => loadConfig({ CHAT_HEARTBEAT_SECONDS: '30', CHAT_ADVISOR_AWAY_SECONDS: '30' })).toThrow(
      'CHAT_ADVISOR_AWAY_SECONDS="30": must be above CHAT_HEARTBEAT_SECONDS (30)',
    );
    expect(loadConfig({ CHAT_HEARTBEAT_SECONDS: '5', CHAT_ADVISOR_AWAY_SECONDS: '12' })).toMatchObject({
      CHAT_ADVISOR_AWAY_SECONDS: 12,
    });
    expect(loadConfig({}).CHAT_ADVISOR_AWAY_SECONDS).toBeGreaterThan(loadConfig({}).CHAT_HEARTBEAT_SECONDS);
  });

  it('refuses a chat visitor grace shorter than two heartbeats, naming the limit', () => {
    expect(() => loadConfig({ CHAT_HEARTBEAT_SECONDS: '25', CHAT_EMAIL_AFTER_SECONDS: '10' })).toThrow(
      'CHAT_EMAIL_AFTER_SECONDS="10": must be at least two heartbeats (2 × CHAT_HEARTBEAT_SECONDS = 50)',
    );
    expect(loadConfig({ CHAT_HEARTBEAT_SECONDS: '25', CHAT_EMAIL_AFTER_SECONDS: '50' })).toMatchObject({
      CHAT_EMAIL_AFTER_SECONDS: 50,
    });
  });

  it('is documented key by key in the README, each with its description', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [key, setting] of Object.entries(ConfigSchema.shape)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` `));
      expect(row, `README lacks ${key}`).toBeDefined();
      // | `KEY` | default | description |, a link in the README read as its text
      const described = row!
        .split('|')[3]!
        .trim()
        .replace(/\[([^\]]+)\]\(#[^)]+\)/g, '$1');
      expect(described, `README's description of ${key}`).toBe(setting.description);
    }
  });
});
