import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customerColumns, ImportProfile, interactionColumns } from '../../core/imports.ts';

describe('the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const row = (name: string) => new RegExp(`^\\| \`${name}\` +\\|`, 'm');

  it('documents every column a contact or customer import reads, and every field of a profile', () => {
    for (const column of [...Object.keys(interactionColumns), ...Object.keys(customerColumns)])
      expect(readme, `README lacks the import column ${column}`).toMatch(row(column));
    for (const field of Object.keys(ImportProfile.shape))
      expect(readme, `README lacks the profile field ${field}`).toMatch(row(field));
  });

  it('shows the example profile of docs/examples as it is, and it is a valid profile', () => {
    const file = readFileSync(new URL('../../docs/examples/calls_crm.json', import.meta.url), 'utf8');
    const shown = /```json\n(\{\n {2}"name": "calls_crm"[\s\S]*?\n\})\n```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    expect(JSON.parse(shown as string)).toEqual(JSON.parse(file));
    expect(ImportProfile.safeParse(JSON.parse(file)).success).toBe(true);
  });
});
