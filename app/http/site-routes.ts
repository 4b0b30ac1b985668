import { z } from 'zod';
import { CensusFilterFields } from '../../core/index.ts';
import type { createApi } from './api.ts';
import { ProblemSchema } from './api-schemas.ts';

// The routes served beside the declared API (pages, health, metrics, webhooks, /alexa), described
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
const csrfForm = {
  required: true,
  content: {
    'application/x-www-form-urlencoded': {
      schema: z.object({ csrf: z.string().meta({ description: 'the token the page’s form carries' }) }),
    },
  },
};
const ById = z.object({ id: z.string().min(1).max(80) });
const session = { description: 'Needs a staff session (the login page otherwise).' };

export function describeSiteRoutes(api: ReturnType<typeof createApi>, mounted: { alexa: boolean }): void {
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
    summary: 'Messages to customers, as a page for staff (codes and live links masked)',
    tags: ['pages'],
    responses: { 200: html('The outbox'), '4XX': pageProblem },
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
    summary: 'The scripts of the consultation page and the console',
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
  if (mounted.alexa) {
    describe('post', '/alexa', {
      summary: 'The Alexa skill’s endpoint: requests signed by Alexa for this skill',
      tags: ['voice'],
      security: [{ alexaSignature: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: z.looseObject({}).meta({ description: 'an Alexa RequestEnvelope' }) },
        },
      },
      responses: {
        200: {
          description: 'An Alexa ResponseEnvelope',
          content: { 'application/json': { schema: z.looseObject({}) } },
        },
        '4XX': problem,
      },
    });
  }
  {
    describe('post', '/api/video/webhooks', {
      summary: 'LiveKit’s webhooks: signed with the API key and secret, over the body’s hash',
      tags: ['video'],
      security: [{ livekitWebhook: [] }],
      requestBody: {
        required: true,
        content: {
          'application/webhook+json': {
            schema: z.looseObject({}).meta({ description: 'a LiveKit WebhookEvent' }),
          },
        },
      },
      responses: {
        200: {
          description: 'What the event did',
          content: { 'application/json': { schema: z.object({ outcome: z.string() }) } },
        },
        '4XX': problem,
        503: { ...problem, description: 'No LiveKit server is configured (yet)' },
      },
    });
  }
}
