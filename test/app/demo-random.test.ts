import { Faker, base, en, generateMersenne53Randomizer, it as italian } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { createDemoRandom } from '../../app/seed/demo-random.ts';

describe('the demo generator', () => {
  it("draws its ids as faker's uuid() does, so that a seed gives the rows it always gave", () => {
    const random = createDemoRandom(7, 4);
    const randomizer = generateMersenne53Randomizer();
    const faker = new Faker({ locale: [italian, en, base], randomizer });
    faker.seed([7, 4]);
    for (let i = 0; i < 20_000; i++) {
      const id = random.uuid();
      expect(id).toBe(faker.string.uuid());
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // The draws after it are the same ones.
      if (i % 7 === 0) expect(random.next()).toBe(randomizer.next());
    }
  });
});
