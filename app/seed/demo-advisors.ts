import type { AdvisorInput, WorkingHours } from '../../core/services.ts';
import { ascii } from './demo-places.ts';
import type { DemoRandom } from './demo-random.ts';

const topicSets = [
  ['billing', 'payments', 'contract'],
  ['billing', 'payments'],
  ['technical', 'moving'],
  ['contract', 'moving', 'billing'],
  ['billing', 'payments', 'contract', 'moving', 'technical'],
  ['technical'],
  ['payments', 'billing'],
  ['contract', 'moving'],
  ['billing', 'technical'],
  ['billing', 'payments', 'contract', 'moving'],
  ['moving', 'technical', 'contract'],
  ['billing', 'contract'],
];

const weekdays = [1, 2, 3, 4, 5];
const stretch = (days: number[], start: string, end: string): WorkingHours[] =>
  days.map((weekday) => ({ weekday, start, end }));
const fullTime = [...stretch(weekdays, '09:00', '13:00'), ...stretch(weekdays, '14:00', '18:00')];
const earlyFullTime = [...stretch(weekdays, '08:30', '12:30'), ...stretch(weekdays, '13:30', '17:30')];
const saturdayMorning = stretch([6], '09:00', '13:00');
// Full-timers, two of them also on Saturday mornings; part-timers on mornings, afternoons or three days a week.
const rosters: WorkingHours[][] = [
  [...fullTime, ...saturdayMorning],
  [...fullTime, ...saturdayMorning],
  fullTime,
  fullTime,
  fullTime,
  fullTime,
  stretch(weekdays, '09:00', '13:00'),
  stretch(weekdays, '14:00', '18:00'),
  [...stretch(weekdays, '09:00', '13:00'), ...saturdayMorning],
  [...stretch([1, 3, 5], '09:00', '13:00'), ...stretch([1, 3, 5], '14:00', '17:00')],
  earlyFullTime,
  earlyFullTime,
];

/** The video-consultation team: all speak Italian, a third also English. */
export function demoAdvisors(random: DemoRandom): AdvisorInput[] {
  const taken = new Set<string>();
  return rosters.map((workingHours, i) => {
    const sex = random.chance(0.5) ? 'female' : 'male';
    const firstName = random.italian.person.firstName(sex);
    const lastName = random.italian.person.lastName(sex);
    let email = `${ascii(firstName)}.${ascii(lastName)}@consulenza.example.it`;
    if (taken.has(email)) email = email.replace('@', `${i}@`);
    taken.add(email);
    return {
      name: `${firstName} ${lastName}`,
      email,
      languages: i % 3 === 0 ? ['it-IT', 'en-US'] : ['it-IT'],
      topics: topicSets[i] ?? ['billing'],
      timeZone: 'Europe/Rome',
      workingHours,
    };
  });
}
