import type { Segment } from '../../core/index.ts';

// When and how much each channel is used. Every number is a relative weight; the generator turns
// them into exact counts. Hours are local (Europe/Rome); weekdays run Monday … Sunday.

const at = (weights: Record<number, number>): number[] =>
  Array.from({ length: 24 }, (_, h) => weights[h] ?? 0);
const closed = at({});

/** Call centre: 8–20 on weekdays with a lunchtime dip, Saturday mornings, closed on Sundays and holidays. */
export const callCentre = {
  weekdays: [1.35, 1.15, 1.05, 1, 0.9, 0.22, 0],
  hours: [
    at({ 8: 4, 9: 10, 10: 12, 11: 11, 12: 8, 13: 5, 14: 8, 15: 10, 16: 10, 17: 7, 18: 4, 19: 2 }),
    at({ 8: 3, 9: 6, 10: 6, 11: 5, 12: 3 }),
    closed,
  ],
} as const;
/** Website and app: round the clock, busiest in the evening, weekends included. */
export const web = {
  weekdays: [1.15, 1.05, 1, 1, 0.92, 0.72, 0.78],
  hours: [
    [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5.5, 6, 6, 5, 4.5, 5, 5.5, 5.5, 5, 5, 5.5, 6, 5.5, 4, 2.2],
    [1.3, 0.8, 0.5, 0.3, 0.3, 0.4, 0.7, 1.5, 2.8, 4, 5, 5.5, 5, 4.5, 4, 4, 4, 4, 4.2, 4.5, 5, 4.8, 3.8, 2.4],
    [
      1.4, 0.9, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 3.2, 4.2, 4.8, 4.5, 3.8, 3.6, 3.8, 4, 4.2, 4.5, 5.2, 5.8, 5.5,
      4.2, 2.5,
    ],
  ],
} as const;
const emailWeekend = [
  0.8, 0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1, 2, 3.5, 4.5, 4.8, 4.2, 3.5, 3.2, 3.5, 3.8, 3.8, 3.8, 4, 4.2, 4, 3.2,
  1.8,
];
/** Replies from the back office: office hours on working days. */
export const backOffice = [
  at({ 9: 6, 10: 9, 11: 9, 12: 7, 13: 3, 14: 6, 15: 8, 16: 8, 17: 6 }),
  closed,
  closed,
] as const;
export const workdays = [1, 1, 1, 1, 1, 0, 0];

/** Callbacks: agents call back in office hours. */
export const callback = [
  at({ 9: 8, 10: 10, 11: 10, 12: 6, 13: 3, 14: 7, 15: 9, 16: 9, 17: 6 }),
  at({ 9: 4, 10: 5, 11: 4, 12: 2 }),
  closed,
] as const;
/** E-mails written by customers: office hours on weekdays, spread over the day at weekends. */
export const emailInbox = [
  [
    0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.6, 1.5, 4, 6, 6.5, 6, 4.5, 3.5, 4.5, 5, 4.8, 4, 3.5, 3.2, 3.4, 3.2, 2.4,
    1.2,
  ],
  emailWeekend,
  emailWeekend,
] as const;
/** Notification e-mails go out in early-morning and lunchtime batches. */
export const emailNotifications = [
  at({ 6: 6, 7: 10, 8: 8, 9: 3, 10: 2, 11: 1, 12: 1, 13: 3, 14: 2, 15: 1, 16: 1, 17: 0.5, 18: 0.5 }),
  at({ 7: 6, 8: 6, 9: 2, 10: 1 }),
  at({ 8: 1 }),
] as const;
/** SMS notifications only in daytime hours. */
export const smsNotifications = [
  at({ 9: 8, 10: 9, 11: 8, 12: 6, 13: 4, 14: 5, 15: 6, 16: 6, 17: 5, 18: 4, 19: 3 }),
  at({ 9: 5, 10: 6, 11: 5, 12: 3 }),
  at({ 10: 1, 11: 1 }),
] as const;
/** Shops: 9–13 and 15–19, Saturday afternoons shorter. */
export const shop = [
  at({ 9: 6, 10: 9, 11: 10, 12: 8, 15: 6, 16: 8, 17: 9, 18: 7 }),
  at({ 9: 5, 10: 8, 11: 9, 12: 7, 15: 4, 16: 5, 17: 5 }),
  closed,
] as const;
/** Letters are registered by the mail room on weekdays. */
export const mailRoom = [at({ 9: 8, 10: 10, 11: 10, 12: 6, 14: 6, 15: 5, 16: 3 }), closed, closed] as const;
/** Outgoing letters are printed in one morning batch. */
export const letters = [at({ 10: 6, 11: 8, 12: 4 }), closed, closed] as const;

/** Volume by month (January first): winter heating bills bring people in, August empties the country. */
export const monthVolume = [1.18, 1.12, 1.05, 0.96, 0.92, 0.9, 0.9, 0.72, 0.95, 1, 1.06, 1];
/** On top of that, questions about bills follow the size of the bills. */
export const billMonthVolume = [1.25, 1.2, 1.1, 0.95, 0.9, 0.85, 0.85, 0.85, 0.9, 0.95, 1.05, 1.15];

/** How much each kind of customer uses each channel, relative to the average (order of `demoChannels`). */
export const channelAffinity: Record<Segment | 'english', readonly number[]> = {
  residential: [1, 1, 1, 1, 1, 1],
  family: [1, 1, 1, 1.2, 0.9, 0.7],
  senior: [1.4, 0.5, 0.8, 0.4, 1.8, 2.5],
  young: [0.6, 1.2, 1.1, 1.7, 0.4, 0.3],
  small_business: [1.2, 1.6, 0.7, 1, 0.8, 1.3],
  vulnerable: [1.4, 0.5, 1, 0.5, 1.6, 1.5],
  english: [0.8, 1.5, 1, 1.3, 0.6, 0.5],
};
