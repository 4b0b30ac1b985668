import { servedTopics, type Advisor, type AdvisorRoster, type Appointment } from './advisors.ts';
import {
  BookingRequest,
  BookingRules,
  SlotQuery,
  blockedTime,
  localDay,
  rankAdvisors,
  workingSlots,
  type AdvisorOverride,
  type AppointmentBook,
  type BusyPeriod,
  type Moved,
  type Slot,
} from './booking.ts';
import type { Clock } from './clock.ts';
import type { ClosedDay } from './holidays.ts';
import { ChannelPilotError, invalidInput, notFound } from './errors.ts';
import { parseInput } from './validation.ts';

const DAY_MS = 86_400_000;

export interface BookingService {
  rules: BookingRules;
  /**
   * Free slots for a topic and language, soonest first, within notice and horizon; with `moving`,
   * the slots that appointment may move to (the ones `reschedule` takes).
   */
  slots(query: SlotQuery): Promise<Slot[]>;
  /** The free slots nearest to `at` (before or after), nearest first. */
  nearest(query: Omit<SlotQuery, 'from' | 'to'> & { at: Date }, count: number): Promise<Slot[]>;
  /** Books the slot starting at `startsAt` with the advisor the assignment rule picks. */
  book(request: BookingRequest): Promise<Appointment>;
  /**
   * A consultation with this advisor starting now (a chat that turns into a call): no notice and
   * no slot grid, but the advisor must be free for it, under the daily cap and serve the topic
   * (`invalid_input` naming it otherwise).
   */
  bookNow(request: Omit<BookingRequest, 'startsAt'> & { advisorId: string }): Promise<Appointment>;
  reschedule(appointmentId: string, startsAt: Date): Promise<Moved>;
  cancel(appointmentId: string, reason: string): Promise<Appointment>;
  /** See {@link AppointmentBook.joinJourney}. */
  joinJourney(appointmentId: string, journeyId: string): Promise<Appointment | undefined>;
}

export function createBookingService(options: {
  advisors: AdvisorRoster;
  book: AppointmentBook;
  clock: Clock;
  rules?: Partial<BookingRules>;
  /**
   * Days nobody works unless their own override says otherwise (public holidays, the operator's
   * closed days): the closure of a day, or undefined (createClosedDays).
   */
  closedOn?: (day: string) => ClosedDay | undefined;
}): BookingService {
  const { advisors, book, clock } = options;
  const closedOn = options.closedOn ?? (() => undefined);
  const rules = BookingRules.parse(options.rules ?? {});
  const slotMs = rules.slotMinutes * 60_000;

  const serving = async (topic: string, locale: string) =>
    (await advisors.advisors()).filter(
      (a) => a.topics.includes(topic) && (a.languages as string[]).includes(locale),
    );

  /**
   * Whether the advisor works on `day` and by which hours: their own for that day if set (they
   * stand on a closed day too), else their usual hours unless the day is closed.
   */
  function hoursOn(advisor: Advisor, day: string, overrides: readonly AdvisorOverride[]) {
    const override = overrides.find((o) => o.advisorId === advisor.id && o.day === day);
    return { works: override !== undefined || !closedOn(day), override };
  }

  /**
   * Every free slot of these advisors starting in [from, to). `moving`: an appointment being
   * moved, which neither blocks its own time nor counts for the day.
   */
  async function freeSlots(candidates: Advisor[], from: Date, to: Date, moving?: string): Promise<Slot[]> {
    if (candidates.length === 0 || from >= to) return [];
    const ids = candidates.map((a) => a.id);
    const margin = DAY_MS * 2;
    const busy = (
      await book.busy(ids, new Date(from.getTime() - margin), new Date(to.getTime() + margin))
    ).filter((b) => b.appointmentId !== moving);
    const overrides = await book.overrides(
      ids,
      isoDay(from.getTime() - margin),
      isoDay(to.getTime() + margin),
    );
    // Slot start → the advisors free for it, each with their load that day.
    const bySlot = new Map<number, { id: string; load: number }[]>();
    const loads = new Map<string, number>();
    const load = (advisorId: string, day: string) => loads.get(`${advisorId}|${day}`) ?? 0;
    for (const period of busy) {
      const advisor = candidates.find((a) => a.id === period.advisorId) as Advisor;
      const key = `${period.advisorId}|${localDay(period.startsAt, advisor.timeZone).day}`;
      loads.set(key, (loads.get(key) ?? 0) + 1);
    }
    for (const advisor of candidates) {
      const own = busy.filter((b) => b.advisorId === advisor.id);
      for (const day of localDays(from, to, advisor.timeZone)) {
        const dayLoad = load(advisor.id, day);
        if (dayLoad >= rules.dailyCapPerAdvisor) continue;
        const { works, override } = hoursOn(advisor, day, overrides);
        if (!works) continue;
        for (const slot of workingSlots(advisor, day, rules, override)) {
          if (slot.startsAt < from || slot.startsAt >= to) continue;
          const blocked = blockedTime(slot.startsAt, slot.endsAt, rules);
          if (own.some((b) => overlaps(blocked, b))) continue;
          const list = bySlot.get(slot.startsAt.getTime()) ?? [];
          list.push({ id: advisor.id, load: dayLoad });
          bySlot.set(slot.startsAt.getTime(), list);
        }
      }
    }
    const lastBookedAt = new Map<string, number>();
    for (const b of busy)
      lastBookedAt.set(b.advisorId, Math.max(lastBookedAt.get(b.advisorId) ?? 0, b.createdAt.getTime()));
    return [...bySlot.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, free]) => {
        const loads = new Map(free.map((f) => [f.id, f.load]));
        return {
          startsAt: new Date(start),
          endsAt: new Date(start + slotMs),
          advisorIds: rankAdvisors(
            free.map((f) => f.id),
            (id) => loads.get(id) ?? 0,
            (id) => lastBookedAt.get(id) ?? 0,
          ),
        };
      });
  }

  /** Refuses a start time that is past, too soon or too far ahead, naming the rule. */
  function checkWindow(startsAt: Date): void {
    const now = clock.now().getTime();
    const issue = (message: string) =>
      invalidInput(`cannot book at ${startsAt.toISOString()}: ${message}`, [{ path: 'startsAt', message }]);
    if (startsAt.getTime() <= now) throw issue('that time has passed');
    if (startsAt.getTime() < now + rules.minimumNoticeMinutes * 60_000) {
      throw issue(`bookings need ${rules.minimumNoticeMinutes} minutes' notice`);
    }
    if (startsAt.getTime() > now + rules.horizonDays * DAY_MS) {
      throw issue(`bookings open ${rules.horizonDays} days ahead at most`);
    }
  }

  /** The free advisors for exactly this slot, or why there are none. */
  async function advisorsFor(candidates: Advisor[], startsAt: Date, moving?: string): Promise<string[]> {
    const [slot] = await freeSlots(candidates, startsAt, new Date(startsAt.getTime() + 1), moving);
    if (slot) return slot.advisorIds;
    // Whether an advisor works then, and whether their usual hours alone would have offered it.
    const day = (advisor: Advisor) => localDay(startsAt, advisor.timeZone).day;
    const days = candidates.map(day).sort();
    const overrides = days.length
      ? await book.overrides(
          candidates.map((a) => a.id),
          days[0] as string,
          days.at(-1) as string,
        )
      : [];
    const starts = (advisor: Advisor, override?: AdvisorOverride) =>
      workingSlots(advisor, day(advisor), rules, override).some(
        (s) => s.startsAt.getTime() === startsAt.getTime(),
      );
    const offered = candidates.some((advisor) => {
      const { works, override } = hoursOn(advisor, day(advisor), overrides);
      return works && starts(advisor, override);
    });
    const closed = candidates
      .filter((advisor) => starts(advisor))
      .map((advisor) => closedOn(day(advisor)))
      .find((closure) => closure !== undefined);
    if (!offered && closed) {
      throw invalidInput(
        `no consultation starts at ${startsAt.toISOString()}: ${closed.day} is ${closed.name}, a closed day`,
        [{ path: 'startsAt', message: `falls on a closed day (${closed.name})` }],
      );
    }
    if (!offered) {
      throw invalidInput(
        `no consultation starts at ${startsAt.toISOString()}: outside advisors' hours or off the slot grid`,
        [{ path: 'startsAt', message: 'is not a slot advisors offer' }],
      );
    }
    throw new ChannelPilotError('conflict', `the slot at ${startsAt.toISOString()} is taken`, {
      hint: 'choose another of the free slots',
    });
  }

  /** Tries the ranked advisors in turn: another request may take one between the read and the write. */
  async function firstThatHolds<T>(ranked: string[], attempt: (advisorId: string) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const advisorId of ranked) {
      try {
        return await attempt(advisorId);
      } catch (error) {
        // Only an advisor's conflict sends us to the next advisor; one about the customer stands.
        if (!(error instanceof ChannelPilotError && error.code === 'conflict') || error.issues.length > 0)
          throw error;
        lastError = error;
      }
    }
    throw new ChannelPilotError('conflict', 'the slot was taken a moment ago', {
      cause: lastError,
      hint: 'choose another of the free slots',
    });
  }

  const guards = (advisorId: string, candidates: Advisor[], startsAt: Date) => {
    const endsAt = new Date(startsAt.getTime() + slotMs);
    const { from, until } = localDay(startsAt, zoneOf(candidates, advisorId));
    return {
      endsAt,
      blocked: blockedTime(startsAt, endsAt, rules),
      day: { from, until, dailyCap: rules.dailyCapPerAdvisor },
    };
  };

  return {
    rules,

    async slots(query) {
      const q = parseInput(SlotQuery, query, 'slot query');
      const now = clock.now().getTime();
      const from = new Date(Math.max(q.from.getTime(), now + rules.minimumNoticeMinutes * 60_000));
      const to = new Date(Math.min(q.to.getTime(), now + rules.horizonDays * DAY_MS));
      return freeSlots(await serving(q.topic, q.locale), from, to, q.moving);
    },

    async nearest(query, count) {
      const span = 3 * DAY_MS;
      const around = await this.slots({
        ...query,
        from: new Date(query.at.getTime() - span),
        to: new Date(query.at.getTime() + span),
      });
      const distance = (s: Slot) => Math.abs(s.startsAt.getTime() - query.at.getTime());
      return around
        .sort((a, b) => distance(a) - distance(b) || a.startsAt.getTime() - b.startsAt.getTime())
        .slice(0, count);
    },

    async book(request) {
      const r = parseInput(BookingRequest, request, 'booking');
      checkWindow(r.startsAt);
      const candidates = await serving(r.topic, r.locale);
      if (candidates.length === 0) {
        throw invalidInput(`no advisor serves ${r.topic} in ${r.locale}`, [
          { path: 'topic', message: `no advisor serves it in ${r.locale}` },
        ]);
      }
      const ranked = await advisorsFor(candidates, r.startsAt);
      return firstThatHolds(ranked, (advisorId) => {
        const g = guards(advisorId, candidates, r.startsAt);
        return book.book({
          appointment: { ...r, advisorId, endsAt: g.endsAt },
          blocked: g.blocked,
          day: g.day,
          upcoming: { now: clock.now(), max: rules.maxUpcomingPerCustomer },
        });
      });
    },

    async bookNow(request) {
      const r = parseInput(BookingRequest, { ...request, startsAt: clock.now() }, 'booking');
      const advisor = await advisors.advisor(request.advisorId);
      if (!advisor) throw notFound('advisor', request.advisorId);
      // A topic nobody holds consultations on would make an appointment no slot list or report knows.
      if (!advisor.topics.includes(r.topic)) {
        const served = servedTopics(await advisors.advisors());
        throw invalidInput(
          served.includes(r.topic)
            ? `the advisor does not hold consultations on the topic ${r.topic}; they serve ${advisor.topics.join(', ')}`
            : `no advisor holds consultations on the topic ${r.topic}; the topics are ${served.join(', ')}`,
          [{ path: 'topic', message: `must be one of ${advisor.topics.join(', ')}` }],
        );
      }
      const g = guards(advisor.id, [advisor], r.startsAt);
      return book.book({
        appointment: { ...r, advisorId: advisor.id, endsAt: g.endsAt },
        blocked: g.blocked,
        day: g.day,
        upcoming: { now: r.startsAt, max: rules.maxUpcomingPerCustomer },
      });
    },

    async reschedule(appointmentId, startsAt) {
      const current = await bookedAppointment(appointmentId);
      // Close to the start, links and perhaps the room are out: too late to move, cancel instead.
      if (current.startsAt.getTime() - clock.now().getTime() < rules.minimumNoticeMinutes * 60_000) {
        throw new ChannelPilotError('conflict', `appointment ${appointmentId} starts too soon to be moved`, {
          hint: 'cancel it and book another slot',
        });
      }
      checkWindow(startsAt);
      const candidates = await serving(current.topic, current.locale);
      // The same advisor when free: the customer may have asked for them.
      const ranked = await advisorsFor(candidates, startsAt, appointmentId);
      const order = ranked.includes(current.advisorId)
        ? [current.advisorId, ...ranked.filter((id) => id !== current.advisorId)]
        : ranked;
      return firstThatHolds(order, (advisorId) => {
        const g = guards(advisorId, candidates, startsAt);
        return book.move(appointmentId, {
          advisorId,
          startsAt,
          endsAt: g.endsAt,
          blocked: g.blocked,
          day: g.day,
        });
      });
    },

    async cancel(appointmentId, reason) {
      await bookedAppointment(appointmentId);
      if (!reason.trim())
        throw invalidInput('say why the appointment is cancelled', [
          { path: 'reason', message: 'is required' },
        ]);
      return book.cancel(appointmentId, reason.trim());
    },

    joinJourney: (appointmentId, journeyId) => book.joinJourney(appointmentId, journeyId),
  };

  async function bookedAppointment(id: string): Promise<Appointment> {
    const appointment = await book.appointment(id);
    if (!appointment) throw notFound('appointment', id);
    if (appointment.status !== 'booked') {
      throw new ChannelPilotError(
        'conflict',
        `appointment ${id} is ${appointment.status.replace('_', ' ')}, not booked`,
      );
    }
    return appointment;
  }
}

function overlaps(a: { from: Date; until: Date }, b: BusyPeriod): boolean {
  return a.from < b.blockedUntil && b.blockedFrom < a.until;
}

function zoneOf(advisors: Advisor[], id: string): string {
  return advisors.find((a) => a.id === id)?.timeZone ?? 'UTC';
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The local calendar days in `zone` touched by [from, to). */
function localDays(from: Date, to: Date, zone: string): string[] {
  const days: string[] = [];
  let cursor = localDay(from, zone);
  while (cursor.from < to) {
    days.push(cursor.day);
    cursor = localDay(cursor.until, zone);
  }
  return days;
}
