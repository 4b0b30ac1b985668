import { ChannelPilotError } from '../errors.ts';
import { namedTopics } from '../vocabulary.ts';
import { servedTopics } from '../advisors.ts';
import { calendarDate, type Clock } from '../clock.ts';
import type { AdvisorRoster, Appointment } from '../advisors.ts';
import type { BookingService } from '../booking-service.ts';
import { toldOn, type ConsultationDesk, type DeskChange } from '../consultation-desk.ts';
import { appointmentMessages, type AppointmentMessages } from './appointment-messages.ts';
import {
  intentGroup,
  reply,
  type IntentHandler,
  type IntentReply,
  type TurnRequest,
} from './conversation.ts';
import { createTimePicker, resolveDay, when, type Slots } from './time-picking.ts';

export const appointmentIntentNames = [
  'BookConsultation',
  'NextAppointment',
  'MoveAppointment',
  'CancelAppointment',
] as const;
export type AppointmentIntentName = (typeof appointmentIntentNames)[number];

const REASON = 'video_consultation';

export function createAppointmentIntents(options: {
  booking: BookingService;
  desk: ConsultationDesk;
  advisors: AdvisorRoster;
  clock: Clock;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: AppointmentIntentName; customerId: string }) => void;
  /** The channel a booking is recorded as made on; the voice assistant unless said. */
  bookedVia?: string;
}): Record<AppointmentIntentName, IntentHandler> {
  const { booking, desk, advisors, clock } = options;

  const handler = intentGroup<AppointmentIntentName, AppointmentMessages>({
    messages: appointmentMessages,
    apology: (say) => reply(say.title(), say.apology(), 'failed', REASON),
    onError: options.onError,
  });
  const ask = (say: AppointmentMessages, text: string, slot: string, slots: Slots): IntentReply =>
    reply(say.title(), text, 'continued', REASON, { kind: 'elicit', slot, slots });

  const upcoming = async (customerId: string) =>
    (await advisors.upcomingAppointments(customerId, clock.now())).filter((a) => a.status === 'booked');
  /** The appointment a move or a cancellation is about: the one just talked about, else the next. */
  const concerned = async ({ customerId, appointmentId }: TurnRequest) => {
    const booked = await upcoming(customerId);
    return booked.find((a) => a.id === appointmentId) ?? booked[0];
  };
  /** The booked appointment on the day the customer named ("the one on Monday"), if they named one. */
  const onDayNamed = async (request: TurnRequest) => {
    const day = resolveDay(request.slots?.date, calendarDate(clock.now()));
    if (!day) return undefined;
    return {
      day,
      appointment: (await upcoming(request.customerId)).find((a) => calendarDate(a.startsAt) === day),
    };
  };
  const about = (appointment: Appointment) => ({ about: { appointmentId: appointment.id } });

  const pickTime = createTimePicker({ booking, clock, ask });

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
      const everyone = await advisors.advisors();
      const served = servedTopics(everyone, locale);
      // Nobody holds consultations in the customer's language: there is nothing to choose from.
      if (served.length === 0)
        return reply(say.title(), say.noAdvisorFor({ topic, choices: served }), 'failed', REASON);
      if (!served.includes(topic)) {
        const known = servedTopics(everyone).includes(topic) || namedTopics.includes(topic);
        const said = known
          ? say.noAdvisorFor({ topic, choices: served })
          : say.topicNotUnderstood({ choices: served });
        return ask(say, said, 'topic', { ...slots, topic: undefined });
      }
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
      let change: DeskChange;
      try {
        change = await desk.book({
          customerId,
          topic,
          locale,
          startsAt: picked.startsAt,
          bookedVia: options.bookedVia ?? 'voice_assistant',
        });
      } catch (error) {
        if (!slotTaken(error)) throw error;
        const again = await pickTime(request, say, topic, locale);
        if (again.kind === 'ask') return again.reply;
        throw error;
      }
      return {
        ...reply(
          say.title(),
          say.booked({
            topic: spokenTopic,
            when: when(change.appointment.startsAt),
            today,
            medium: toldOn(change),
          }),
          'resolved',
          REASON,
        ),
        ...about(change.appointment),
        // The turn is placed in its journey after this answer: the consultation joins it then.
        whenLogged: async (turn) => {
          await booking.joinJourney(change.appointment.id, turn.journeyId);
        },
      };
    }),

    NextAppointment: handler('NextAppointment', async ({ customerId }, say) => {
      const [next, ...more] = await upcoming(customerId);
      if (!next) return reply(say.title(), say.none(), 'resolved', REASON);
      const advisor = await advisors.advisor(next.advisorId);
      return {
        ...reply(
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
        ),
        ...about(next),
      };
    }),

    MoveAppointment: handler('MoveAppointment', async (request, say) => {
      const current = await concerned(request);
      if (!current) return reply(say.title(), say.none(), 'resolved', REASON);
      const today = calendarDate(clock.now());
      if (current.startsAt.getTime() - clock.now().getTime() < booking.rules.minimumNoticeMinutes * 60_000) {
        return {
          ...reply(say.title(), say.tooSoonToMove(), 'failed', REASON, {
            kind: 'offer',
            intent: 'CancelAppointment',
          }),
          ...about(current),
        };
      }
      const picked = await pickTime(request, say, current.topic, current.locale, current);
      if (picked.kind === 'ask') return { ...picked.reply, ...about(current) };
      if (request.confirmation !== 'confirmed' && request.confirmation !== 'denied') {
        return {
          ...reply(
            say.title(),
            say.confirmMove({ from: when(current.startsAt), to: when(picked.startsAt), today }),
            'continued',
            REASON,
            { kind: 'confirm', slots: picked.slots },
          ),
          ...about(current),
        };
      }
      if (request.confirmation === 'denied') return reply(say.title(), say.notMoved(), 'abandoned', REASON);
      let moved: DeskChange;
      try {
        moved = await desk.reschedule(current.id, picked.startsAt);
      } catch (error) {
        if (!slotTaken(error)) throw error;
        const again = await pickTime(request, say, current.topic, current.locale, current);
        if (again.kind === 'ask') return { ...again.reply, ...about(current) };
        throw error;
      }
      return {
        ...reply(
          say.title(),
          say.moved({ when: when(moved.appointment.startsAt), today, medium: toldOn(moved) }),
          'resolved',
          REASON,
        ),
        ...about(moved.appointment),
      };
    }),

    CancelAppointment: handler('CancelAppointment', async (request, say) => {
      const today = calendarDate(clock.now());
      const named = await onDayNamed(request);
      if (named && !named.appointment)
        return reply(say.title(), say.noneOn({ day: named.day, today }), 'resolved', REASON);
      const current = named?.appointment ?? (await concerned(request));
      if (!current) return reply(say.title(), say.none(), 'resolved', REASON);
      if (request.confirmation !== 'confirmed' && request.confirmation !== 'denied') {
        return {
          ...reply(
            say.title(),
            say.confirmCancel({ when: when(current.startsAt), today }),
            'continued',
            REASON,
            {
              kind: 'confirm',
              slots: {},
            },
          ),
          ...about(current),
        };
      }
      if (request.confirmation === 'denied')
        return reply(say.title(), say.notCancelled(), 'abandoned', REASON);
      const cancelled = await desk.cancel(current.id, 'cancelled by the customer with the voice assistant');
      return reply(say.title(), say.cancelled({ medium: toldOn(cancelled) }), 'resolved', REASON);
    }),
  };
}
