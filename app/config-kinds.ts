import { z } from 'zod';
import { ClosedDaySpec } from '../core/services.ts';

// The kinds of value settings take, each refused with what it must be.

/** `true`/`false` (or `1`/`0`, `yes`/`no`). */
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** A whole number within bounds; anything else is refused naming the bounds. */
export const whole = (min: number, max: number) => {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.coerce
    .number({ error: range })
    .int({ error: range })
    .min(min, { error: range })
    .max(max, { error: range });
};

/** Closed days, comma-separated (see ClosedDaySpec); a bad one is named by what it says. */
export const closedDays = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const days = value
      .split(',')
      .map((day) => day.trim())
      .filter(Boolean);
    for (const day of days) {
      const checked = ClosedDaySpec.safeParse(day);
      if (!checked.success)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(day)} ${checked.error.issues[0]?.message}`,
        });
    }
    return days;
  });

/** `address@domain`, or `Name <address@domain>`. */
export const MAILBOX = /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
