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
    expect(problems.find((p) => p.startsWith('PORT'))).toBe('PORT="eighty": must be a number');
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
