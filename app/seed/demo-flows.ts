import type { Outcome } from '../../core/index.ts';
import {
  backOffice,
  callCentre,
  callback,
  emailInbox,
  emailNotifications,
  letters,
  mailRoom,
  shop,
  smsNotifications,
  web,
  workdays,
} from './demo-shapes.ts';

// The ways contacts happen on the channels an Italian utility runs today, each with its own
// hours, reasons, outcomes and handle times.

export const reasons = [
  'bill_explanation',
  'bill_copy',
  'bill_issued',
  'payment',
  'payment_plan',
  'meter_reading',
  'contract_change',
  'moving',
  'fault',
  'complaint',
  'tariff_info',
] as const;
export type Reason = (typeof reasons)[number];

/** Reasons whose volume follows the bills (issued) and the due dates (payments). */
export const billReasons: readonly Reason[] = ['bill_explanation', 'bill_copy'];
export const paymentReasons: readonly Reason[] = ['payment', 'payment_plan'];

export const demoChannels = ['call_centre', 'email', 'sms', 'web', 'shop', 'paper_mail'] as const;
export type DemoChannel = (typeof demoChannels)[number];

export type FlowKey =
  | 'cc_ivr'
  | 'cc_agent'
  | 'cc_callback'
  | 'email_inbox'
  | 'email_reply'
  | 'email_notification'
  | 'sms_notification'
  | 'sms_link'
  | 'web_self_service'
  | 'web_payment'
  | 'web_contact_form'
  | 'shop_counter'
  | 'paper_in'
  | 'paper_out';

/** One way contacts happen: a touchpoint of a channel, in one direction. */
export interface Flow {
  key: FlowKey;
  channel: DemoChannel;
  touchpoint: string;
  direction: 'inbound' | 'outbound';
  /** Share of the contacts that start here on their own (0: only as a follow-up). */
  share: number;
  /** Relative volume Monday … Sunday; public holidays count as Sundays. */
  weekdays: readonly number[];
  /** Hour-of-day weights in local time: working days, Saturdays, Sundays and holidays. */
  hours: readonly [readonly number[], readonly number[], readonly number[]];
  reasons: Partial<Record<Reason, number>>;
  outcomes: Partial<Record<Outcome, number>>;
  /** Median handle time in minutes and its log-normal spread; null when no end is recorded. */
  handle: { median: number; sigma: number } | null;
  /** What a customer must have on file to be contacted this way. */
  needs?: 'email' | 'phone' | 'email_consent' | 'sms_consent';
  /** Share of contacts from people who are not (yet) identified customers. */
  anonymous?: number;
}

const definitions: Record<FlowKey, Omit<Flow, 'key'>> = {
  cc_ivr: {
    channel: 'call_centre',
    touchpoint: 'ivr',
    direction: 'inbound',
    share: 10,
    ...callCentre,
    reasons: {
      meter_reading: 25,
      payment: 20,
      bill_copy: 15,
      bill_explanation: 15,
      fault: 15,
      tariff_info: 10,
    },
    outcomes: { resolved: 40, abandoned: 42, handed_off: 15, failed: 3 },
    handle: { median: 2, sigma: 0.5 },
    anonymous: 0.08,
  },
  cc_agent: {
    channel: 'call_centre',
    touchpoint: 'agent',
    direction: 'inbound',
    share: 24,
    ...callCentre,
    reasons: {
      bill_explanation: 22,
      payment: 12,
      payment_plan: 6,
      meter_reading: 6,
      contract_change: 10,
      moving: 8,
      fault: 10,
      complaint: 9,
      tariff_info: 10,
      bill_copy: 7,
    },
    outcomes: { resolved: 76, handed_off: 10, abandoned: 6, failed: 8 },
    handle: { median: 6.5, sigma: 0.55 },
  },
  cc_callback: {
    channel: 'call_centre',
    touchpoint: 'callback',
    direction: 'outbound',
    share: 2,
    weekdays: callCentre.weekdays,
    hours: callback,
    reasons: { payment: 35, tariff_info: 25, complaint: 20, bill_explanation: 20 },
    outcomes: { resolved: 70, failed: 20, handed_off: 5, abandoned: 5 },
    handle: { median: 5, sigma: 0.5 },
    needs: 'phone',
  },
  email_inbox: {
    channel: 'email',
    touchpoint: 'inbox',
    direction: 'inbound',
    share: 8,
    weekdays: [1.3, 1.08, 1.02, 1, 0.95, 0.45, 0.5],
    hours: emailInbox,
    reasons: {
      bill_explanation: 20,
      complaint: 15,
      contract_change: 12,
      moving: 10,
      bill_copy: 10,
      payment: 8,
      payment_plan: 5,
      meter_reading: 8,
      tariff_info: 8,
      fault: 4,
    },
    // The end of an e-mail contact is the reply, hours later.
    outcomes: { resolved: 80, handed_off: 12, failed: 8 },
    handle: { median: 18 * 60, sigma: 0.9 },
    needs: 'email',
  },
  email_reply: {
    channel: 'email',
    touchpoint: 'inbox',
    direction: 'outbound',
    share: 0,
    weekdays: workdays,
    hours: backOffice,
    reasons: { bill_explanation: 1 },
    outcomes: { resolved: 90, failed: 10 },
    handle: { median: 0.05, sigma: 0.2 },
    needs: 'email',
  },
  email_notification: {
    channel: 'email',
    touchpoint: 'notification',
    direction: 'outbound',
    share: 5,
    weekdays: [1.1, 1, 1, 1, 1, 0.4, 0.1],
    hours: emailNotifications,
    reasons: { bill_issued: 75, payment: 15, contract_change: 10 },
    outcomes: { resolved: 96, failed: 4 },
    handle: { median: 0.05, sigma: 0.3 },
    needs: 'email_consent',
  },
  sms_notification: {
    channel: 'sms',
    touchpoint: 'notification',
    direction: 'outbound',
    share: 10,
    weekdays: [1.1, 1.05, 1, 1, 1, 0.35, 0.05],
    hours: smsNotifications,
    reasons: { bill_issued: 35, payment: 35, meter_reading: 20, fault: 10 },
    outcomes: { resolved: 95, failed: 5 },
    handle: { median: 0.05, sigma: 0.3 },
    needs: 'sms_consent',
  },
  sms_link: {
    channel: 'sms',
    touchpoint: 'link',
    direction: 'inbound',
    share: 2,
    ...web,
    reasons: { payment: 65, meter_reading: 35 },
    outcomes: { resolved: 70, abandoned: 25, failed: 5 },
    handle: { median: 2, sigma: 0.6 },
    needs: 'sms_consent',
  },
  web_self_service: {
    channel: 'web',
    touchpoint: 'self_service',
    direction: 'inbound',
    share: 17,
    ...web,
    reasons: {
      meter_reading: 25,
      bill_copy: 25,
      tariff_info: 18,
      contract_change: 12,
      bill_explanation: 12,
      moving: 8,
    },
    outcomes: { resolved: 72, abandoned: 20, failed: 5, handed_off: 3 },
    handle: { median: 4, sigma: 0.7 },
  },
  web_payment: {
    channel: 'web',
    touchpoint: 'payment_page',
    direction: 'inbound',
    share: 7,
    ...web,
    reasons: { payment: 90, payment_plan: 10 },
    outcomes: { resolved: 85, abandoned: 8, failed: 7 },
    handle: { median: 3, sigma: 0.5 },
  },
  web_contact_form: {
    channel: 'web',
    touchpoint: 'contact_form',
    direction: 'inbound',
    share: 3,
    ...web,
    reasons: {
      complaint: 30,
      bill_explanation: 20,
      fault: 15,
      tariff_info: 15,
      contract_change: 10,
      moving: 10,
    },
    outcomes: { resolved: 30, handed_off: 60, failed: 10 },
    handle: { median: 5, sigma: 0.5 },
    anonymous: 0.1,
  },
  shop_counter: {
    channel: 'shop',
    touchpoint: 'counter',
    direction: 'inbound',
    share: 8,
    weekdays: [1.15, 1, 0.95, 1, 1.05, 1.1, 0],
    hours: shop,
    reasons: {
      contract_change: 20,
      payment: 18,
      moving: 15,
      bill_explanation: 15,
      tariff_info: 12,
      complaint: 8,
      payment_plan: 5,
      bill_copy: 4,
      meter_reading: 3,
    },
    outcomes: { resolved: 86, handed_off: 9, abandoned: 5 },
    handle: { median: 12, sigma: 0.5 },
    anonymous: 0.05,
  },
  paper_in: {
    channel: 'paper_mail',
    touchpoint: 'letter',
    direction: 'inbound',
    share: 1.5,
    weekdays: [1.3, 1, 1, 1, 1, 0, 0],
    hours: mailRoom,
    reasons: { complaint: 35, contract_change: 20, bill_explanation: 20, moving: 15, payment_plan: 10 },
    // A letter is closed when it has been answered, days later.
    outcomes: { resolved: 60, handed_off: 40 },
    handle: { median: 6 * 24 * 60, sigma: 0.5 },
  },
  paper_out: {
    channel: 'paper_mail',
    touchpoint: 'letter',
    direction: 'outbound',
    share: 1.5,
    weekdays: workdays,
    hours: letters,
    reasons: { payment: 60, contract_change: 40 },
    outcomes: { resolved: 100 },
    handle: null,
  },
};

export const flows = Object.fromEntries(
  Object.entries(definitions).map(([key, flow]) => [key, { key, ...flow }]),
) as Record<FlowKey, Flow>;
