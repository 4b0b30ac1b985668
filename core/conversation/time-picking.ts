import { DateTime } from 'luxon';
import { REFERENCE_ZONE, calendarDate, type Clock } from '../clock.ts';
import type { Appointment } from '../advisors.ts';
import { localDay, type Slot } from '../booking.ts';
import type { BookingService } from '../booking-service.ts';
import type { Locale } from '../vocabulary.ts';
import type { AppointmentMessages, When } from './appointment-messages.ts';
import type { IntentReply, TurnRequest } from './conversation.ts';

/** How many free times are offered at once: more is hard to remember when heard. */
const OFFERED = 3;
/** Parts of the day as voice platforms name them, as local hours [from, to). */
const dayParts: Record<string, [number, number]> = { MO: [8, 12], AF: [12, 17], EV: [17, 21], NI: [21, 24] };

/** Slot values gathered so far, by slot name. */
export type Slots = Partial<Record<string, string>>;

/** A moment as the messages say it: its calendar day in the reference zone, and the time. */
export const when = (at: Date): When => ({ day: calendarDate(at), at });

/** A free slot the customer named, or the question that gets closer to one. */
export type Picked = { kind: 'ask'; reply: IntentReply } | { kind: 'slot'; startsAt: Date; slots: Slots };

/** The day-and-time part of booking and moving a consultation by voice. */
export function createTimePicker(options: {
  booking: BookingService;
  clock: Clock;
  /** Asks for one slot, keeping the others gathered so far. */
  ask: (say: AppointmentMessages, text: string, slot: string, slots: Slots) => IntentReply;
}) {
  const { booking, clock, ask } = options;
  const freeBetween = (topic: string, locale: Locale, from: Date, to: Date, moving?: string) =>
    booking.slots({ topic, locale, from, to, moving });

  /**
   * Turns the day and time the customer said into a free slot, or the question that gets closer to
   * one: the day when it is missing or unclear, a time among those free that day, or the nearest
   * free times when the one asked for is taken.
   */
  return async function pickTime(
    request: TurnRequest,
    say: AppointmentMessages,
    topic: string,
    locale: Locale,
    /**
     * When moving, the appointment as it is: the questions speak of moving it, and the times free
     * to it are those it may move to.
     */
    moving?: Pick<Appointment, 'id' | 'startsAt'>,
  ): Promise<Picked> {
    const slots = request.slots ?? {};
    const today = calendarDate(clock.now());
    const day = resolveDay(slots.date, today);
    const firstQuestion = moving ? say.askMoveDay({ from: when(moving.startsAt), today }) : say.askDay();
    if (day === undefined)
      return {
        kind: 'ask',
        reply: ask(say, slots.date ? say.dayNotUnderstood() : firstQuestion, 'date', {
          ...slots,
          date: undefined,
          time: undefined,
        }),
      };
    if (day < today)
      return {
        kind: 'ask',
        reply: ask(say, say.dayPassed({ moving: Boolean(moving) }), 'date', {
          ...slots,
          date: undefined,
          time: undefined,
        }),
      };
    const { from, until } = localDay(
      DateTime.fromISO(day, { zone: REFERENCE_ZONE }).toJSDate(),
      REFERENCE_ZONE,
    );
    const horizonDays = booking.rules.horizonDays;
    const horizonEnd = new Date(clock.now().getTime() + horizonDays * 86_400_000);
    if (from >= horizonEnd)
      return {
        kind: 'ask',
        reply: ask(say, say.beyondHorizon({ days: horizonDays, moving: Boolean(moving) }), 'date', {
          ...slots,
          date: undefined,
          time: undefined,
        }),
      };
    const free = await freeBetween(topic, locale, from, until, moving?.id);
    const offerTimes = (times: Slot[], text: (free: Date[]) => string) =>
      ask(say, text(times.slice(0, OFFERED).map((s) => s.startsAt)), 'time', {
        ...slots,
        date: day,
        time: undefined,
      });

    if (free.length === 0) {
      // The horizon's last day has no day after it to look in.
      const later = until < horizonEnd ? await freeBetween(topic, locale, until, horizonEnd, moving?.id) : [];
      const first = later[0];
      if (!first)
        return {
          kind: 'ask',
          reply: ask(say, say.nothingNear(), 'date', { ...slots, date: undefined, time: undefined }),
        };
      const firstDay = calendarDate(first.startsAt);
      const sameDay = later.filter((s) => calendarDate(s.startsAt) === firstDay).slice(0, OFFERED);
      return {
        kind: 'ask',
        reply: ask(say, say.noSlotsOn({ day, today, next: sameDay.map((s) => when(s.startsAt)) }), 'time', {
          ...slots,
          date: firstDay,
          time: undefined,
        }),
      };
    }
    const part = slots.time ? dayParts[slots.time] : undefined;
    if (!slots.time || part) {
      const inPart = part ? free.filter((s) => within(s.startsAt, part)) : free;
      return {
        kind: 'ask',
        reply: offerTimes(inPart.length > 0 ? inPart : free, (times) =>
          say.askTime({ day, today, free: times }),
        ),
      };
    }
    const startsAt = /^\d{1,2}:\d{2}$/.test(slots.time)
      ? DateTime.fromISO(`${day}T${slots.time.padStart(5, '0')}`, { zone: REFERENCE_ZONE })
      : undefined;
    if (!startsAt?.isValid)
      return { kind: 'ask', reply: offerTimes(free, (times) => say.askTime({ day, today, free: times })) };
    const asked = startsAt.toJSDate();
    if (free.some((s) => s.startsAt.getTime() === asked.getTime()))
      return { kind: 'slot', startsAt: asked, slots: { ...slots, date: day } };
    const distance = (s: Slot) => Math.abs(s.startsAt.getTime() - asked.getTime());
    const nearest = [...free]
      .sort((a, b) => distance(a) - distance(b))
      .slice(0, OFFERED)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    return {
      kind: 'ask',
      reply: offerTimes(nearest, (times) => say.taken({ when: when(asked), today, free: times })),
    };
  };
}

/**
 * The calendar day a platform's date value names: a day as is, a week as its first day still to
 * come, a month as its first day still to come. Undefined when there is none or it is not a date.
 */
export function resolveDay(value: string | undefined, today: string): string | undefined {
  if (!value) return undefined;
  const notBefore = (day: DateTime) => {
    const iso = day.toISODate();
    if (!day.isValid || !iso) return undefined;
    return iso < today && value.length < 10 ? today : iso;
  };
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return notBefore(DateTime.fromISO(value));
  const week = /^(\d{4})-W(\d{2})$/.exec(value);
  if (week)
    return notBefore(
      DateTime.fromObject({ weekYear: Number(week[1]), weekNumber: Number(week[2]), weekday: 1 }),
    );
  if (/^\d{4}-\d{2}$/.test(value)) return notBefore(DateTime.fromISO(`${value}-01`));
  return undefined;
}

function within(at: Date, [from, to]: [number, number]): boolean {
  const hour = DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).hour;
  return hour >= from && hour < to;
}
