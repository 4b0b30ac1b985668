import { calendarDate, type Clock } from './clock.ts';
import type { PilotDesk } from './pilot-desk.ts';
import type { Actor, PilotLog } from './pilot-log.ts';
import type { PilotReports } from './pilot-reports.ts';
import type { PilotStore } from './pilots.ts';

/** Who pauses a pilot whose guardrail is breached, in its audit trail. */
export const GUARDRAIL_ACTOR: Actor = { id: null, name: 'daily guardrail check' };

/**
 * The guardrails checked every day: each running pilot's report is computed afresh once a day
 * (the first sweep of the day, on whichever instance, claims it), and a pilot with a breached
 * guardrail is paused on the spot, with the reason in its audit trail. The always-valid intervals
 * are what make a daily look, and acting on it, sound.
 */
export function createGuardrailWatch(options: {
  pilots: PilotStore;
  log: PilotLog;
  reports: PilotReports;
  desk: PilotDesk;
  clock: Clock;
}) {
  const { pilots, log, reports, desk, clock } = options;
  return {
    async checkDue(): Promise<{ checked: string[]; paused: string[] }> {
      const checked: string[] = [];
      const paused: string[] = [];
      const now = clock.now();
      const day = calendarDate(now);
      for (const pilot of await pilots.pilots()) {
        if (pilot.status !== 'running') continue;
        if (!(await log.claimGuardrailCheck(pilot.id, day, now))) continue;
        const { report } = await reports.compute(pilot.id);
        const breached = report.scorecard.guardrails.filter((g) => g.verdict === 'fail');
        await log.finishGuardrailCheck(pilot.id, day, breached.length > 0);
        checked.push(pilot.code);
        if (breached.length === 0) continue;
        await desk.transition(pilot.id, 'paused', GUARDRAIL_ACTOR);
        await log.record({
          pilotId: pilot.id,
          at: clock.now(),
          actor: GUARDRAIL_ACTOR,
          action: 'guardrail',
          summary: `paused the pilot: ${breached.map((g) => `${g.label} breaches its guardrail`).join('; ')}`,
        });
        paused.push(pilot.code);
      }
      return { checked, paused };
    },
  };
}

export type GuardrailWatch = ReturnType<typeof createGuardrailWatch>;
