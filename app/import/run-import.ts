import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { basename } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import {
  ChannelPilotError,
  REFERENCE_ZONE,
  invalidInput,
  type Clock,
  type Stores,
} from '../../core/index.ts';
import {
  DEFAULT_CUSTOMER_SOURCE,
  headerProblem,
  ImportProfile,
  importCustomers,
  importInteractions,
  plainProfile,
  type ImportKind,
  type ImportSummary,
} from '../../core/imports.ts';
import { readImportFile, type FileDialect, type ImportFormat } from './import-files.ts';

/** What the CLI's options or the API's query say beside (and over) the profile. */
export interface ImportOverrides {
  source?: string | undefined;
  delimiter?: string | undefined;
  encoding?: ImportProfile['file']['encoding'];
  timezone?: string | undefined;
  /** `theirs=ours` renames, applied over the profile's columns. */
  columns?: Record<string, string> | undefined;
}

export interface ImportRequest {
  kind: ImportKind;
  input: Readable;
  format: ImportFormat;
  /** A saved profile's name; none reads the file's columns as ours. */
  profile?: string | undefined;
  overrides?: ImportOverrides;
  dryRun?: boolean;
  /** The file's name: kept in the history, and the contacts' source when nothing else names one. */
  fileName?: string | null;
  /** The file's size, for progress. */
  bytesTotal?: number | null;
  startedBy?: string | null;
  /**
   * Import contacts from a file whose content was imported whole before under another source
   * (refused otherwise: each contact would be counted twice).
   */
  again?: boolean;
  /** The id the import is recorded under (a page that follows it chooses it). */
  runId?: string | undefined;
  onProgress?: (progress: { bytesRead: number; summary: ImportSummary }) => void;
}

export interface ImportOutcome {
  runId: string | null;
  source: string;
  profile: string | null;
  summary: ImportSummary;
}

/**
 * Runs an import as the CLI, the API and the page do: the named profile with the overrides on
 * top, the file read in its dialect as it streams, the import recorded in the history (unless a
 * dry run) with its progress after each batch, and its end, failed or done.
 */
export async function runImport(
  deps: { stores: Stores; clock: Clock },
  request: ImportRequest,
): Promise<ImportOutcome> {
  const { stores, clock } = deps;
  const profile = await resolveProfile(stores, request.profile, request.overrides ?? {});
  const source =
    profile.source ??
    (request.kind === 'customers' ? DEFAULT_CUSTOMER_SOURCE : request.fileName && sourceOf(request.fileName));
  if (!source)
    throw invalidInput('say what the rows come from', [{ path: 'source', message: 'is required' }]);
  const dialect: FileDialect = {
    format: request.format,
    delimiter: profile.file.delimiter,
    encoding: profile.file.encoding,
    name: request.fileName,
  };
  let bytesRead = 0;
  const hash = createHash('sha256');
  let digest: string | undefined;
  /** The file's digest, once it is read whole. */
  const digestOf = () => (digest ??= hash.digest('hex'));
  const counted = request.input.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    }),
  );
  // A source that fails (a client gone, a body not in its Content-Encoding) fails the reading,
  // which `pipe` alone would leave waiting. It may fail before the reading starts (the import's
  // record is written first): the stream keeps the error for its reader, and is not left to throw
  // it with no one listening.
  request.input.once('error', (error) => counted.destroy(error));
  counted.on('error', () => {});
  const rows = readImportFile(counted, dialect, profile.columns, (names) =>
    headerProblem(request.kind, profile, names),
  );
  const dryRun = request.dryRun ?? false;
  const runId = dryRun ? null : (request.runId ?? randomUUID());
  if (runId) {
    await stores.importRuns.start({
      id: runId,
      kind: request.kind,
      source,
      profile: request.profile ?? null,
      fileName: request.fileName ?? null,
      startedBy: request.startedBy ?? null,
      startedAt: clock.now(),
      bytesTotal: request.bytesTotal ?? null,
    });
  }
  // What was stored so far: the history keeps it for an import that fails after storing rows.
  let stored: ImportSummary | null = null;
  const onBatch = (summary: ImportSummary) => {
    stored = summary;
    request.onProgress?.({ bytesRead, summary });
    if (runId) void stores.importRuns.progress(runId, { bytesRead, summary }).catch(() => {});
  };
  const common = { rows, profile, zone: profile.timezone ?? REFERENCE_ZONE, dryRun, onBatch };
  try {
    const summary =
      request.kind === 'customers'
        ? await importCustomers({ ...common, source, customers: stores.customers, now: clock.now() })
        : await importInteractions({
            ...common,
            source,
            interactions: stores.interactions,
            ...(stores.interactionLoader ? { loader: stores.interactionLoader } : {}),
            customers: stores.customers,
            channels: stores.channels,
            reasons: stores.reasons,
            ...(request.again
              ? {}
              : { beforeStoring: () => refuseCopy(stores, request, source, digestOf()) }),
          });
    const end = { at: clock.now(), bytesRead, summary, digest: digestOf() };
    if (runId) await stores.importRuns.finish(runId, end);
    return { runId, source, profile: request.profile ?? null, summary };
  } catch (error) {
    if (runId) {
      await stores.importRuns.finish(runId, {
        at: clock.now(),
        bytesRead,
        summary: stored,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  }
}

/**
 * `conflict` when a file of the same content was imported whole under another source: each of
 * its contacts would be stored a second time (the same source adds nothing, or its corrections).
 */
async function refuseCopy(stores: Stores, request: ImportRequest, source: string, digest: string) {
  const earlier = await stores.importRuns.copiedElsewhere(request.kind, digest, source);
  if (!earlier) return;
  const when = DateTime.fromJSDate(earlier.startedAt, { zone: REFERENCE_ZONE }).toFormat('yyyy-MM-dd HH:mm');
  const file = earlier.fileName ? `the file ${earlier.fileName}` : 'a file';
  throw new ChannelPilotError(
    'conflict',
    `${request.fileName ?? 'this file'} has the same content as ${file} imported on ${when} as ${earlier.source} (import ${earlier.id}): importing it as ${source} would store each of its contacts a second time`,
    {
      hint: `its contacts are stored already as ${earlier.source}; if it truly is another set of contacts, say so with --again (again=true through the API)`,
    },
  );
}

/** The saved profile of that name (or the plain one) with the overrides applied, checked whole. */
async function resolveProfile(
  stores: Stores,
  name: string | undefined,
  overrides: ImportOverrides,
): Promise<ImportProfile> {
  let base = plainProfile();
  if (name !== undefined) {
    const saved = await stores.importProfiles.get(name);
    if (!saved) {
      const names = (await stores.importProfiles.list()).map((p) => p.profile.name);
      throw new ChannelPilotError('not_found', `there is no import profile ${name}`, {
        hint: names.length > 0 ? `saved profiles: ${names.join(', ')}` : 'save one first (see the README)',
      });
    }
    base = saved.profile;
  }
  const result = ImportProfile.safeParse({
    ...base,
    ...(overrides.source ? { source: overrides.source } : {}),
    ...(overrides.timezone ? { timezone: overrides.timezone } : {}),
    file: {
      ...base.file,
      ...(overrides.delimiter ? { delimiter: overrides.delimiter } : {}),
      ...(overrides.encoding ? { encoding: overrides.encoding } : {}),
    },
    columns: { ...base.columns, ...overrides.columns },
  });
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw invalidInput(
      `invalid import options: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data;
}

/** A file's name, lower_snake: what its rows come from unless told otherwise. */
function sourceOf(fileName: string): string | undefined {
  const name = basename(fileName)
    .replace(/\.[^.]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name.slice(0, 63) : undefined;
}
