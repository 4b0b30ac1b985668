import { DateTime } from 'luxon';
import {
  ChannelPilotError,
  REFERENCE_ZONE,
  calendarDate,
  localDay,
  messageAddress,
  type AdvisorRoster,
  type Appointment,
  type BookingService,
  type Clock,
  type ConsultationDesk,
  type CustomerDirectory,
  type Locale,
  type Slot,
} from '../../core/index.ts';
import { appointmentMessages, type AppointmentMessages, type When } from './appointment-messages.ts';
import { answering, reply, type IntentHandler, type IntentReply, type TurnRequest } from './conversation.ts';

export const appointmentIntentNames = [
  'BookConsultation',
  'NextAppointment',
  'MoveAppointment',
  'CancelAppointment',
] as const;
export type AppointmentIntentName = (typeof appointmentIntentNames)[number];

const REASON = 'video_consultation';
/** How many free times are offered at once: more is hard to remember when heard. */
const OFFERED = 3;
/** Parts of the day as voice platforms name them, as local hours [from, to). */
const dayParts: Record<string, [number, number]> = { MO: [8, 12], AF: [12, 17], EV: [17, 21], NI: [21, 24] };

type Slots = Partial<Record<string, string>>;
type Picked = { kind: 'ask'; reply: IntentReply } | { kind: 'slot'; startsAt: Date; slots: Slots };

export function createAppointmentIntents(options: {
  booking: BookingService;
  desk: ConsultationDesk;
  advisors: AdvisorRoster;
  customers: CustomerDirectory;
  clock: Clock;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: AppointmentIntentName; customerId: string }) => void;
}): Record<AppointmentIntentName, IntentHandler> {
  const { booking, desk, advisors, customers, clock } = options;
  const when = (at: Date): When => ({ day: calendarDate(at), at });

  const handler =
    (
      intent: AppointmentIntentName,
      answer: (request: TurnRequest, say: AppointmentMessages) => Promise<IntentReply>,
    ): IntentHandler =>
    (request) => {
      const say = appointmentMessages[request.locale];
      return answering(
        () => reply(say.title(), say.apology(), 'failed', REASON),
        (error) => options.onError?.(error, { intent, customerId: request.customerId }),
        () => answer(request, say),
      );
    };
  const ask = (say: AppointmentMessages, text: string, slot: string, slots: Slots): IntentReply =>
    reply(say.title(), text, 'continued', REASON, { kind: 'elicit', slot, slots });

  const upcoming = async (customerId: string) =>
    (await advisors.upcomingAppointments(customerId, clock.now())).filter((a) => a.status === 'booked');

  /** Where the desk sent its notice, so that no customer is told of a message that never went. */
  const mediumOf = async (customerId: string) =>
    (await messageAddress(customers, customerId))?.medium ?? null;

  const freeBetween = (topic: string, locale: Locale, from: Date, to: Date) =>
    booking.slots({ topic, locale, from, to });

  /**
   * Turns the day and time the customer said into a free slot, or the question that gets closer to
   * one: the day when it is missing or unclear, a time among those free that day, or the nearest
   * free times when the one asked for is taken.
   */
  async function pickTime(
    request: TurnRequest,
    say: AppointmentMessages,
    topic: string,
    locale: Locale,
  ): Promise<Picked> {
    const slots = request.slots ?? {};
    const today = calendarDate(clock.now());
    const day = resolveDay(slots.date, today);
    if (day === undefined)
      return {
        kind: 'ask',
        reply: ask(say, slots.date ? say.dayNotUnderstood() : say.askDay(), 'date', {
          ...slots,
          date: undefined,
          time: undefined,
        }),
      };
    if (day < today)
      return {
        kind: 'ask',
        reply: ask(say, say.dayPassed(), 'date', { ...slots, date: undefined, time: undefined }),
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
        reply: ask(say, say.beyondHorizon({ days: horizonDays }), 'date', {
          ...slots,
          date: undefined,
          time: undefined,
        }),
      };
    const free = await freeBetween(topic, locale, from, until);
    const offerTimes = (times: Slot[], text: (free: Date[]) => string) =>
      ask(say, text(times.slice(0, OFFERED).map((s) => s.startsAt)), 'time', {
        ...slots,
        date: day,
        time: undefined,
      });

    if (free.length === 0) {
      // The horizon's last day has no day after it to look in.
      const later = until < horizonEnd ? await freeBetween(topic, locale, until, horizonEnd) : [];
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
  }

  /** A slot taken between the offer and the booking sends the customer back to the free times. */
  const slotTaken = (error: unknown) =>
    error instanceof ChannelPilotError &&
    (error.code === 'conflict' || error.code === 'invalid_input') &&
    error.issues.every((i) => i.path === 'startsAt');

  return {
    BookConsultation: handler('BookConsultation', async (request, say) => {
      const { customerId, locale } = request;
      const slots = request.slots ?? {};
      const today = calendarDate(clock.now());
      const max = booking.rules.maxUpcomingPerCustomer;
      if ((await upcoming(customerId)).length >= max)
        return reply(say.title(), say.tooMany({ max }), 'failed', REASON);
      const topic = slots.topic;
      if (!topic) return ask(say, say.askTopic(), 'topic', slots);
      const served = (await advisors.advisors()).some(
        (a) => a.topics.includes(topic) && (a.languages as string[]).includes(locale),
      );
      if (!served) return ask(say, say.unknownTopic(), 'topic', { ...slots, topic: undefined });
      const picked = await pickTime(request, say, topic, locale);
      if (picked.kind === 'ask') return picked.reply;
      const spokenTopic = say.topic(topic);
      if (request.confirmation !== 'confirmed' && request.confirmation !== 'denied') {
        return reply(
          say.title(),
          say.confirmBook({ topic: spokenTopic, when: when(picked.startsAt), today }),
          'continued',
          REASON,
          { kind: 'confirm', slots: picked.slots },
        );
      }
      if (request.confirmation === 'denied') return reply(say.title(), say.notBooked(), 'abandoned', REASON);
      let appointment: Appointment;
      try {
        appointment = await desk.book({
          customerId,
          topic,
          locale,
          startsAt: picked.startsAt,
          bookedVia: 'voice_assistant',
        });
      } catch (error) {
        if (!slotTaken(error)) throw error;
        const again = await pickTime(request, say, topic, locale);
        if (again.kind === 'ask') return again.reply;
        throw error;
      }
      return reply(
        say.title(),
        say.booked({
          topic: spokenTopic,
          when: when(appointment.startsAt),
          today,
          medium: await mediumOf(customerId),
        }),
        'resolved',
        REASON,
      );
    }),

    NextAppointment: handler('NextAppointment', async ({ customerId }, say) => {
      const [next, ...more] = await upcoming(customerId);
      if (!next) return reply(say.title(), say.none(), 'resolved', REASON);
      const advisor = await advisors.advisor(next.advisorId);
      return reply(
        say.title(),
        say.next({
          topic: say.topic(next.topic),
          when: when(next.startsAt),
          today: calendarDate(clock.now()),
          advisor: advisor?.name ?? '',
          more: more.length,
        }),
        'resolved',
        REASON,
      );
    }),

    MoveAppointment: handler('MoveAppointment', async (request, say) => {
      const [current] = await upcoming(request.customerId);
      if (!current) return reply(say.title(), say.none(), 'resolved', REASON);
      const today = calendarDate(clock.now());
      if (current.startsAt.getTime() - clock.now().getTime() < booking.rules.minimumNoticeMinutes * 60_000) {
        return reply(say.title(), say.tooSoonToMove(), 'failed', REASON, {
          kind: 'offer',
          intent: 'CancelAppointment',
        });
      }
      const picked = await pickTime(request, say, current.topic, current.locale);
      if (picked.kind === 'ask') return picked.reply;
      if (request.confirmation !== 'confirmed' && request.confirmation !== 'denied') {
        return reply(
          say.title(),
          say.confirmMove({ from: when(current.startsAt), to: when(picked.startsAt), today }),
          'continued',
          REASON,
          {
            kind: 'confirm',
            slots: picked.slots,
          },
        );
      }
      if (request.confirmation === 'denied') return reply(say.title(), say.notMoved(), 'abandoned', REASON);
      let moved: Appointment;
      try {
        moved = await desk.reschedule(current.id, picked.startsAt);
      } catch (error) {
        if (!slotTaken(error)) throw error;
        const again = await pickTime(request, say, current.topic, current.locale);
        if (again.kind === 'ask') return again.reply;
        throw error;
      }
      return reply(
        say.title(),
        say.moved({ when: when(moved.startsAt), today, medium: await mediumOf(request.customerId) }),
        'resolved',
        REASON,
      );
    }),

    CancelAppointment: handler('CancelAppointment', async (request, say) => {
      const [current] = await upcoming(request.customerId);
      if (!current) return reply(say.title(), say.none(), 'resolved', REASON);
      const today = calendarDate(clock.now());
      if (request.confirmation !== 'confirmed' && request.confirmation !== 'denied') {
        return reply(
          say.title(),
          say.confirmCancel({ when: when(current.startsAt), today }),
          'continued',
          REASON,
          { kind: 'confirm', slots: {} },
        );
      }
      if (request.confirmation === 'denied')
        return reply(say.title(), say.notCancelled(), 'abandoned', REASON);
      await desk.cancel(current.id, 'cancelled by the customer with the voice assistant');
      return reply(
        say.title(),
        say.cancelled({ medium: await mediumOf(request.customerId) }),
        'resolved',
        REASON,
      );
    }),
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
