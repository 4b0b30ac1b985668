import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  it("is each checkout's own when two share node_modules", async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const other = mkdtempSync(join(tmpdir(), 'channel-pilot-checkout-'));
    try {
      // The sources as they are, without this checkout's packages and history.
      const own = (path: string) => ['node_modules', '.git'].includes(path.slice(repo.length).split('/')[0]!);
      cpSync(repo, other, { recursive: true, filter: (path) => !own(path) });
      writeFileSync(join(other, 'package.json'), JSON.stringify({ type: 'module', version: '0.0.0-other' }));
      symlinkSync(join(repo, 'node_modules'), join(other, 'node_modules'));
      expect((await run(process.execPath, [cli, '--version'])).stdout.trim()).toBe(version);
      // The other checkout's sources are newer than this one's bundle: it builds its own.
      const theirs = await run(process.execPath, [join(other, 'bin/channel-pilot.mjs'), '--version']);
      expect(theirs.stdout.trim()).toBe('0.0.0-other');
      expect((await run(process.execPath, [cli, '--version'])).stdout.trim()).toBe(version);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 120_000);

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

  it('removes chunks no build names once a day old, keeping younger ones for processes started before the build', async () => {
    const dir = dirname(fileURLToPath(await cliBundle()));
    const old = join(dir, 'chunk-LEFTFROMBEFORE.mjs');
    const recent = join(dir, 'chunk-JUSTREPLACED.mjs');
    writeFileSync(old, 'export {};\n');
    writeFileSync(recent, 'export {};\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const now = new Date();
    utimesSync(source, now, now);
    await cliBundle();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    rmSync(recent);
    const { stdout } = await run(process.execPath, [cli, '--version']);
    expect(stdout.trim()).toBe(version);
  }, 60_000);

  it('loads none of the channels’ packages for a command that needs none: the server and the seed are loaded when they run', async () => {
    // The packages a command loads as it starts: the bundle's static imports, through its chunks.
    const packages = new Set<string>();
    const read = new Set<string>();
    const follow = (file: string) => {
      if (read.has(file)) return;
      read.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, from] of text.matchAll(/^import\s(?:[^;"]*?\sfrom\s*)?"([^"]+)";/gm)) {
        if (from!.startsWith('./')) follow(join(dirname(file), from!));
        else
          packages.add(from!.startsWith('@') ? from!.split('/').slice(0, 2).join('/') : from!.split('/')[0]!);
      }
    };
    follow(fileURLToPath(await cliBundle()));
    // What an import or a backup needs is there...
    for (const needed of ['commander', 'pg', 'kysely', 'luxon']) expect(packages).toContain(needed);
    // ...and no channel's package, nor the seed's, nor the earlier engine's.
    for (const heavy of [
      '@google-cloud/dialogflow-cx',
      'ask-sdk-core',
      'livekit-server-sdk',
      'mjml',
      'pdfkit',
      'nodemailer',
      'express',
      '@faker-js/faker',
      '@electric-sql/pglite',
    ])
      expect(packages).not.toContain(heavy);
  });
});
