import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importColumns } from '../../core/index.ts';

describe('the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents every column an interaction import reads', () => {
    for (const column of Object.keys(importColumns)) {
      expect(readme, `README lacks the import column ${column}`).toMatch(
        new RegExp(`^\\| \`${column}\` +\\|`, 'm'),
      );
    }
  });
});
