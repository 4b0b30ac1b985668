import { ChannelPilotError } from '../errors.ts';

/** Maps constraint violations the database caught to the domain's error codes. */
export function translateDatabaseError(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = (error as { detail?: string; constraint?: string } | null) ?? {};
  const where = detail.detail ?? detail.constraint ?? '';
  switch (code) {
    case '23505':
    case '23P01': // exclusion: overlapping appointments
      return new ChannelPilotError('conflict', `${what} already exists${where ? ` (${where})` : ''}`, {
        cause: error,
      });
    case '23503':
      return new ChannelPilotError(
        'not_found',
        `${what} refers to something that does not exist${where ? ` (${where})` : ''}`,
        {
          cause: error,
        },
      );
    case '23514':
      return new ChannelPilotError(
        'invalid_input',
        `${what} breaks a data rule${where ? ` (${where})` : ''}`,
        { cause: error },
      );
    case '54001': // stack depth: JSON nested too deep to parse
      return new ChannelPilotError('invalid_input', `${what} is nested too deep to store`, { cause: error });
    default:
      // Class 22, data exceptions: text the database cannot hold (a NUL character), a number or a
      // date outside its range, a value not of the column's type. The statement's input caused it.
      if (typeof code === 'string' && code.startsWith('22')) {
        return new ChannelPilotError(
          'invalid_input',
          `${what} is not a value the database can store (SQLSTATE ${code})`,
          { cause: error },
        );
      }
      return error;
  }
}

export async function translating<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error, what);
  }
}
