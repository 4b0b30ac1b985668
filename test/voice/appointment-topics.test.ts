import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AdvisorRoster } from '../../core/advisors.ts';
import type { BookingService } from '../../core/booking-service.ts';
import type { ConsultationDesk } from '../../core/consultation-desk.ts';
import { createAppointmentIntents } from '../../core/conversation/appointment-intents.ts';
import { fixedClock } from '../support/fixtures.ts';

// Which topics a booking by voice offers: only those the advisors speaking the customer's
// language hold consultations on, and nothing to choose from when no advisor speaks it. The
// roster is the only port these answers read before a time is asked for.

function intentsWith(advisors: { topics: string[]; languages: string[] }[]) {
  const roster = {
    advisors: async () => advisors,
    upcomingAppointments: async () => [],
  } as unknown as AdvisorRoster;
  const booking = { rules: { maxUpcomingPerCustomer: 2 } } as unknown as BookingService;
  return createAppointmentIntents({
    booking,
    desk: {} as ConsultationDesk,
    advisors: roster,
    clock: fixedClock,
  });
}

const book = (topic: string, locale: 'it-IT' | 'en-US') => ({
  customerId: randomUUID(),
  locale,
  turnId: randomUUID(),
  slots: { topic, date: '2026-03-24' },
});

describe('the topics a booking by voice offers', () => {
  it('lists the topics advisors of the language serve, named ones first, and others by name', async () => {
    const intents = intentsWith([
      { topics: ['payments', 'solar_panels'], languages: ['it-IT'] },
      { topics: ['billing', 'payments'], languages: ['it-IT', 'en-US'] },
      { topics: ['moving'], languages: ['en-US'] },
    ]);
    const unclear = await intents.BookConsultation(book('giardinaggio', 'it-IT'));
    expect(unclear.cardText).toBe(
      "Non ho capito l'argomento. Puoi scegliere tra bollette, pagamenti e solar panels.",
    );
    expect(unclear.outcome).toBe('continued');
    // Moving is served, but not in Italian.
    const moving = await intents.BookConsultation(book('moving', 'it-IT'));
    expect(moving.cardText).toBe(
      'Su trasloco al momento non ho consulenti disponibili. Puoi scegliere tra bollette, pagamenti e solar panels.',
    );
  });

  it('says no advisor is available, and asks nothing, when none speaks the customer’s language', async () => {
    const intents = intentsWith([{ topics: ['billing'], languages: ['it-IT'] }]);
    for (const topic of ['gardening', 'billing']) {
      const answer = await intents.BookConsultation(book(topic, 'en-US'));
      expect(answer.cardText).toBe('No advisor is available for a video consultation at the moment.');
      expect(answer.outcome).toBe('failed');
      expect(answer.next?.kind).not.toBe('elicit');
    }
  });
});
