import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  ChannelPilotError,
  IsoDateTime,
  REFERENCE_ZONE,
  Uuid,
  invalidInput,
  notFound,
  type Clock,
  type Interaction,
  type Outcome,
  type SignedLinks,
  type StaffUser,
  type RouteKit,
  type Stores,
} from '../core/index.ts';
import { consultationEntry, type Appointment, type PaymentLinks } from '../core/services.ts';
import { AppointmentSchema, InteractionSchema } from '../core/index.ts';
import { ById, ByToken, createRecordLookups } from '../core/index.ts';

// What the advisor console and the customer's consultation page do around a call: the
// advisor's calendar, the customer's rating, the advisor's wrap-up and a payment link.

/** The console shows two weeks unless asked otherwise, and at most about two months at once. */
const DEFAULT_RANGE_DAYS = 14;
const MAX_RANGE_DAYS = 62;

const ScheduledAppointmentSchema = AppointmentSchema.extend({
  customerName: z.string(),
  advisorName: z.string(),
}).meta({ id: 'ScheduledAppointment', description: 'An appointment with the names of whom it is with.' });

const RatingSchema = z
  .object({
    metric: z.enum(['nps', 'csat']),
    score: z.number().int(),
    comment: z.string().nullable(),
    answeredAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'ConsultationRating', description: 'One answer of the customer’s rating of a consultation.' });

const wrapUpOutcomes = ['resolved', 'follow_up', 'handed_off'] as const;

export function registerConsultationRoutes(
  api: RouteKit,
  deps: { stores: Stores; links: SignedLinks; paymentLinks: PaymentLinks; clock: Clock },
): void {
  const { stores, links, paymentLinks, clock } = deps;
  const find = createRecordLookups(stores);

  /**
   * The consultation's entry in the customer's journey. The lifecycle writes it once LiveKit
   * reports that a side left, so for a few seconds after a call it is not there yet.
   */
  const journeyEntry = async (appointment: Appointment): Promise<Interaction> => {
    const entry = await consultationEntry(stores.interactions, appointment.id);
    if (entry) return entry;
    if (appointment.status === 'cancelled') {
      throw new ChannelPilotError(
        'conflict',
        `consultation ${appointment.id} was cancelled: there was no call`,
      );
    }
    const ended = appointment.status === 'completed' || appointment.status === 'no_show';
    // Not yet, rather than never: 503, which the pages retry.
    throw new ChannelPilotError(
      'unavailable',
      ended
        ? `consultation ${appointment.id} is still being closed`
        : `the call of consultation ${appointment.id} has not ended yet`,
      { hint: 'retry in a few seconds, once the call has ended' },
    );
  };

  api.route({
    method: 'get',
    path: '/api/appointments',
    summary:
      'Consultations in a time range (from the start of today in Rome, 14 days, by default; at most 62 days), by start time: an advisor’s own, or anyone’s for admins',
    tag: 'appointments',
    permission: 'customers:read',
    query: z.object({
      from: IsoDateTime.optional(),
      to: IsoDateTime.optional(),
      advisorId: Uuid.optional(),
    }),
    response: z.array(ScheduledAppointmentSchema),
    async handler({ query, staff }) {
      const from = query.from
        ? DateTime.fromISO(query.from, { zone: REFERENCE_ZONE })
        : DateTime.fromJSDate(clock.now(), { zone: REFERENCE_ZONE }).startOf('day');
      const to = query.to
        ? DateTime.fromISO(query.to, { zone: REFERENCE_ZONE })
        : from.plus({ days: DEFAULT_RANGE_DAYS });
      if (to <= from) {
        throw invalidInput('invalid request: query.to must be after from', [
          { path: 'query.to', message: 'must be after from' },
        ]);
      }
      // 62 days on Rome's calendar or of 24 hours, whichever is longer: a range between two Rome
      // midnights and one between two UTC instants both pass across a change to or from summer time.
      const longest = Math.max(
        from.plus({ days: MAX_RANGE_DAYS }).toMillis(),
        from.toMillis() + MAX_RANGE_DAYS * 86_400_000,
      );
      if (to.toMillis() > longest) {
        throw invalidInput(
          `invalid request: query.to must be at most ${MAX_RANGE_DAYS} days after from`,
          [{ path: 'query.to', message: `must be at most ${MAX_RANGE_DAYS} days after from` }],
          'ask for the range in several parts',
        );
      }
      const user = staff as StaffUser;
      const advisors = await stores.advisors.advisors();
      const own = advisors.filter((a) => a.staffUserId === user.id).map((a) => a.id);
      let advisorIds: string[] | undefined;
      if (query.advisorId) {
        if (!advisors.some((a) => a.id === query.advisorId)) throw notFound('advisor', query.advisorId);
        if (user.role !== 'admin' && !own.includes(query.advisorId)) {
          throw new ChannelPilotError(
            'forbidden',
            `the consultations of advisor ${query.advisorId} are for that advisor (and admins)`,
          );
        }
        advisorIds = [query.advisorId];
      } else if (user.role !== 'admin') {
        if (own.length === 0) {
          throw new ChannelPilotError('forbidden', 'your login is not tied to an advisor', {
            hint: 'an admin ties staff logins to advisors',
          });
        }
        advisorIds = own;
      }
      return stores.advisors.schedule({
        from: from.toJSDate(),
        to: to.toJSDate(),
        ...(advisorIds ? { advisorIds } : {}),
      });
    },
  });

  api.route({
    method: 'post',
    path: '/api/links/join/:token/survey',
    summary:
      'The customer rates the consultation a join link belongs to (NPS 0–10, CSAT 1–5, a comment), once, after the call',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    body: z.object({
      nps: z.number().int({ error: 'must be a whole number' }).min(0).max(10),
      csat: z.number().int({ error: 'must be a whole number' }).min(1).max(5),
      comment: z.string().trim().max(2000).optional(),
    }),
    response: z.array(RatingSchema),
    status: 201,
    async handler({ params, body }) {
      const appointment = await find.appointment(links.verify(params.token, 'join', clock.now()).subject);
      const entry = await journeyEntry(appointment);
      const rated = () =>
        new ChannelPilotError('conflict', `consultation ${appointment.id} has already been rated`);
      if ((await stores.surveys.forInteraction(entry.id)).length > 0) throw rated();
      const answeredAt = clock.now();
      try {
        // Both answers or neither; of two ratings submitted at once, the (interaction, metric) key
        // lets the first through.
        const answers = await stores.surveys.recordAll([
          {
            interactionId: entry.id,
            metric: 'nps',
            score: body.nps,
            comment: body.comment || null,
            answeredAt,
          },
          { interactionId: entry.id, metric: 'csat', score: body.csat, comment: null, answeredAt },
        ]);
        // Anyone holding the link sees this: the answers, and nothing of the records behind them.
        return answers.map(({ metric, score, comment, answeredAt: at }) => ({
          metric,
          score,
          comment,
          answeredAt: at,
        }));
      } catch (error) {
        if (error instanceof ChannelPilotError && error.code === 'conflict') throw rated();
        throw error;
      }
    },
  });

  api.route({
    method: 'post',
    path: '/api/appointments/:id/wrap-up',
    summary:
      'The assigned advisor records how the consultation ended and their notes on its journey entry; a second wrap-up replaces the first',
    tag: 'video',
    permission: 'customers:write',
    params: ById,
    body: z.object({
      outcome: z.enum(wrapUpOutcomes),
      notes: z.string().trim().max(4000),
    }),
    response: InteractionSchema,
    async handler({ params, body, staff }) {
      const { appointment } = await find.assignedAppointment(params.id, staff);
      const entry = await journeyEntry(appointment);
      // Handing off changes the contact's outcome; a corrected wrap-up puts back what the call itself was.
      const before = entry.details.outcomeBeforeWrapUp;
      const lifecycleOutcome = typeof before === 'string' ? (before as Outcome) : entry.outcome;
      return stores.interactions.amend(entry.id, {
        outcome: body.outcome === 'handed_off' ? 'handed_off' : lifecycleOutcome,
        details: {
          wrapUp: {
            outcome: body.outcome,
            notes: body.notes,
            by: (staff as StaffUser).id,
            at: clock.now().toISOString(),
          },
          outcomeBeforeWrapUp: lifecycleOutcome,
        },
      });
    },
  });

  api.route({
    method: 'post',
    path: '/api/customers/:id/payment-link',
    summary:
      'Send the customer a link to pay what they owe (valid 7 days) on their preferred consented medium; opening it continues the journey of the given contact',
    tag: 'customers',
    permission: 'customers:write',
    params: ById,
    body: z.object({ fromInteractionId: Uuid }),
    response: z.object({
      medium: z.enum(['email', 'sms']),
      url: z.url(),
      alreadySent: z.boolean().meta({
        description:
          'this contact’s link went out before: nothing new was sent, and `url` is not the one the customer has',
      }),
    }),
    status: 201,
    async handler({ params, body }) {
      const customer = await find.customer(params.id);
      const from = await stores.interactions.interaction(body.fromInteractionId);
      if (from?.customerId !== customer.id) {
        throw invalidInput(
          `invalid request: body.fromInteractionId is not one of customer ${customer.id}'s contacts`,
          [{ path: 'body.fromInteractionId', message: "is not one of this customer's contacts" }],
        );
      }
      const sent = await paymentLinks.send({ customerId: customer.id, fromInteractionId: from.id });
      if (!sent) {
        throw new ChannelPilotError(
          'conflict',
          `customer ${customer.id} may not be messaged: no e-mail or SMS they consented to be contacted on`,
          { hint: 'record the customer’s consent to be contacted by e-mail or SMS, with the address, first' },
        );
      }
      return sent;
    },
  });
}
