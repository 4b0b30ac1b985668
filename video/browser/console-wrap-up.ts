import { api, fill, h, retryWhileUnavailable } from '../../web/browser/dom.ts';
import { day, dayKey, time, type Appointment, type Interaction } from '../../web/browser/console-format.ts';

// After the call: the advisor's outcome and notes on the consultation's journey entry, then the
// follow-ups through the same services the other channels use — a payment link, another
// consultation in the same journey.

export function renderWrapUp(appointment: Appointment, area: HTMLElement, onBooked: () => void): void {
  const outcomes = [
    ['resolved', 'Resolved'],
    ['follow_up', 'Follow-up needed'],
    ['handed_off', 'Handed off'],
  ] as const;
  const notes = h('textarea', { id: 'wrap-up-notes', attrs: { rows: '3', maxlength: '4000' } });
  const result = h('p', { attrs: { role: 'status' } });
  const save = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Save the outcome');
  const followUps = h('div', { id: 'follow-ups' });
  const form = h(
    'form',
    { id: 'wrap-up-form' },
    h('h2', { id: 'wrap-up-heading' }, 'Outcome'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'How did it end?'),
      ...outcomes.map(([value, label], i) =>
        h(
          'label',
          {},
          h('input', { attrs: { type: 'radio', name: 'outcome', value, checked: i === 0 } }),
          ` ${label}`,
        ),
      ),
    ),
    h('label', { attrs: { for: 'wrap-up-notes' } }, 'Notes'),
    notes,
    h('div', { class: 'row controls' }, save),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const outcome = (form.querySelector('input[name="outcome"]:checked') as HTMLInputElement).value;
    save.disabled = true;
    result.className = '';
    result.textContent = 'Saving…';
    // The consultation reaches the journey a moment after the call ends: until then the app answers 503.
    void retryWhileUnavailable(() =>
      api<Interaction>('POST', `/api/appointments/${appointment.id}/wrap-up`, {
        outcome,
        notes: notes.value.trim(),
      }),
    )
      .then((interaction) => {
        result.className = 'ok';
        result.textContent = 'Saved in the customer’s journey.';
        renderFollowUps(appointment, interaction, followUps, onBooked);
      })
      .catch((error: unknown) => {
        result.className = 'error';
        result.textContent = `Not saved: ${(error as Error).message}`;
      })
      .finally(() => (save.disabled = false));
  });
  fill(area, form, followUps);
}

function renderFollowUps(
  appointment: Appointment,
  consultation: Interaction,
  area: HTMLElement,
  onBooked: () => void,
): void {
  const payResult = h('p', { id: 'payment-link-result', attrs: { role: 'status' } });
  const pay = h('button', { id: 'send-payment-link', attrs: { type: 'button' } }, 'Send a payment link');
  pay.addEventListener('click', () => {
    pay.disabled = true;
    void api<{ medium: string; alreadySent: boolean }>(
      'POST',
      `/api/customers/${appointment.customerId}/payment-link`,
      {
        fromInteractionId: consultation.id,
      },
    )
      .then((sent) => {
        payResult.className = 'ok';
        payResult.textContent = sent.alreadySent
          ? `This consultation’s payment link already went out by ${sent.medium}; nothing new was sent.`
          : `Payment link sent by ${sent.medium}.`;
      })
      .catch((error: unknown) => {
        payResult.className = 'error';
        payResult.textContent = (error as Error).message;
        pay.disabled = false;
      });
  });
  const date = h('input', { id: 'follow-up-day', attrs: { type: 'date' } });
  date.value = dayKey(new Date(Date.now() + 86_400_000));
  const slots = h('div', { id: 'follow-up-slots', class: 'row' });
  const find = h('button', { attrs: { type: 'button' } }, 'Find free times');
  find.addEventListener(
    'click',
    () => void showSlots(appointment, consultation, date.value, slots, onBooked),
  );
  fill(
    area,
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'follow-up-heading' } },
      h('h2', { id: 'follow-up-heading' }, 'Follow-up'),
      h('div', { class: 'row' }, pay),
      payResult,
      h('label', { attrs: { for: 'follow-up-day' } }, 'Book another consultation on'),
      h('div', { class: 'row' }, date, find),
      slots,
    ),
  );
}

async function showSlots(
  appointment: Appointment,
  consultation: Interaction,
  isoDay: string,
  area: HTMLElement,
  onBooked: () => void,
) {
  const from = new Date(`${isoDay}T00:00:00`);
  const to = new Date(from.getTime() + 86_400_000);
  const query = new URLSearchParams({
    topic: appointment.topic,
    locale: appointment.locale,
    from: from.toISOString(),
    to: to.toISOString(),
  });
  try {
    const free = await api<{ startsAt: string }[]>('GET', `/api/appointments/slots?${query}`);
    fill(
      area,
      ...(free.length === 0
        ? [h('p', { class: 'muted' }, 'No free times that day.')]
        : free.slice(0, 12).map((slot) =>
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: { click: () => void book(appointment, consultation, slot.startsAt, area, onBooked) },
              },
              time(slot.startsAt),
            ),
          )),
    );
  } catch (error) {
    fill(area, h('p', { class: 'error' }, (error as Error).message));
  }
}

async function book(
  appointment: Appointment,
  consultation: Interaction,
  startsAt: string,
  area: HTMLElement,
  onBooked: () => void,
) {
  try {
    const booked = await api<{ appointment: { startsAt: string } }>('POST', '/api/appointments', {
      customerId: appointment.customerId,
      topic: appointment.topic,
      locale: appointment.locale,
      startsAt,
      bookedVia: 'video',
      journeyId: consultation.journeyId,
    });
    fill(
      area,
      h(
        'p',
        { class: 'ok', id: 'follow-up-booked' },
        `Booked for ${day(booked.appointment.startsAt)} ${time(booked.appointment.startsAt)}; the customer gets the link.`,
      ),
    );
    onBooked();
  } catch (error) {
    fill(area, h('p', { class: 'error' }, (error as Error).message));
  }
}
