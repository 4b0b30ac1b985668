import { z } from 'zod';
import { Slug, assertSourceOpen, importInteractions, invalidInput, type Stores } from '../../core/index.ts';
import { mediaType, type createApi } from './api.ts';
import { parseMapping, readInteractionFile, type ImportFormat } from '../import/interaction-files.ts';

const SummarySchema = z
  .object({
    read: z.number().int(),
    imported: z.number().int(),
    alreadyThere: z.number().int(),
    rejected: z.number().int(),
    rejections: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'ImportSummary', description: 'What an import did, with the first rejected rows.' });

// Neither is a type a page on another site can post without asking first (unlike text/plain).
const formats: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
};

/** The import of existing-channel history, for staff: the same as `channel-pilot import interactions`. */
export function registerImportRoutes(api: ReturnType<typeof createApi>, deps: { stores: Stores }): void {
  const { stores } = deps;
  api.route({
    method: 'post',
    path: '/api/imports/interactions',
    summary:
      'Import contacts of existing channels, streamed as CSV (text/csv) or JSON Lines (application/x-ndjson)',
    tag: 'imports',
    permission: 'imports:write',
    query: z.object({
      source: Slug,
      // Short enough that any such address fits in Node's 16 KB of request headers.
      map: z.string().max(500).optional(),
    }),
    rawBody: {
      types: Object.keys(formats),
      description: 'CSV with a header row, or one JSON object per line; columns as in the README',
    },
    response: SummarySchema,
    async handler({ query, req }) {
      assertSourceOpen(query.source, 'query.source');
      const format = formats[mediaType(req)] as ImportFormat;
      let mapping: Record<string, string>;
      try {
        mapping = parseMapping(query.map);
      } catch (error) {
        throw invalidInput('the column mapping is not valid', [
          { path: 'query.map', message: (error as Error).message },
        ]);
      }
      // A body that stops being CSV (an unclosed quote) fails with the line it breaks at.
      return importInteractions({
        rows: readInteractionFile(req, format, mapping),
        source: query.source,
        interactions: stores.interactions,
        customers: stores.customers,
        channels: stores.channels,
      });
    },
  });
}
