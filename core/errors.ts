/** The closed set of failure kinds every layer branches on. */
export const errorCodes = [
  'invalid_input',
  'not_found',
  'conflict',
  'rate_limited',
  'unauthenticated',
  'forbidden',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The HTTP status each kind of failure answers with, wherever it is answered. */
export const errorStatus: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** One problem with one field of an input, named by its path (`consents.0.channel`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The one error type the domain throws. Callers branch on `code`, never on `message`;
 * `hint` tells a person what to do about it, `issues` lists every bad field.
 */
export class ChannelPilotError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly issues: FieldIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; hint?: string; issues?: FieldIssue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ChannelPilotError';
    this.code = code;
    this.hint = options.hint;
    this.issues = options.issues ?? [];
  }
}

export function notFound(what: string, id: string): ChannelPilotError {
  return new ChannelPilotError('not_found', `${what} ${id} does not exist`);
}

export function invalidInput(message: string, issues: FieldIssue[] = [], hint?: string): ChannelPilotError {
  return new ChannelPilotError('invalid_input', message, hint === undefined ? { issues } : { issues, hint });
}
