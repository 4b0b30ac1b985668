import { z } from 'zod';
import 'zod-openapi';
import { importKinds } from '../../core/imports.ts';

// What the import routes answer, as JSON (dates as ISO strings).
const DateTime = z.iso.datetime({ offset: true });
const Count = z.number().int();

export const ImportSummarySchema = z
  .object({
    dryRun: z.boolean(),
    read: Count,
    valid: Count,
    imported: Count,
    updated: Count,
    corrected: Count,
    alreadyThere: Count,
    differing: Count,
    differences: z.array(
      z.object({
        line: Count,
        externalId: z.string(),
        columns: z.array(
          z.object({ column: z.string(), stored: z.string().nullable(), file: z.string().nullable() }),
        ),
      }),
    ),
    rejected: Count,
    rejections: z.array(z.object({ line: Count, reason: z.string() })),
    problems: z.array(
      z.object({
        column: z.string().nullable(),
        problem: z.string(),
        count: Count,
        lines: z.array(Count),
        values: z.array(z.string()),
      }),
    ),
    localTimes: z.object({ gap: Count, repeated: Count, repeatedEnd: Count }),
    anonymised: Count,
    createdReasons: z.array(z.string()),
    preview: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({
    id: 'ImportSummary',
    description:
      'What an import did (a dry run: what a real run would do): counts, the first rows that differ from their stored contact in what an import cannot change, every distinct rejection reason with its first lines and values, the first rejected rows, local times moved by a clock change, and the first rows as stored.',
  });

export const ImportResultSchema = z
  .object({
    runId: z.uuid().nullable(),
    source: z.string(),
    profile: z.string().nullable(),
    summary: ImportSummarySchema,
  })
  .meta({ id: 'ImportResult' });

export const ImportRunSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(importKinds),
    source: z.string(),
    profile: z.string().nullable(),
    fileName: z.string().nullable(),
    startedBy: z.uuid().nullable(),
    startedAt: DateTime,
    finishedAt: DateTime.nullable(),
    status: z.enum(['running', 'done', 'failed', 'interrupted']),
    bytesRead: Count,
    bytesTotal: Count.nullable(),
    summary: ImportSummarySchema.nullable(),
    error: z.string().nullable(),
    digest: z
      .string()
      .nullable()
      .meta({ description: 'SHA-256 (hex) of the file, once read whole: the same file is recognised by it' }),
  })
  .meta({ id: 'ImportRun' });

export const ContactReasonSchema = z
  .object({
    code: z.string(),
    labels: z.record(z.string(), z.string()),
    group: z.string().nullable(),
  })
  .meta({ id: 'ContactReason' });
