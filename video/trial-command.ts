import { ChannelPilotError, type ChannelCommand, type Clock, type Stores } from '../core/index.ts';
import { type Appointment } from '../core/services.ts';

const CONSULTATION_MINUTES = 30;
/** What a trial is booked via, so that trying again finds and replaces it. */
const TRIAL = 'trial';

const minutesAhead = (value: string) => {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 120) {
    throw new ChannelPilotError('invalid_input', 'must be a whole number of minutes from 0 to 120');
  }
  return minutes;
};

/** `channel-pilot video try`: a consultation starting in a few minutes, to try both browser sides. */
export function trialCommand(deps: {
  stores: Pick<Stores, 'advisors' | 'appointments' | 'customers'>;
  clock: Clock;
  publicUrl: string;
  publicUrlLastServed?: boolean | undefined;
  /** The customer's join link of a consultation. */
  joinUrl(appointment: Appointment): string;
}): ChannelCommand {
  const { stores, clock } = deps;
  return {
    name: 'try',
    description:
      'Book a trial consultation starting in a few minutes with the first advisor who has a staff login (the demo’s `advisor`), and print the customer’s join link and the console’s address',
    options: [
      {
        flags: '--in <minutes>',
        description: 'minutes from now until it starts (0–120, default 5)',
        parse: minutesAhead,
      },
    ],
    async run({ options, print }) {
      // The demo ties its first advisor to the `advisor` login.
      const advisor = (await stores.advisors.advisors()).find((a) => a.staffUserId !== null);
      if (!advisor) {
        throw new ChannelPilotError('not_found', 'no advisor has a staff login to take the call with', {
          hint: 'start once with the demo data (npm start), or tie an advisor to a login',
        });
      }
      const now = clock.now();
      const startsAt = new Date(now.getTime() + ((options.in as number | undefined) ?? 5) * 60_000);
      const endsAt = new Date(startsAt.getTime() + CONSULTATION_MINUTES * 60_000);
      // Trying again replaces the trial before, which would otherwise overlap the new one.
      const earlier = await stores.advisors.schedule({
        from: new Date(now.getTime() - CONSULTATION_MINUTES * 60_000),
        to: new Date(now.getTime() + 3 * 3_600_000),
        advisorIds: [advisor.id],
      });
      const replaced = earlier.filter((a) => a.bookedVia === TRIAL && a.status === 'booked');
      for (const trial of replaced) await stores.appointments.cancel(trial.id, 'replaced by a new trial');
      // A trial skips the booking rules (notice, slots): written straight to the roster.
      const { customers } = await stores.customers.search({ limit: 50, offset: 0 });
      const customer = customers.find((c) => (advisor.languages as string[]).includes(c.locale));
      if (!customer)
        throw new ChannelPilotError('not_found', `no customer speaks ${advisor.languages.join(' or ')}`);
      const appointment = await stores.advisors
        .addAppointment({
          customerId: customer.id,
          advisorId: advisor.id,
          topic: advisor.topics[0] as string,
          locale: customer.locale,
          startsAt,
          endsAt,
          bookedVia: TRIAL,
          journeyId: null,
        })
        .catch((error: unknown) => {
          if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
          throw new ChannelPilotError(
            'conflict',
            `${advisor.name} or ${customer.firstName} ${customer.lastName} has a consultation at ${startsAt.toISOString()} already`,
            { hint: 'try another start with --in MINUTES', cause: error },
          );
        });
      print(
        [
          ...(replaced.length > 0
            ? [`Replaced the earlier trial ${replaced.map((t) => t.id).join(', ')}.`]
            : []),
          `Trial consultation ${appointment.id}: ${customer.firstName} ${customer.lastName} (${customer.locale}) with ${advisor.name}, ${startsAt.toISOString()}.`,
          `  advisor: ${deps.publicUrl}/console (log in as that advisor; the demo's is \`advisor\`)`,
          `  customer: ${deps.joinUrl(appointment)}`,
          ...(deps.publicUrlLastServed
            ? [
                `  (links use ${deps.publicUrl}, where the server was last reached; set PUBLIC_URL to change it)`,
              ]
            : []),
        ].join('\n'),
      );
    },
  };
}
