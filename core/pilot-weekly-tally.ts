import { DateTime } from 'luxon';
import { REFERENCE_ZONE } from './clock.ts';
import { npsCategory } from './nps-statistics.ts';
import type { WeeklyFigures } from './pilot-metrics.ts';

// The pilot's key figures week by week (weeks counted from its start day), added up as the
// customers' contacts are walked, like the totals.

/** A week's NPS is shown from this many answers on. */
export const WEEKLY_NPS_MIN_ANSWERS = 5;

type Arm = 'pilot' | 'control';

export function createWeeklyTally(period: { periodStart: Date; periodEnd: Date }) {
  const first = DateTime.fromJSDate(period.periodStart, { zone: REFERENCE_ZONE });
  const end = period.periodEnd.getTime();
  // Week starts in the reference zone, so that a clock change does not move a contact's week.
  const starts: number[] = [];
  for (let week = 0; first.plus({ weeks: week }).toMillis() < end; week++) {
    starts.push(first.plus({ weeks: week }).toMillis());
  }
  const weeks = starts.length;
  const zeros = () => new Array<number>(weeks).fill(0);
  const contacts = zeros();
  const contained = zeros();
  const firstUses = zeros();
  const existing = { pilot: zeros(), control: zeros() };
  const drawn = { pilot: 0, control: 0 };
  const answers = zeros();
  const points = zeros();
  const weekOf = (t: number) => {
    if (weeks === 0 || t < starts[0]! || t >= end) return null;
    let week = weeks - 1;
    while (starts[week]! > t) week--;
    return week;
  };

  return {
    addDrawnCustomer(arm: Arm) {
      drawn[arm]++;
    },
    /** A contact of a drawn customer of either arm (times in epoch ms). */
    addArmContact(arm: Arm, startedAt: number, onExistingChannel: boolean) {
      const week = weekOf(startedAt);
      if (week !== null && onExistingChannel) existing[arm][week]!++;
    },
    /** A pilot-arm contact on the pilot channel; `first`: the customer's first one. */
    addPilotContact(startedAt: number, first: boolean, isContained: boolean) {
      const week = weekOf(startedAt);
      if (week === null) return;
      contacts[week]!++;
      if (isContained) contained[week]!++;
      if (first) firstUses[week]!++;
    },
    /** An NPS answer about a pilot-channel contact of the pilot arm. */
    addChannelAnswer(score: number, startedAt: number) {
      const week = weekOf(startedAt);
      if (week === null) return;
      answers[week]!++;
      const category = npsCategory(score);
      points[week]! += category === 'promoters' ? 1 : category === 'detractors' ? -1 : 0;
    },
    result(pilotArm: number): WeeklyFigures[] {
      let adopters = 0;
      return contacts.map((count, week) => {
        adopters += firstUses[week]!;
        return {
          week: first.plus({ weeks: week }).toISODate() as string,
          adoption: pilotArm > 0 ? adopters / pilotArm : null,
          containment: count > 0 ? contained[week]! / count : null,
          contacts: count,
          existingPerCustomer: {
            pilot: drawn.pilot > 0 ? existing.pilot[week]! / drawn.pilot : null,
            control: drawn.control > 0 ? existing.control[week]! / drawn.control : null,
          },
          nps: answers[week]! >= WEEKLY_NPS_MIN_ANSWERS ? (100 * points[week]!) / answers[week]! : null,
          npsAnswers: answers[week]!,
        };
      });
    },
  };
}
