import { z } from 'zod';
import { ByToken, Instant, IsoDate, ProblemSchema, Slug, type RouteKit } from '../core/index.ts';

/** The pages behind a consultation's customer links in the API document: pages, no login. */
export function describeLinkPages(kit: RouteKit): void {
  const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  // A refusal is a page in the customer's language; a malformed address is refused before it
  // reaches the page, as problem details.
  const refused = {
    description:
      'What cannot be done and what to do, as a page in the customer’s language (both languages for a link that opens nothing): 404 a link not valid, 410 expired, 409 no longer possible, 400/413/415 a bad form, 403 a form from another site',
    content: { 'text/html': { schema: z.string() }, 'application/problem+json': { schema: ProblemSchema } },
  };
  const common = { tags: ['customer links'], security: [], requestParams: { path: ByToken } };
  const from = IsoDate.optional().meta({ description: 'offer the free times from this day on (Rome)' });
  const form = (schema: z.ZodObject) => ({
    required: true,
    content: { 'application/x-www-form-urlencoded': { schema } },
  });
  kit.describe('get', '/reschedule/{token}', {
    summary: 'The page behind a reschedule link: the consultation and the free times to move it to',
    ...common,
    requestParams: { path: ByToken, query: z.object({ from }) },
    responses: { 200: page('The consultation and the free times'), '4XX': refused },
  });
  kit.describe('post', '/reschedule/{token}', {
    summary: 'Move the consultation to the time chosen; the "moved" notice goes out as for every move',
    ...common,
    requestBody: form(z.object({ startsAt: Instant })),
    responses: {
      200: page('Moved: the new time, the join link, and whether a notice was sent'),
      '4XX': refused,
    },
  });
  kit.describe('get', '/cancel/{token}', {
    summary: 'The page behind a cancel link: the consultation and a form to confirm the cancellation',
    ...common,
    responses: { 200: page('The consultation and the confirmation form'), '4XX': refused },
  });
  kit.describe('post', '/cancel/{token}', {
    summary: 'Cancel the consultation; the "cancelled" notice goes out as for every cancellation',
    ...common,
    requestBody: form(
      z.object({
        reason: z
          .string()
          .max(500)
          .optional()
          .meta({ description: 'why; empty, the consultation is recorded as cancelled by the customer' }),
      }),
    ),
    responses: { 200: page('Cancelled, and whether a notice was sent'), '4XX': refused },
  });
  kit.describe('get', '/book/{token}', {
    summary:
      'The page behind a booking link: the topics advisors serve in the customer’s language, then the free times of one',
    ...common,
    requestParams: {
      path: ByToken,
      query: z.object({ topic: Slug.optional().meta({ description: 'the topic chosen' }), from }),
    },
    responses: { 200: page('The topics, or the free times of the topic'), '4XX': refused },
  });
  kit.describe('post', '/book/{token}', {
    summary: 'Book the time chosen; the confirmation goes out as for every booking',
    ...common,
    requestBody: form(z.object({ topic: Slug, startsAt: Instant })),
    responses: {
      201: page('Booked: when, the join link, and whether a confirmation was sent'),
      '4XX': refused,
    },
  });
}
