import { z } from 'zod';
import {
  assertSourceOpen,
  Slug,
  can,
  invalidInput,
  notFound,
  type Clock,
  type Stores,
} from '../../core/index.ts';
import { ContactReasonInput } from '../../core/evidence.ts';
import {
  ImportProfile,
  importEncodings,
  maskPreview,
  saveImportProfile,
  type ImportKind,
} from '../../core/imports.ts';
import { mediaType, type createApi } from './api.ts';
import { delimiterOf, parseMapping, type ImportFormat } from '../import/import-files.ts';
import { runImport } from '../import/run-import.ts';
import { decodedBody, isEncoded } from './body-encoding.ts';
import { ContactReasonSchema, ImportResultSchema, ImportRunSchema } from './import-schemas.ts';

// Neither is a type a page on another site can post without asking first (unlike text/plain).
const formats: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
};

const ImportQuery = z.object({
  profile: Slug.optional(),
  source: Slug.optional(),
  // Short enough that any such address fits in Node's 16 KB of request headers.
  map: z.string().max(500).optional(),
  delimiter: z
    .string()
    .refine((value) => delimiterOf(value) !== undefined, { error: 'must be comma, semicolon, tab or pipe' })
    .transform((value) => delimiterOf(value))
    .optional(),
  encoding: z.enum(importEncodings).optional(),
  timezone: z.string().max(64).optional(),
  dryRun: z.enum(['true', 'false']).optional(),
  /** Contacts: import a file whose content was imported whole before under another source. */
  again: z.enum(['true', 'false']).optional(),
  /** The id to record the import under, so that a page can follow its progress while it uploads. */
  run: z.uuid().optional(),
  /** The uploaded file's name, kept in the history. */
  fileName: z.string().max(200).optional(),
});

const ProfileAnswer = z.object({ profile: ImportProfile, updatedAt: z.iso.datetime({ offset: true }) });

/** Imports for staff who may run them: the same as `channel-pilot import`, plus profiles, reasons and the history. */
export function registerImportRoutes(
  api: ReturnType<typeof createApi>,
  deps: { stores: Stores; clock: Clock },
): void {
  const { stores } = deps;

  for (const kind of ['interactions', 'customers'] as const satisfies readonly ImportKind[]) {
    api.route({
      method: 'post',
      path: `/api/imports/${kind}`,
      summary:
        kind === 'customers'
          ? 'Import customers from a CRM export, streamed as CSV (text/csv) or JSON Lines (application/x-ndjson); re-importing updates them'
          : 'Import contacts of existing channels, streamed as CSV (text/csv) or JSON Lines (application/x-ndjson)',
      tag: 'imports',
      permission: 'imports:write',
      query: ImportQuery,
      rawBody: {
        types: Object.keys(formats),
        description:
          kind === 'customers'
            ? 'CSV (any delimiter) with a header row, or one JSON object per line; columns as the profile maps them'
            : 'CSV (any delimiter) with a header row, or one JSON object per line; columns as in the README',
      },
      response: ImportResultSchema,
      async handler({ query, req, staff }) {
        const format = formats[mediaType(req)] as ImportFormat;
        let columns: Record<string, string>;
        try {
          columns = parseMapping(query.map);
        } catch (error) {
          throw invalidInput('the column mapping is not valid', [
            { path: 'query.map', message: (error as Error).message },
          ]);
        }
        // Named as the request gave it; a source a profile gives is checked by the import itself.
        if (query.source) assertSourceOpen(query.source, 'query.source');
        // Its length counts compressed bytes when it is sent compressed: no share of it can be told then.
        const length = isEncoded(req) ? NaN : Number(req.headers['content-length']);
        // A body that stops being CSV (an unclosed quote) fails with the line it breaks at.
        const outcome = await runImport(deps, {
          kind,
          input: decodedBody(req),
          format,
          profile: query.profile,
          overrides: {
            source: query.source,
            delimiter: query.delimiter,
            encoding: query.encoding,
            timezone: query.timezone,
            columns,
          },
          dryRun: query.dryRun === 'true',
          again: query.again === 'true',
          fileName: query.fileName ?? null,
          bytesTotal: Number.isFinite(length) ? length : null,
          startedBy: staff?.id ?? null,
          runId: query.run,
        });
        // Pilot managers work on aggregates: the customers a preview shows are masked for them.
        if (kind === 'customers' && staff && !can(staff.role, 'customers:read'))
          outcome.summary.preview = maskPreview(outcome.summary.preview);
        return outcome;
      },
    });
  }

  api.route({
    method: 'get',
    path: '/api/imports',
    summary: 'The latest imports, newest first, with their summaries',
    tag: 'imports',
    permission: 'imports:read',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.array(ImportRunSchema),
    handler: ({ query }) => stores.importRuns.list(query.limit),
  });

  api.route({
    method: 'get',
    path: '/api/imports/:id',
    summary: 'One import, running or done: its progress and summary',
    tag: 'imports',
    permission: 'imports:read',
    params: z.object({ id: z.uuid() }),
    response: ImportRunSchema,
    async handler({ params }) {
      const run = await stores.importRuns.get(params.id);
      if (!run) throw notFound('import', params.id);
      return run;
    },
  });

  api.route({
    method: 'get',
    path: '/api/import-profiles',
    summary: 'The saved mapping profiles',
    tag: 'imports',
    permission: 'imports:read',
    response: z.array(ProfileAnswer),
    handler: () => stores.importProfiles.list(),
  });

  api.route({
    method: 'get',
    path: '/api/import-profiles/:name',
    summary: 'One saved mapping profile',
    tag: 'imports',
    permission: 'imports:read',
    params: z.object({ name: Slug }),
    response: ProfileAnswer,
    async handler({ params }) {
      const saved = await stores.importProfiles.get(params.name);
      if (!saved) throw notFound('import profile', params.name);
      return saved;
    },
  });

  api.route({
    method: 'put',
    path: '/api/import-profiles/:name',
    summary: 'Save a mapping profile under its name (replacing one of that name)',
    tag: 'imports',
    permission: 'imports:write',
    params: z.object({ name: Slug }),
    body: ImportProfile,
    response: ProfileAnswer,
    async handler({ params, body }) {
      if (body.name !== params.name)
        throw invalidInput(`the profile is named ${body.name}, not ${params.name}`, [
          { path: 'body.name', message: `must be ${params.name}, as in the address` },
        ]);
      return saveImportProfile(stores, body, 'body.');
    },
  });

  api.route({
    method: 'delete',
    path: '/api/import-profiles/:name',
    summary: 'Delete a saved mapping profile',
    tag: 'imports',
    permission: 'imports:write',
    params: z.object({ name: Slug }),
    response: null,
    status: 204,
    async handler({ params }) {
      if (!(await stores.importProfiles.remove(params.name))) throw notFound('import profile', params.name);
    },
  });

  api.route({
    method: 'get',
    path: '/api/reasons',
    summary: 'The catalogue of contact reasons, with their labels and groups',
    tag: 'catalog',
    permission: 'catalog:read',
    response: z.array(ContactReasonSchema),
    handler: () => stores.reasons.reasons(),
  });

  api.route({
    method: 'put',
    path: '/api/reasons/:code',
    summary: 'Add a contact reason to the catalogue, or change its labels and group',
    tag: 'catalog',
    permission: 'imports:write',
    params: z.object({ code: Slug }),
    body: ContactReasonInput.omit({ code: true }),
    response: ContactReasonSchema,
    handler: ({ params, body }) => stores.reasons.save({ ...body, code: params.code }),
  });
}
