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
