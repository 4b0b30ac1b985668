import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// core/ owns the domain: it must never depend on a channel, the composition root,
// or a channel's vendor SDK. A new channel is a new folder, never a change in core.
const coreBoundary = {
  patterns: [
    {
      group: ['**/app/**', '**/voice/**', '**/video/**', '**/web/**'],
      message: 'core/ must not import channels or app/.',
    },
    {
      group: ['express', 'express/*', 'ask-sdk*', 'livekit*', '@livekit/*', '@google-cloud/*'],
      message: 'core/ must not depend on HTTP or channel SDKs.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'infra/bin/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'Decorator', message: 'No decorators.' }],
    },
  },
  {
    files: ['core/**'],
    rules: { 'no-restricted-imports': ['error', coreBoundary] },
  },
  {
    files: ['core/**', 'voice/**', 'video/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in app/config.' },
      ],
    },
  },
);
