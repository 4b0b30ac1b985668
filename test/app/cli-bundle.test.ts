import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cliBundle } from '../../bin/cli-bundle.mjs';

// The CLI starts from a bundle of the sources: rebuilt when one of them changes, never half-read
// by processes that start at the same moment.

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/channel-pilot.mjs', import.meta.url));
const source = fileURLToPath(new URL('../../core/errors.ts', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const builtAt = async () => statSync(fileURLToPath(await cliBundle())).mtimeMs;

describe('the CLI bundle', () => {
  it('is built once and rebuilt only when a file it was built from changes', async () => {
    const first = await builtAt();
    expect(await builtAt()).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const now = new Date();
    utimesSync(source, now, now);
    const second = await builtAt();
    expect(second).toBeGreaterThan(first);
    expect(second).toBeGreaterThanOrEqual(now.getTime());
    expect(await builtAt()).toBe(second);
  }, 60_000);

  it('serves processes that start together while it is rebuilt', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const now = new Date();
    utimesSync(source, now, now);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, [cli, '--version'])),
    );
    for (const { stdout } of runs) expect(stdout.trim()).toBe(version);
  }, 120_000);
});
