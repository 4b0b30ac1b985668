import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ChannelPilotError, type ErrorCode } from '../../core/index.ts';
import type { Logger } from '../logger.ts';

const statusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details; `code` and `errors` are this API's extensions. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  hint?: string;
  errors?: { path: string; message: string }[];
}

/** The one place errors become HTTP responses: domain codes map to statuses, the rest is a 500 without internals. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let problem: Problem;
    if (error instanceof ChannelPilotError) {
      const status = statusByCode[error.code];
      problem = {
        type: `about:blank`,
        title: titles[status] ?? 'Error',
        status,
        detail: error.message,
        instance: redactLinkTokens(req.originalUrl),
        code: error.code,
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.issues.length ? { errors: error.issues } : {}),
      };
      if (status >= 500) logger.error({ err: error, url: redactLinkTokens(req.originalUrl) }, error.message);
    } else if (isBodyParserError(error)) {
      const status = error.status;
      problem = {
        type: 'about:blank',
        title: titles[status] ?? 'Bad Request',
        status,
        detail: error.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : error.message,
        instance: redactLinkTokens(req.originalUrl),
        code: 'invalid_input',
      };
    } else {
      logger.error({ err: error, url: redactLinkTokens(req.originalUrl) }, 'unhandled error');
      problem = {
        type: 'about:blank',
        title: titles[500] as string,
        status: 500,
        detail: 'something went wrong on our side; it has been logged',
        instance: redactLinkTokens(req.originalUrl),
        code: 'internal',
      };
    }
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}

/** Unknown routes answer in the same problem format. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ChannelPilotError('not_found', `no route for ${req.method} ${req.path}`));
};

function isBodyParserError(error: unknown): error is { status: number; type: string; message: string } {
  const e = error as { status?: unknown; type?: unknown } | null;
  return typeof e?.status === 'number' && typeof e.type === 'string' && e.status >= 400 && e.status < 500;
}

/** A customer link's token is a credential: it never goes into the logs. */
export function redactLinkTokens(url: string): string {
  return url.replace(/(\/api\/links\/[a-z]+\/)[^/?]+/, '$1[redacted]');
}
