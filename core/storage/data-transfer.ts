import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { ChannelPilotError } from '../errors.ts';
import { migrationNames } from './migration-list.ts';
import { rollupTables } from './census-rollup-sql.ts';
import { inOwnTransaction } from './own-session.ts';
import { copyOutText } from './copy-lines.ts';

// A whole database as one stream, and back: the backup of the embedded database (whose server
// ships without pg_dump) and the carrying over of a data folder of the earlier engine. Each
// table is written with COPY's text format, one row per line, so a file of any size streams.

/** The first line of a backup. */
interface BackupHeader {
  format: 'channel-pilot-backup';
  version: 1;
  /** The schema migrations the data was written under, in order. */
  migrations: string[];
  createdAt: string;
}

const END_OF_TABLE = '\\.';

/**
 * Tables of the migration tool (the target's own migrations fill them) and the census rollups
 * (derived from the log: the log's triggers fill them as its rows arrive).
 */
const notCopied = new Set(['kysely_migration', 'kysely_migration_lock', ...rollupTables]);

/** A source of table data: the names and columns of its tables, and each table's COPY text. */
export interface TableSource {
  migrations(): Promise<string[]>;
  /** Tables in an order in which each comes after those it references. */
  tables(): Promise<{ name: string; columns: string[] }[]>;
  /** Writes the table's rows (COPY text format, one line each, in `columns` order) to `out`; returns how many. */
  copyOut(table: string, columns: string[], out: (lines: string) => Promise<void>): Promise<number>;
}

/**
 * Writes a backup of every table to `out`, from one consistent snapshot (a repeatable-read
 * transaction): rows committed while it runs are either all in it or all out of it.
 */
export async function writeBackup(url: string, out: Writable): Promise<{ table: string; rows: number }[]> {
  return inOwnTransaction(
    url,
    async (client) => {
      const source = postgresSource(client);
      const tables = await source.tables();
      const header: BackupHeader = {
        format: 'channel-pilot-backup',
        version: FORMAT_VERSION,
        migrations: await source.migrations(),
        createdAt: new Date().toISOString(),
      };
      await write(out, `${JSON.stringify(header)}\n`);
      const written: { table: string; rows: number }[] = [];
      for (const { name, columns } of tables) {
        await write(out, `${JSON.stringify({ table: name, columns })}\n`);
        written.push({
          table: name,
          rows: await source.copyOut(name, columns, (lines) => write(out, lines)),
        });
        await write(out, `${END_OF_TABLE}\n`);
      }
      return written;
    },
    'begin isolation level repeatable read read only',
  );
}

/**
 * Restores a backup into the database at `url`, in one transaction: every table of the backup is
 * emptied and filled from it, or — on any error — nothing changes. `replace` must be set when the
 * database already holds customers, staff or contacts.
 */
export async function restoreBackup(
  url: string,
  input: Readable,
  options: { replace: boolean; onTable?: (table: string, rows: number) => void },
): Promise<{ table: string; rows: number }[]> {
  const lines = lineReader(input);
  const first = await lines.next();
  const header = parseHeader(first.done ? '' : first.value);
  const known = migrationNames();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new ChannelPilotError(
      'invalid_input',
      `the backup was made by a newer version (migrations ${unknown.join(', ')})`,
      {
        hint: 'Restore it with that version of channel-pilot, or a later one.',
      },
    );
  }
  return inOwnTransaction(url, async (client) => {
    const target = postgresSource(client);
    const targetTables = new Map((await target.tables()).map((t) => [t.name, t.columns]));
    if (!options.replace) await refuseIfHoldingData(client);
    // Everything goes, the rollups too: the log's triggers count the restored contacts afresh.
    const emptied = [...targetTables.keys(), ...rollupTables];
    await client.query(`truncate ${emptied.map((t) => client.escapeIdentifier(t)).join(', ')} cascade`);
    const restored: { table: string; rows: number }[] = [];
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      if (next.value === '') continue;
      const section = tableHeading(next.value, restored.at(-1)?.table);
      const columns = targetTables.get(section.table);
      if (!columns)
        throw new ChannelPilotError(
          'invalid_input',
          `the backup holds a table this version does not know: ${section.table}`,
        );
      const missing = section.columns.filter((c) => !columns.includes(c));
      if (missing.length > 0) {
        throw new ChannelPilotError(
          'invalid_input',
          `the backup's ${section.table} has columns this version does not: ${missing.join(', ')}`,
        );
      }
      const rows = await copyIn(client, section.table, section.columns, lines);
      options.onTable?.(section.table, rows);
      restored.push({ table: section.table, rows });
    }
    return restored;
  });
}

/**
 * The lines of `input`; a failure of the input (a file cut short, not gzip) rejects the line
 * being waited for, with a message naming it, rather than leaving it pending.
 */
function lineReader(input: Readable): AsyncIterator<string> {
  const unreadable = (error: Error) =>
    new ChannelPilotError('invalid_input', `the backup cannot be read: ${error.message}`);
  const failed = new Promise<never>((_, reject) =>
    input.once('error', (error: Error) => reject(unreadable(error))),
  );
  failed.catch(() => {});
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  return {
    next: () =>
      Promise.race([
        lines.next().catch((error: Error) => {
          throw error instanceof ChannelPilotError ? error : unreadable(error);
        }),
        failed,
      ]),
  };
}

/** Copies every table of `source` into the (migrated, empty) database at `url`, in one transaction. */
export async function copyTables(
  source: TableSource,
  url: string,
  onTable?: (table: string, rows: number) => void,
): Promise<void> {
  await inOwnTransaction(url, async (client) => {
    await refuseIfHoldingData(client);
    const target = new Map((await postgresSource(client).tables()).map((t) => [t.name, t.columns]));
    for (const { name, columns } of await source.tables()) {
      if (!target.has(name)) continue;
      const rows = await fillTable(client, name, columns, (out) =>
        source.copyOut(name, columns, (lines) => write(out, lines)),
      );
      onTable?.(name, rows);
    }
  });
}

async function refuseIfHoldingData(client: pg.Client) {
  const { rows } = await client.query<{ held: boolean }>(
    `select exists (select 1 from customers) or exists (select 1 from staff_users) or exists (select 1 from interactions) as held`,
  );
  if (rows[0]?.held) {
    throw new ChannelPilotError('conflict', 'the database already holds customers, staff or contacts', {
      hint: 'Restore into an empty data folder or database, or pass --replace to overwrite everything in it.',
    });
  }
}

/**
 * Copies rows into `table`. The interaction log is partitioned by month: its rows go through a
 * staging table, so that their months are created first; their sources are noted as keys (a
 * folder of the earlier engine has none); and its rollups are filled by its triggers.
 */
async function fillTable(
  client: pg.Client,
  table: string,
  columns: string[],
  feed: (copy: Writable) => Promise<number>,
): Promise<number> {
  const id = (name: string) => client.escapeIdentifier(name);
  const log = table === 'interactions';
  const into = log ? 'interactions_staging' : table;
  if (log)
    await client.query('create temporary table interactions_staging (like interactions) on commit drop');
  const copy = client.query(copyStreams.from(`copy ${id(into)} (${columns.map(id).join(', ')}) from stdin`));
  // The server refusing a row ends the COPY on its side; what is still written then fails too.
  // Listened to throughout, so that no failure of the stream goes unheard (and crashes).
  let refused: Error | undefined;
  copy.on('error', (error: Error) => {
    if ((error as { severity?: string }).severity) refused ??= error;
  });
  const done = once(copy, 'finish');
  done.catch(() => {});
  let rows: number;
  try {
    rows = await feed(copy);
    copy.end();
    await done;
  } catch (error) {
    // Abandons the COPY (the server is told it failed), so the connection is free to roll back;
    // one the server has ended already needs no telling.
    if (!refused && !copy.destroyed) copy.destroy(error as Error);
    await done.catch(() => {});
    throw refused ? unreadableRow(table, refused) : error;
  }
  if (log) {
    await client.query(`
      select ensure_interaction_month(m)
      from (select distinct date_trunc('month', started_at at time zone 'UTC') at time zone 'UTC' as m from interactions_staging) months;
      insert into interactions select * from interactions_staging;
      insert into interaction_sources select source, external_id, id from interactions_staging
        where external_id is not null on conflict do nothing;
      drop table interactions_staging;`);
  }
  return rows;
}

/** A row of the backup the database refused: the backup is damaged there. */
function unreadableRow(table: string, refused: Error): ChannelPilotError {
  const where = (refused as { where?: string }).where ?? '';
  const line = /COPY \S+, line (\d+)/.exec(where)?.[1];
  return new ChannelPilotError(
    'invalid_input',
    `the backup is damaged: row ${line ?? '?'} of ${table} cannot be read back (${refused.message})`,
    {
      cause: refused,
      hint: 'Nothing was changed. Restore an earlier backup, or make a new one from the database it came from.',
    },
  );
}

async function copyIn(
  client: pg.Client,
  table: string,
  columns: string[],
  lines: AsyncIterator<string>,
): Promise<number> {
  return fillTable(client, table, columns, async (copy) => {
    let rows = 0;
    let buffer = '';
    for (;;) {
      const next = await lines.next();
      if (next.done)
        throw new ChannelPilotError('invalid_input', `the backup ends in the middle of ${table}`);
      if (next.value === END_OF_TABLE) break;
      rows++;
      buffer += `${next.value}\n`;
      if (buffer.length > 1 << 16) {
        await write(copy, buffer);
        buffer = '';
      }
    }
    if (buffer) await write(copy, buffer);
    return rows;
  });
}

/** The format of backups this version writes and reads. */
const FORMAT_VERSION = 1;

function parseHeader(line: string): BackupHeader {
  let header: Partial<BackupHeader> | undefined;
  try {
    header = JSON.parse(line) as Partial<BackupHeader>;
  } catch {
    // not JSON: reported below
  }
  if (header?.format !== 'channel-pilot-backup')
    throw new ChannelPilotError('invalid_input', 'this file is not a channel-pilot backup');
  if (typeof header.version === 'number' && header.version > FORMAT_VERSION) {
    throw new ChannelPilotError(
      'invalid_input',
      `the backup was made by a newer version of channel-pilot (backup format ${header.version}; this version reads format ${FORMAT_VERSION})`,
      { hint: 'Restore it with that version of channel-pilot, or a later one.' },
    );
  }
  if (header.version !== FORMAT_VERSION || !Array.isArray(header.migrations))
    throw new ChannelPilotError(
      'invalid_input',
      'the backup is damaged: its first line is not a backup’s heading',
    );
  return header as BackupHeader;
}

/** The heading of a table's rows; a line that is none means the backup is damaged after `after`. */
function tableHeading(line: string, after: string | undefined): { table: string; columns: string[] } {
  try {
    const section = JSON.parse(line) as { table?: unknown; columns?: unknown };
    if (
      typeof section.table === 'string' &&
      Array.isArray(section.columns) &&
      section.columns.every((c) => typeof c === 'string')
    )
      return section as { table: string; columns: string[] };
  } catch {
    // reported below
  }
  throw new ChannelPilotError(
    'invalid_input',
    `the backup is damaged: ${after ? `after the rows of ${after}` : 'after its first line'} comes a line that heads no table`,
    {
      hint: 'Nothing was changed. Restore an earlier backup, or make a new one from the database it came from.',
    },
  );
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Tables and COPY text of a PostgreSQL database, through one client (and its transaction). */
export function postgresSource(client: pg.Client): TableSource {
  return {
    async migrations() {
      const { rows } = await client.query<{ name: string }>(
        'select name from kysely_migration order by name',
      );
      return rows.map((r) => r.name);
    },
    async tables() {
      return inDependencyOrder((await client.query<CatalogTable>(catalogQuery)).rows);
    },
    async copyOut(table, columns, out) {
      // A query, not the table: a partitioned table (the interaction log) is read through it.
      const statement = `copy (select ${columns.map((c) => client.escapeIdentifier(c)).join(', ')} from ${client.escapeIdentifier(table)}) to stdout`;
      let rows = 0;
      for await (const text of copyOutText(client, statement)) {
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) rows++;
        await out(text);
      }
      return rows;
    },
  };
}

/** A table of the schema: its stored columns, and the tables its foreign keys reference. */
export interface CatalogTable {
  name: string;
  columns: string[];
  refs: string[];
}

/** The schema's tables (partitions count as their parent), any PostgreSQL from 12 on. */
export const catalogQuery = `
  select c.relname as name,
    array(select a.attname::text from pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          order by a.attnum) as columns,
    array(select distinct r.relname::text from pg_constraint k join pg_class r on r.oid = k.confrelid
          where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid) as refs
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
  order by c.relname`;

/**
 * Orders the tables to copy so that each comes after the tables its foreign keys reference
 * (the migration tool's own tables are left out: the target's migrations fill them).
 */
export function inDependencyOrder(all: CatalogTable[]): { name: string; columns: string[] }[] {
  const tables = all.filter((t) => !notCopied.has(t.name));
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: { name: string; columns: string[] }[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: CatalogTable) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting') return; // a cycle: the transaction's checks decide
    state.set(table.name, 'visiting');
    for (const ref of table.refs) {
      const referenced = byName.get(ref);
      if (referenced) visit(referenced);
    }
    state.set(table.name, 'done');
    ordered.push({ name: table.name, columns: table.columns });
  };
  for (const table of tables) visit(table);
  return ordered;
}
