import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  ChannelPilotError,
  can,
  describeIssues,
  fieldIssues,
  invalidInput,
  unstorableIssues,
  type ChannelRoute,
  type HttpMethod,
  type OperationDescription,
  type RouteKit,
  type StaffUser,
} from '../../core/index.ts';
import { ProblemSchema } from '../../core/index.ts';
import { bodyNotAnObject } from './problem.ts';

type Method = HttpMethod;
type AnyObject = z.ZodObject<z.ZodRawShape>;

/** A route of the app: a channel's route, or one that also reads the request itself. */
export interface RouteSpec<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
> extends Omit<ChannelRoute<P, Q, B, R>, 'handler'> {
  /**
   * A body the handler reads itself as a stream (an import), in one of these media types. Every
   * other route that is not a GET takes JSON, even without a body: a form or a bare request from
   * another site cannot reach it.
   */
  rawBody?: { types: readonly string[]; description: string };
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    staff: StaffUser | undefined;
    req: Request;
    res: Response;
  }) => Promise<unknown>;
}

/** The staff user a session middleware put on the request. */
export function staffOf(res: Response): StaffUser | undefined {
  return res.locals.staff as StaffUser | undefined;
}

/**
 * Routes declared once: the same zod schemas validate requests and describe them in the
 * OpenAPI document, so the two cannot drift apart.
 */
export function createApi() {
  const router = Router();
  const paths: ZodOpenApiPathsObject = {};
  const responses = new Map<string, z.ZodType>();
  const problem = {
    description: 'Problem details (RFC 9457)',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };

  function route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    const status = spec.status ?? 200;
    router[spec.method](spec.path, async (req, res) => {
      const staff = staffOf(res);
      if (spec.permission !== 'public') {
        if (!staff)
          throw new ChannelPilotError('unauthenticated', 'log in first', { hint: 'POST /api/auth/login' });
        if (!can(staff.role, spec.permission)) {
          throw new ChannelPilotError(
            'forbidden',
            `the ${staff.role} role may not ${spec.permission.replace(':', ' ')}`,
          );
        }
      }
      const params = validate(spec.params, req.params, 'path');
      const query = validate(spec.query, oneValueEach(spec.query, req.query), 'query');
      // A cross-site form can only GET or POST, and a cross-site DELETE needs a preflight this
      // server never allows: DELETE, like GET, needs no body.
      if (spec.method !== 'get' && spec.method !== 'delete') {
        const accepted = spec.rawBody?.types ?? ['application/json'];
        const given = mediaType(req);
        if (!accepted.includes(given)) {
          throw invalidInput(
            `the request must be sent as ${accepted.join(' or ')} (Content-Type), not ${given || 'without one'}`,
            [{ path: 'content-type', message: `must be ${accepted.join(' or ')}` }],
            accepted.includes('application/json') && !spec.body
              ? 'send the JSON body {} when there is nothing to say'
              : undefined,
          );
        }
      }
      // The JSON parser lets only objects and arrays through: an array is refused unless the route takes one.
      const given = req.body as unknown;
      if (Array.isArray(given) && !spec.rawBody && !(spec.body instanceof z.ZodArray))
        throw bodyNotAnObject(given);
      const body = validate(spec.body, given ?? {}, 'body');
      const result = await spec.handler({ params, query, body, staff, req, res } as never);
      if (res.headersSent) return;
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });

    const openApiPath = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    responses.set(`${spec.method.toUpperCase()} ${openApiPath}`, spec.response ?? z.undefined());
    paths[openApiPath] = {
      ...paths[openApiPath],
      [spec.method]: {
        summary: spec.summary,
        tags: [spec.tag],
        ...(spec.permission === 'public'
          ? { security: [] }
          : { description: `Requires the \`${spec.permission}\` permission.` }),
        requestParams: {
          ...(spec.params ? { path: spec.params } : {}),
          ...(spec.query ? { query: spec.query } : {}),
        },
        ...requestBody(spec),
        responses: {
          [status]: spec.response
            ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
            : { description: 'Done' },
          '4XX': problem,
          ...(spec.permission === 'public' ? {} : { '401': problem, '403': problem }),
        },
      },
    };
  }

  /** Documents a route another router serves (a page, a webhook): the document names every route. */
  function describe(method: Method, path: string, operation: ZodOpenApiOperationObject): void {
    paths[path] = { ...paths[path], [method]: operation };
  }

  function document(info: { version: string; serverUrl: string }) {
    return createDocument({
      openapi: '3.1.0',
      info: {
        title: 'channel-pilot',
        version: info.version,
        description:
          'Customer context, channels and pilots. Staff authenticate with the session cookie set by /api/auth/login.',
      },
      servers: [{ url: info.serverUrl }],
      security: [{ session: [] }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          metricsToken: { type: 'http', scheme: 'bearer' },
          alexaSignature: { type: 'apiKey', in: 'header', name: 'Signature-256' },
          livekitWebhook: { type: 'apiKey', in: 'header', name: 'Authorization' },
          dialogflowHeader: { type: 'apiKey', in: 'header', name: 'x-channel-pilot-secret' },
          dialogflowBasic: { type: 'http', scheme: 'basic' },
          dialogflowIdToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      paths,
    });
  }

  /** What channels declare their routes with. */
  const kit: RouteKit = {
    route,
    describe: (method, path, operation: OperationDescription) =>
      describe(method, path, {
        ...operation,
        responses: { '4XX': problem, ...(operation.responses as object) },
      } as ZodOpenApiOperationObject),
    problem,
  };

  return { router, route, describe, document, responses, kit };
}

export const SESSION_COOKIE = 'cp_session';

/** The Content-Type's media type, lower case, without parameters; '' when there is none. */
export function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** What the document says a route takes as its body. */
function requestBody(spec: {
  method: Method;
  body?: z.ZodType;
  rawBody?: { types: readonly string[]; description: string };
}) {
  if (spec.rawBody) {
    const text = { schema: z.string().meta({ description: spec.rawBody.description }) };
    return {
      requestBody: {
        required: true,
        content: Object.fromEntries(spec.rawBody.types.map((type) => [type, text])),
      },
    };
  }
  if (spec.body) return { requestBody: { content: { 'application/json': { schema: spec.body } } } };
  if (spec.method === 'get' || spec.method === 'delete') return {};
  // Nothing to say, but said as JSON (see RouteSpec.rawBody).
  return {
    requestBody: {
      required: true,
      content: { 'application/json': { schema: z.object({}).meta({ description: 'nothing: send {}' }) } },
    },
  };
}

function validate<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): unknown {
  // Checked on a route that reads none too: every route refuses the same input alike.
  const unstorable = unstorableIssues(value, where);
  if (unstorable.length > 0) throw invalidInput(`invalid request: ${describeIssues(unstorable)}`, unstorable);
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, where);
  throw invalidInput(`invalid request: ${describeIssues(issues)}`, issues);
}

/**
 * The query, refused when a parameter of the route is given as an object or a list (`q[a]=b`,
 * `q[]=b`): each takes one value, and a form the parser leaves under another name would
 * otherwise be dropped without a word.
 */
function oneValueEach(schema: AnyObject | undefined, query: unknown): unknown {
  const issues = Object.keys((query ?? {}) as object).flatMap((key) => {
    const name = /^([^[\]]+)\[/.exec(key)?.[1];
    return name !== undefined && schema && Object.hasOwn(schema.shape, name)
      ? [{ path: `query.${name}`, message: `must be one value (${name}=…), not ${key}=…` }]
      : [];
  });
  if (issues.length > 0) throw invalidInput(`invalid request: ${describeIssues(issues)}`, issues);
  return query;
}
