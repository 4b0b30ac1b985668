// Slot search over 30 days for 50 advisors, and booking throughput, on the embedded database
// or PostgreSQL. Prints each figure beside a baseline measured in the same run.
import { randomUUID } from 'node:crypto';
import { createPostgresStores } from '../core/index.ts';
import { createBookingService, type Slot } from '../core/services.ts';
import { freshTarget, openTarget } from './support.ts';

export async function bookingFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  const storage = await openTarget(target);
  try {
    const now = new Date('2026-03-02T07:00:00Z'); // a Monday, 08:00 in Rome
    const clock = { now: () => now };
    const stores = createPostgresStores(storage.db, { clock });
    const booking = createBookingService({
      advisors: stores.advisors,
      book: stores.appointments,
      clock,
      rules: { dailyCapPerAdvisor: 12 },
    });
    const hours = [1, 2, 3, 4, 5].flatMap((weekday) => [
      { weekday, start: '09:00', end: '13:00' },
      { weekday, start: '14:00', end: '18:00' },
    ]);
    for (let i = 0; i < 50; i++) {
      await stores.advisors.addAdvisor({
        name: `Advisor ${i}`,
        email: `advisor${i}@bench.example`,
        languages: ['it-IT'],
        topics: ['billing'],
        timeZone: 'Europe/Rome',
        workingHours: hours,
      });
    }
    const query = {
      topic: 'billing',
      locale: 'it-IT' as const,
      from: now,
      to: new Date(now.getTime() + 30 * 86_400_000),
    };
    const time = async <T>(work: () => Promise<T>) => {
      const start = performance.now();
      const result = await work();
      return { ms: performance.now() - start, result };
    };
    // Baseline: the advisor list alone, which every search reads first.
    const baseline = await time(() => stores.advisors.advisors());
    const empty = await time(() => booking.slots(query));

    // Book 500 slots (one customer each), 10 at a time, then search again with them in place.
    const slots: Slot[] = empty.result;
    const customers: string[] = [];
    for (let i = 0; i < 500; i++) {
      const c = await stores.customers.create({
        firstName: 'Bench',
        lastName: `Customer ${i}`,
        locale: 'it-IT',
        segment: 'residential',
      });
      customers.push(c.id);
    }
    let next = 0;
    const booked = await time(async () => {
      const workers = Array.from({ length: 10 }, async () => {
        while (next < customers.length) {
          const i = next++;
          const slot = slots[(i * 7) % slots.length] as Slot;
          await booking.book({
            customerId: customers[i] as string,
            topic: 'billing',
            locale: 'it-IT',
            startsAt: slot.startsAt,
            bookedVia: 'web',
          });
        }
      });
      await Promise.all(workers);
    });
    const full = await time(() => booking.slots(query));
    const single = await time(() => stores.interactions.interaction(randomUUID()));
    return [
      `booking [${target.label}]: slot search, 30 days × 50 advisors (${empty.result.length} slots): ${empty.ms.toFixed(0)} ms empty, ${full.ms.toFixed(0)} ms with 500 bookings; ` +
        `advisor list alone ${baseline.ms.toFixed(1)} ms (×${(full.ms / baseline.ms).toFixed(0)})`,
      `  booking throughput, 10 concurrent clients: ${(500 / (booked.ms / 1000)).toFixed(0)} bookings/s (500 in ${(booked.ms / 1000).toFixed(1)} s); one indexed read ${single.ms.toFixed(1)} ms`,
    ];
  } finally {
    await storage.close();
    await target.cleanup();
  }
}
