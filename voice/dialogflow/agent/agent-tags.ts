import type { Locale } from '../../../core/index.ts';
import { builtinEvents } from '../../alexa/alexa-turns.ts';

// How the interaction models' intents become the CX agent's: each custom intent `XIntent` is the
// webhook tag `X`; Alexa's built-ins are the tags of the conversation's events.

/** The webhook tag an interaction model's intent is fulfilled with. */
export function tagOf(alexaIntent: string): string {
  return builtinEvents[alexaIntent as keyof typeof builtinEvents] ?? alexaIntent.replace(/Intent$/, '');
}

/** The CX intent's display name: the tag for custom intents, `builtin.<tag>` for built-ins. */
export function cxIntentName(alexaIntent: string): string {
  return alexaIntent.startsWith('AMAZON.') ? alexaIntent.replace('AMAZON.', 'builtin.') : tagOf(alexaIntent);
}

/**
 * The CX system entity of an Alexa built-in slot type. A code is a sequence of digits (a leading
 * zero matters), a score a number.
 */
export function cxEntityType(slot: { name: string; type: string }): string {
  if (slot.type === 'AMAZON.DATE') return '@sys.date';
  if (slot.type === 'AMAZON.TIME') return '@sys.time';
  if (slot.type === 'AMAZON.NUMBER') return slot.name === 'code' ? '@sys.number-sequence' : '@sys.number';
  return `@${slot.type}`;
}

/**
 * A slot's value as CX resolves it for that entity: `@sys.date` as `{year, month, day}`,
 * `@sys.time` as `{hours, minutes, seconds, nanos}`, `@sys.number` as a number, a custom entity as
 * its value (the interaction model's id); anything CX could not make more of stays text.
 */
export function cxResolvedValue(entityType: string, value: string): unknown {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (entityType === '@sys.date' && date)
    return { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) };
  const time = /^(\d{2}):(\d{2})$/.exec(value);
  if (entityType === '@sys.time' && time)
    return { hours: Number(time[1]), minutes: Number(time[2]), seconds: 0, nanos: 0 };
  if (entityType === '@sys.number' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** The agent's language code of each locale, as CX sends it in `languageCode`. */
export const cxLanguages: Record<Locale, string> = { 'en-US': 'en', 'it-IT': 'it' };
