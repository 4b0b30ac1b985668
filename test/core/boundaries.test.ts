import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('core stays independent of channels and the composition root', () => {
  it.each([
    ["import express from 'express';", 'express'],
    ["import { AccessToken } from 'livekit-server-sdk';", 'livekit'],
    ["import { SkillBuilders } from 'ask-sdk-core';", 'ask-sdk'],
    ["import { loadConfig } from '../app/config.ts';", 'app/'],
    ["import { x } from '../voice/fulfilment/x.ts';", 'voice/'],
  ])('refuses `%s` inside core/', async (code) => {
    const found = await problems(`${code}\nexport const y = 1;\n`, 'core/example.ts');
    expect(found.some((p) => p.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('refuses reading the environment outside app/', async () => {
    const found = await problems('export const port = process.env.PORT;\n', 'core/example.ts');
    expect(found.some((p) => p.startsWith('no-restricted-properties'))).toBe(true);
  });

  it('allows the same imports in app/', async () => {
    expect(
      await problems("import express from 'express';\nexport const app = express();\n", 'app/example.ts'),
    ).toEqual([]);
  });
});

describe('channels meet the app and each other only through core', () => {
  it.each([
    ["import { createVideoChannel } from '../video/index.ts';", 'voice/example.ts'],
    ["import { createBillIntents } from '../voice/fulfilment/bill-intents.ts';", 'video/example.ts'],
    ["import { loadConfig } from '../app/config.ts';", 'voice/example.ts'],
    ["import { composeApp } from '../../app/compose.ts';", 'video/browser/example.ts'],
    ["import { createLiveChatChannel } from '../chat/index.ts';", 'voice/example.ts'],
    ["import { createChatBot } from '../../chat/chat-bot.ts';", 'voice/alexa/example.ts'],
    ["import { createVoiceChannel } from '../voice/index.ts';", 'chat/example.ts'],
  ])('refuses `%s` in %s', async (code, file) => {
    const found = await problems(`${code}\nexport const y = 1;\n`, file);
    expect(found.some((p) => p.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('refuses app/ reaching past a channel’s index.ts, and allows the index', async () => {
    const inside = await problems(
      "import { createAlexaSkill } from '../voice/alexa/alexa-skill.ts';\nexport const y = createAlexaSkill;\n",
      'app/example.ts',
    );
    expect(inside.some((p) => p.startsWith('no-restricted-imports'))).toBe(true);
    expect(
      await problems(
        "import { createVoiceChannel } from '../voice/index.ts';\nexport const y = createVoiceChannel;\n",
        'app/example.ts',
      ),
    ).toEqual([]);
  });

  it('allows a channel’s own folder that shares another channel’s name (voice/alexa/chat)', async () => {
    expect(
      await problems(
        "import { runVoiceChat } from './alexa/chat/voice-chat.ts';\nexport const y = runVoiceChat;\n",
        'voice/example.ts',
      ),
    ).toEqual([]);
  });

  it('refuses `export *` in each of core’s entry points, which list their names', async () => {
    for (const entry of ['core/index.ts', 'core/services.ts', 'core/evidence.ts', 'core/imports.ts']) {
      const found = await problems("export * from './errors.ts';\n", entry);
      expect(found.some((p) => p.startsWith('no-restricted-syntax'))).toBe(true);
      expect(await problems("export { notFound } from './errors.ts';\n", entry)).toEqual([]);
    }
  });

  it('refuses reading the environment in a channel', async () => {
    const found = await problems('export const id = process.env.ALEXA_SKILL_ID;\n', 'voice/example.ts');
    expect(found.some((p) => p.startsWith('no-restricted-properties'))).toBe(true);
  });
});
