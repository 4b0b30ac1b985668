import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';

// Every route the app mounts is in /api/openapi.json, and nothing the document names is
// missing from the app: the two are compared, route by route, with everything switched on.

let storage: StorageHandle;
let app: Express;

beforeAll(async () => {
  storage = await openTestDatabase();
  ({ app } = await composeApp({
    storage,
    config: {
      PUBLIC_URL: 'http://localhost:3000',
      SESSION_TTL_HOURS: 1,
      COOKIE_SECURE: false,
      ALEXA_SKILL_ID: 'amzn1.ask.skill.00000000-0000-4000-8000-000000000000',
      METRICS_TOKEN: 'a-token-of-sixteen-or-more',
      DIALOGFLOW_WEBHOOK_SECRET: 'a-webhook-secret-of-24-or-more',
    },
    logger: pino({ level: 'silent' }),
    // Nothing listens there: composing only names it, and the webhook route is mounted.
    video: {
      url: 'ws://127.0.0.1:9',
      apiKey: 'devkey',
      apiSecret: 'a-secret-of-at-least-thirty-two-characters',
    },
  }));
});

afterAll(async () => {
  await storage?.close();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path/{param}` for every route in the app's routers, however deep. */
function mountedRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return paths.flatMap((path) =>
        Object.keys(layer.route!.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
      );
    }
    return layer.handle?.stack ? mountedRoutes(layer.handle.stack) : [];
  });
}

describe('the OpenAPI document', () => {
  it('describes exactly the routes the app mounts: API, pages, webhooks and /alexa', async () => {
    const doc = (await request(app).get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const mounted = mountedRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect([...new Set(mounted)].sort()).toEqual([...new Set(documented)].sort());
    for (const route of ['POST /alexa', 'POST /api/video/webhooks', 'GET /join/{token}', 'GET /']) {
      expect(documented).toContain(route);
    }
  });

  it('describes the import body as CSV and JSON Lines', async () => {
    const doc = (await request(app).get('/api/openapi.json').expect(200)).body;
    const body = doc.paths['/api/imports/interactions'].post.requestBody;
    expect(Object.keys(body.content)).toEqual(expect.arrayContaining(['text/csv', 'application/x-ndjson']));
  });
});
