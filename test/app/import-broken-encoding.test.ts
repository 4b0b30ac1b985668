import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createPostgresStores, systemClock, type StorageHandle, type Stores } from '../../core/index.ts';
import { registerStandards } from '../../core/evidence.ts';
import { runImport } from '../../app/import/run-import.ts';
import { openTestDatabase } from '../support/database.ts';

// A help desk's ticket export, UTF-8, into which one ticket pasted from an older system brought a
// Latin-1 byte ("Perch\xe9"): the file breaks at that line. The rows before it are stored,
// however the file was cut into the chunks it is read in, and the history says what went in.

let storage: StorageHandle;
let stores: Stores;
const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-broken-'));

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { url: storage.url });
  await registerStandards(stores);
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const header =
  'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome,details';
const subjects = [
  'Bolletta più alta del solito',
  'Cambio indirizzo',
  'Lettura contatore',
  'Pagamento già fatto',
];

/** `good` tickets, then the broken one, then `after` more: the file's name and the broken line. */
function ticketFile(name: string, prefix: string, good: number, after: number, day: string, mended = false) {
  const ticket = (i: number) => {
    const at = Date.parse(`${day}T07:00:00Z`) + i * 15_000;
    return (
      `${prefix}-${i},,email,inbox,inbound,${['bill_explanation', 'moving', 'meter_reading', 'payment'][i % 4]},` +
      `${new Date(at).toISOString()},${new Date(at + 3_600_000).toISOString()},resolved,` +
      `"{""oggetto"":""${subjects[i % subjects.length]}""}"`
    );
  };
  const before = [header, ...Array.from({ length: good }, (_, i) => ticket(i))].join('\n') + '\n';
  // Mended, the same ticket in UTF-8.
  const broken = Buffer.from(
    `${prefix}-${good},,email,inbox,inbound,payment,${day}T18:00:00Z,,resolved,"{""oggetto"":""Perch\xe9 ancora?""}"\n`,
    mended ? 'utf8' : 'latin1',
  );
  const rest = Array.from({ length: after }, (_, i) => ticket(good + 1 + i)).join('\n') + '\n';
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([Buffer.from(before), broken, Buffer.from(rest)]));
  return { file, brokenLine: good + 2 };
}

async function importFile(file: string, source: string) {
  const runId = randomUUID();
  const outcome = await runImport(
    { stores, clock: systemClock },
    {
      kind: 'interactions',
      input: createReadStream(file),
      format: 'csv',
      fileName: file.split('/').pop() ?? null,
      bytesTotal: statSync(file).size,
      overrides: { source },
      runId,
    },
  ).then(
    (done) => ({ done, error: undefined }),
    (error: Error) => ({ done: undefined, error }),
  );
  return { ...outcome, run: await stores.importRuns.get(runId) };
}

const storedFrom = async (source: string) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from interactions where source = ${source}`.execute(
      storage.db,
    )
  ).rows[0]!.n;

describe('a file that is not UTF-8 from a line on', () => {
  it('stores the 5,000 rows before the broken line of a first import, and its history says so', async () => {
    const { file, brokenLine } = ticketFile('helpdesk-2026.csv', 'HD', 5000, 9, '2026-10-01');
    expect(statSync(file).size).toBeGreaterThan(10 * 64 * 1024);
    const first = await importFile(file, 'helpdesk');
    expect(first.error?.message).toBe(`line ${brokenLine}: the file is not UTF-8 text`);
    expect(await storedFrom('helpdesk')).toBe(5000);
    expect(first.run).toMatchObject({
      status: 'failed',
      error: `line ${brokenLine}: the file is not UTF-8 text`,
      summary: { read: 5000, imported: 5000, alreadyThere: 0, rejected: 0 },
    });
  }, 120_000);

  it('stores the rows before the broken line of a later import, and a run of the mended file adds only the rest', async () => {
    const { file, brokenLine } = ticketFile('helpdesk-novembre.csv', 'HN', 3000, 40, '2026-11-02');
    const broken = await importFile(file, 'helpdesk_nov');
    expect(broken.error?.message).toBe(`line ${brokenLine}: the file is not UTF-8 text`);
    expect(await storedFrom('helpdesk_nov')).toBe(3000);
    expect(broken.run).toMatchObject({ status: 'failed', summary: { read: 3000, imported: 3000 } });

    const mended = ticketFile('helpdesk-novembre-utf8.csv', 'HN', 3000, 40, '2026-11-02', true).file;
    const rerun = await importFile(mended, 'helpdesk_nov');
    expect(rerun.error).toBeUndefined();
    expect(rerun.done?.summary).toMatchObject({ read: 3041, imported: 41, alreadyThere: 3000, rejected: 0 });
    expect(await storedFrom('helpdesk_nov')).toBe(3041);
  }, 120_000);

  it('stores the 50 rows before the broken line of a small file, read in one chunk', async () => {
    const { file, brokenLine } = ticketFile('helpdesk-piccolo.csv', 'HP', 50, 9, '2026-11-20');
    const small = await importFile(file, 'helpdesk_small');
    expect(small.error?.message).toBe(`line ${brokenLine}: the file is not UTF-8 text`);
    expect(await storedFrom('helpdesk_small')).toBe(50);
    expect(small.run).toMatchObject({ status: 'failed', summary: { read: 50, imported: 50 } });
  }, 120_000);
});
