import type { Outcome } from '../../core/index.ts';
import type { DemoChannel, FlowKey, Reason } from './demo-flows.ts';

// How a contact that did not settle things leads to the next one.

/** Where a contact is passed to when it is handed off. */
export const handoffTargets: Partial<Record<FlowKey, Partial<Record<FlowKey, number>>>> = {
  cc_ivr: { cc_agent: 1 },
  cc_agent: { cc_callback: 40, shop_counter: 30, email_reply: 20, paper_out: 10 },
  cc_callback: { shop_counter: 50, email_reply: 50 },
  email_inbox: { cc_callback: 50, shop_counter: 20, paper_out: 30 },
  web_contact_form: { email_reply: 50, cc_callback: 50 },
  shop_counter: { cc_callback: 40, email_reply: 40, paper_out: 20 },
  paper_in: { paper_out: 50, cc_callback: 50 },
};

/** Where customers go next on their own when a contact did not settle it ('web' picks the page by reason). */
export const nextChannel: Record<DemoChannel, Partial<Record<FlowKey | 'web', number>>> = {
  call_centre: { web: 25, email_inbox: 25, shop_counter: 35, cc_agent: 15 },
  web: { cc_agent: 55, email_inbox: 20, shop_counter: 10, web: 15 },
  email: { cc_agent: 60, web: 20, shop_counter: 15, paper_in: 5 },
  sms: { web: 55, cc_agent: 35, shop_counter: 10 },
  shop: { cc_agent: 45, email_inbox: 25, web: 20, paper_in: 10 },
  paper_mail: { cc_agent: 60, email_inbox: 25, shop_counter: 15 },
};

/** Days until the next contact (index = days later): customers soon, a handed-off case at its team's pace. */
export const customerDelays = [30, 25, 15, 12, 8, 6, 4];
export const handoffDelays: Partial<Record<FlowKey, readonly number[]>> = {
  cc_callback: [60, 35, 5],
  shop_counter: [30, 30, 20, 10, 10],
  email_reply: [50, 40, 10],
  paper_out: [0, 0, 20, 25, 25, 15, 15],
};

/** Chance that the customer comes back about the same thing, by how the contact ended. */
export const comeBack: Record<Outcome, number> = {
  resolved: 0.05,
  handed_off: 0.9,
  abandoned: 0.4,
  failed: 0.45,
  // A conversation left mid-dialog comes back like an abandoned one.
  continued: 0.4,
};
/** Reactions to a notification: pay after a reminder, send the reading when asked. */
export const notificationResponse: Partial<Record<Reason, number>> = {
  payment: 0.3,
  meter_reading: 0.35,
  fault: 0.05,
};
