import { z } from 'zod';
import { CensusFilterFields } from '../../core/evidence.ts';
import type { createApi } from './api.ts';
import { ProblemSchema } from '../../core/index.ts';

// The routes served beside the declared API (pages, health, metrics; the channels describe their own), described
// so that the OpenAPI document names every route the app mounts; a test keeps the two equal.

const text = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string() } },
});
const html = (description: string) => text('text/html', description);
const problem = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};
// A page says what went wrong as a page, a route behind it as a problem document.
const pageProblem = {
  description: 'What went wrong, as a page or as problem details',
  content: { 'text/html': { schema: z.string() }, 'application/problem+json': { schema: ProblemSchema } },
};
const toLogin = { description: 'Not logged in: to the login page' };
/** A page form: the session's token beside the fields. */
const formOf = (fields: z.ZodRawShape) => ({
  required: true,
  content: {
    'application/x-www-form-urlencoded': {
      schema: z
        .object({ csrf: z.string().meta({ description: 'the token the page’s form carries' }) })
        .extend(fields),
    },
  },
});
const pilotForm = {
  required: true,
  content: {
    'application/x-www-form-urlencoded': {
      schema: z
        .looseObject({ csrf: z.string() })
        .meta({ description: 'the pilot form’s fields (code, name, channel, dates, cohort, objectives…)' }),
    },
  },
};
const csrfForm = formOf({});
const ById = z.object({ id: z.string().min(1).max(80) });
const ByToken = z.object({ token: z.string().min(1).max(2048) });
const session = { description: 'Needs a staff session (the login page otherwise).' };

export function describeSiteRoutes(api: ReturnType<typeof createApi>): void {
  const { describe } = api;
  describe('get', '/', {
    summary: 'The landing page: a link to each page',
    tags: ['pages'],
    security: [],
    responses: { 200: html('The landing page') },
  });
  describe('get', '/healthz', {
    summary: 'Answers while the process lives',
    tags: ['operations'],
    security: [],
    responses: {
      200: {
        description: 'alive',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  });
  describe('get', '/readyz', {
    summary: 'Answers 200 only while the database answers and the server is not shutting down',
    tags: ['operations'],
    security: [],
    responses: {
      200: {
        description: 'ready',
        content: { 'application/json': { schema: z.looseObject({ status: z.string() }) } },
      },
      503: {
        description: 'not ready',
        content: { 'application/json': { schema: z.looseObject({ status: z.string() }) } },
      },
    },
  });
  describe('get', '/metrics', {
    summary: 'Prometheus metrics; send METRICS_TOKEN as a bearer token',
    tags: ['operations'],
    security: [{ metricsToken: [] }],
    responses: { 200: text('text/plain', 'Prometheus text format'), '4XX': problem },
  });
  describe('get', '/api/openapi.json', {
    summary: 'This document',
    tags: ['operations'],
    security: [],
    responses: {
      200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.looseObject({}) } } },
    },
  });
  describe('get', '/outbox', {
    summary: 'Messages to customers, as a page for advisors and admins (codes and live links masked)',
    tags: ['pages'],
    ...session,
    responses: { 200: html('The outbox'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/join/{token}', {
    summary: 'The customer’s consultation page behind a join link',
    tags: ['pages'],
    security: [],
    requestParams: { path: z.object({ token: z.string() }) },
    responses: { 200: html('The page in its state'), '4XX': pageProblem },
  });
  describe('get', '/console', {
    summary: 'The advisor console',
    tags: ['pages'],
    ...session,
    responses: { 200: html('The console'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/assets/{file}', {
    summary: 'The browser scripts of the pages (the app’s and the channels’)',
    tags: ['pages'],
    security: [],
    requestParams: { path: z.object({ file: z.string() }) },
    responses: {
      200: text('text/javascript', 'A bundle'),
      304: { description: 'Not modified' },
      '4XX': problem,
    },
  });
  describe('get', '/manage', {
    summary: 'The pilot manager’s pages: to the census',
    tags: ['pages'],
    security: [],
    responses: { 303: { description: 'To /manage/census' } },
  });
  describe('get', '/manage/login', {
    summary: 'The staff login page',
    tags: ['pages'],
    security: [],
    requestParams: { query: z.object({ next: z.string().optional() }) },
    responses: { 200: html('The login form') },
  });
  describe('post', '/manage/logout', {
    summary: 'Log out from a page (its form carries the session’s token)',
    tags: ['pages'],
    requestBody: csrfForm,
    responses: { 303: { description: 'To the login page' }, '4XX': pageProblem },
  });
  describe('get', '/manage/census', {
    summary: 'The census dashboard',
    tags: ['pages'],
    ...session,
    requestParams: { query: CensusFilterFields.partial() },
    responses: { 200: html('The census'), 303: toLogin, '4XX': pageProblem },
  });
  describe('post', '/manage/census/refresh', {
    summary: 'Compute the census again (the page’s form)',
    tags: ['pages'],
    requestParams: { query: CensusFilterFields.partial() },
    requestBody: csrfForm,
    responses: { 303: { description: 'Back to the census' }, '4XX': pageProblem },
  });
  describe('get', '/manage/census.csv', {
    summary: 'One table of the census as CSV',
    tags: ['pages'],
    ...session,
    requestParams: { query: CensusFilterFields.partial().extend({ table: z.string() }) },
    responses: { 200: text('text/csv', 'The table'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/manage/pilots', {
    summary: 'The pilots',
    tags: ['pages'],
    ...session,
    responses: { 200: html('The list'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/manage/pilots/{id}', {
    summary: 'A pilot’s report',
    tags: ['pages'],
    ...session,
    requestParams: { path: ById },
    responses: { 200: html('The report'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/manage/pilots/{id}/styles', {
    summary: 'A bill style pilot’s report: each arm against control, and each arm’s scorecard',
    tags: ['pages'],
    ...session,
    requestParams: {
      path: ById,
      query: z.object({ withinDays: z.number().int().min(1).max(365).optional() }),
    },
    responses: { 200: html('The report'), 303: toLogin, '4XX': pageProblem },
  });
  describe('post', '/manage/pilots/{id}/refresh', {
    summary: 'Compute a pilot’s figures again (the page’s form)',
    tags: ['pages'],
    requestParams: { path: ById },
    requestBody: csrfForm,
    responses: { 303: { description: 'Back to the report' }, '4XX': pageProblem },
  });
  describe('get', '/manage/pilots/{id}/report.html', {
    summary: 'A pilot’s report as one self-contained HTML file',
    tags: ['pages'],
    ...session,
    requestParams: { path: ById },
    responses: { 200: html('The report'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/manage/imports', {
    summary: 'The import page: upload a file, preview it with a profile, follow the runs',
    tags: ['pages'],
    ...session,
    responses: { 200: html('The import page'), 303: toLogin, '4XX': pageProblem },
  });
  describe('get', '/manage/pilots/new', {
    summary: 'The form that defines a pilot',
    tags: ['pages'],
    ...session,
    responses: { 200: html('The form'), 303: toLogin, '4XX': pageProblem },
  });
  describe('post', '/manage/pilots', {
    summary: 'Define a pilot as a draft from the form (the same rules as POST /api/pilots)',
    tags: ['pages'],
    requestBody: pilotForm,
    responses: {
      303: { description: 'To the new pilot' },
      400: html('The form again, with what was typed and every bad field named'),
      '4XX': pageProblem,
    },
  });
  describe('get', '/manage/pilots/{id}/edit', {
    summary: 'The form that changes a pilot’s definition',
    tags: ['pages'],
    ...session,
    requestParams: { path: ById },
    responses: { 200: html('The form'), 303: toLogin, '4XX': pageProblem },
  });
  describe('post', '/manage/pilots/{id}', {
    summary: 'Change a pilot’s definition from the form (the same rules as PATCH /api/pilots/{id})',
    tags: ['pages'],
    requestParams: { path: ById },
    requestBody: pilotForm,
    responses: {
      303: { description: 'To the pilot' },
      400: html('The form again, with what was typed and every bad field named'),
      '4XX': pageProblem,
    },
  });
  describe('post', '/manage/pilots/{id}/status', {
    summary: 'Start, pause, resume or end a pilot (the buttons on its page)',
    tags: ['pages'],
    requestParams: { path: ById },
    requestBody: formOf({ status: z.string() }),
    responses: { 303: { description: 'Back to the pilot' }, '4XX': pageProblem },
  });
  describe('post', '/manage/pilots/{id}/ratings', {
    summary: 'Rate one of the scorecard’s criteria, with a note',
    tags: ['pages'],
    requestParams: { path: ById },
    requestBody: formOf({ criterion: z.string(), rating: z.string(), note: z.string().optional() }),
    responses: { 303: { description: 'Back to the pilot' }, '4XX': pageProblem },
  });
  describe('get', '/pay/{token}', {
    summary:
      'The page behind a payment link: what is owed, bill by bill, and a button to pay (JSON when asked)',
    tags: ['customer links'],
    security: [],
    requestParams: { path: ByToken },
    responses: {
      200: {
        description: 'The page, or its content as JSON',
        content: { 'text/html': { schema: z.string() }, 'application/json': { schema: z.looseObject({}) } },
      },
      '4XX': pageProblem,
    },
  });
  describe('post', '/pay/{token}/checkout', {
    summary: 'Pay what the link is for: to the payment provider’s checkout',
    tags: ['customer links'],
    security: [],
    requestParams: { path: ByToken },
    responses: {
      303: { description: 'To the checkout (or back, when nothing is left to pay)' },
      '4XX': pageProblem,
    },
  });
  describe('get', '/dev-pay/{token}', {
    summary: 'The development payment provider’s checkout page (no money moves)',
    tags: ['customer links'],
    security: [],
    requestParams: { path: ByToken },
    responses: { 200: html('The checkout'), '4XX': pageProblem },
  });
  describe('post', '/dev-pay/{token}', {
    summary: 'Confirm a development checkout: the payment is recorded as the provider would confirm it',
    tags: ['customer links'],
    security: [],
    requestParams: { path: ByToken },
    responses: { 303: { description: 'Back to the payment page' }, '4XX': pageProblem },
  });
}
