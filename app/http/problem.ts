import { isUtf8 } from 'node:buffer';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Request } from 'express';
import { ChannelPilotError, errorStatus, invalidInput, translateDatabaseError } from '../../core/index.ts';
import type { Logger } from '../logger.ts';

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
  return (thrown, req, res, _next) => {
    let problem: Problem;
    // A value the database refused (text it cannot store, a number or date out of its range) is the input's fault.
    const error = notAnObject(thrown) ?? translateDatabaseError(thrown, 'a value in the request');
    if (error instanceof ChannelPilotError) {
      const status = errorStatus[error.code];
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
    } else if (isClientError(error)) {
      const status = error.status;
      problem = {
        type: 'about:blank',
        title: titles[status] ?? 'Bad Request',
        status,
        detail: clientErrorDetail(error, req),
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

interface ClientError {
  status: number;
  type?: string;
  message: string;
  /** A body parser's limit, in bytes, when the body was larger. */
  limit?: number;
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;

/**
 * The JSON parser takes only objects and arrays: a body that is valid JSON of another kind
 * (`null`, a string, a number) is refused as such, not as text that does not parse.
 */
function notAnObject(error: unknown): ChannelPilotError | undefined {
  const e = error as { type?: unknown; body?: unknown } | null;
  if (e?.type !== 'entity.parse.failed' || typeof e.body !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(e.body);
  } catch {
    return undefined;
  }
  return bodyNotAnObject(value);
}

/** The error for a JSON body that is not an object: `null`, a string, a number, a boolean or an array. */
export function bodyNotAnObject(value: unknown): ChannelPilotError {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return invalidInput(`the request body must be a JSON object, not ${kind}`, [
    { path: 'body', message: 'must be a JSON object' },
  ]);
}

/** An error Express or its body parsers raised about the request (http-errors with a 4xx status). */
function isClientError(error: unknown): error is ClientError {
  const e = error as { status?: unknown; expose?: unknown } | null;
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false;
}

function clientErrorDetail(error: ClientError, req: Request): string {
  if (error.type === 'entity.parse.failed') return 'the request body is not valid JSON';
  if (error.type === 'entity.too.large' && typeof error.limit === 'number')
    return `the request body is larger than the ${formatBytes(error.limit)} this route takes`;
  const encoding = req.headers['content-encoding'];
  // A decompression failure carries no type of its own.
  if (error.type === undefined && encoding && encoding !== 'identity') return notInItsEncoding(encoding);
  return error.message;
}

/**
 * The JSON parser's check of a body's bytes: UTF-8, as JSON is. Decoded otherwise, a Latin-1 `è`
 * would be stored as a replacement character.
 */
export function requireUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body))
    throw invalidInput(
      'the request body is not UTF-8 text',
      [{ path: 'body', message: 'is not UTF-8 text' }],
      'send JSON encoded as UTF-8',
    );
}

/** Why a body that does not decode as its Content-Encoding says is refused (JSON bodies and streamed ones alike). */
export const notInItsEncoding = (encoding: string) =>
  `the request body is not ${encoding} as its Content-Encoding header says`;

/**
 * Answers 400 to a path or a query that is not valid percent-encoded UTF-8 (the query parser
 * would keep such a value as it is, or drop it), or to a path that holds a NUL character (no
 * name or id of the product does, and the database stores none), before any route decodes them.
 */
export const checkRequestPath: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  const query = at === -1 ? [] : req.originalUrl.slice(at + 1).split(/[&=]/);
  const where = malformed([req.path]) ? 'path' : malformed(query) ? 'query' : null;
  if (where !== null) {
    next(
      new ChannelPilotError('invalid_input', `the ${where} has a malformed percent-encoding`, {
        hint: 'encode each byte of UTF-8 as %XX, and a literal % as %25',
      }),
    );
    return;
  }
  const nul = 'contains a NUL character (%00)';
  next(
    decodeURIComponent(req.path).includes('\0')
      ? invalidInput(`the path ${nul}`, [{ path: 'path', message: nul }])
      : undefined,
  );
};

/** Whether any of the texts is not valid percent-encoded UTF-8. */
function malformed(texts: readonly string[]): boolean {
  return texts.some((text) => {
    try {
      decodeURIComponent(text);
      return false;
    } catch {
      return true;
    }
  });
}

/** A customer link's token is a credential: it never goes into the logs. */
export function redactLinkTokens(url: string): string {
  return url.replace(CUSTOMER_LINK_TOKEN, '$1[redacted]');
}

/**
 * The token in a customer link's address (/join/…, /reschedule/…, /cancel/…, /book/…, a bill's
 * /b/…, /pay/…, the development checkout's /dev-pay/…, a chat's /chat/continue/…,
 * /api/links/<action>/…): it opens the customer's consultation, payment page or conversation, so
 * it is kept out of logs and problem documents, and hidden from staff.
 */
export const CUSTOMER_LINK_TOKEN =
  /(\/api\/links\/[a-z]+\/|\/(?:join|reschedule|cancel|book)\/|\/b\/|\/pay\/|\/dev-pay\/|\/chat\/continue\/)[\w.~%-]+/g;
