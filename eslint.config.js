import { existsSync, readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A channel is a top-level folder with an index.ts, other than core/ and app/.
const root = new URL('.', import.meta.url);
const channels = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !['core', 'app', 'node_modules'].includes(entry.name))
  .filter((entry) => existsSync(new URL(`${entry.name}/index.ts`, root)))
  .map((entry) => entry.name);

// core/ owns the domain: it must never depend on a channel, the composition root,
// or a channel's vendor SDK. A new channel is a new folder, never a change in core.
const coreBoundary = {
  patterns: [
    {
      group: ['**/app/**', '**/web/**', ...channels.map((channel) => `**/${channel}/**`)],
      message: 'core/ must not import channels or app/.',
    },
    {
      group: ['express', 'express/*', 'ask-sdk*', 'livekit*', '@livekit/*', '@google-cloud/*'],
      message: 'core/ must not depend on HTTP or channel SDKs.',
    },
  ],
};

// A channel uses core only: never another channel, never the composition root. Another
// channel's folder is reached by climbing to the root (`../` once per level of the importing
// file) and going down into it; a folder of the channel's own may share its name (voice/alexa/chat).
const MAX_DEPTH = 8;
const channelBoundary = (channel, depth) => ({
  patterns: [
    ...channels
      .filter((other) => other !== channel)
      .map((other) => ({
        regex: `^(\\.\\./){${depth}}${other}(/|$)`,
        message: 'a channel must not import another channel.',
      })),
    { group: ['**/app/**'], message: 'a channel must not import app/: app/ builds the channels.' },
  ],
});

// app/ knows a channel by its public surface only.
const appBoundary = {
  patterns: channels.map((channel) => ({
    group: [`**/${channel}/**`, `!**/${channel}/index.ts`],
    message: `app/ imports ${channel}/ through ${channel}/index.ts only.`,
  })),
};

// Core's public surface: its index and the entry points of its services, evidence and imports.
const coreEntries = ['core/index.ts', 'core/services.ts', 'core/evidence.ts', 'core/imports.ts'];

const noDecorators = { selector: 'Decorator', message: 'No decorators.' };

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'infra/bin/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noDecorators],
    },
  },
  {
    files: ['core/**'],
    rules: { 'no-restricted-imports': ['error', coreBoundary] },
  },
  ...channels.flatMap((channel) =>
    Array.from({ length: MAX_DEPTH }, (_, level) => ({
      files: [`${channel}/${'*/'.repeat(level)}*.ts`],
      rules: { 'no-restricted-imports': ['error', channelBoundary(channel, level + 1)] },
    })),
  ),
  {
    files: ['app/**'],
    rules: { 'no-restricted-imports': ['error', appBoundary] },
  },
  {
    // Core's public surface is a list of names: nothing leaks out of a module by accident.
    files: coreEntries,
    rules: {
      'no-restricted-syntax': [
        'error',
        noDecorators,
        { selector: 'ExportAllDeclaration', message: "core's entry points export by name." },
      ],
    },
  },
  {
    files: ['core/**', ...channels.map((channel) => `${channel}/**`)],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in app/config.' },
      ],
    },
  },
);
