import type { RemoteTrack } from 'livekit-client';
import { joinCall, openLocalMedia, type Call, type CallAccess, type CallView, type Peer } from './call.ts';
import { api, ApiError, fill, h, pageData } from './dom.ts';

// The advisor console: today's and upcoming consultations, who waits in a lobby (with a visual
// and a sound cue), the call beside the customer's context, and the wrap-up with its follow-ups.
// Everything goes through the app's API, the same services the other channels use.

interface Appointment {
  id: string;
  customerId: string;
  advisorId: string;
  startsAt: string;
  endsAt: string;
  topic: string;
  locale: string;
  status: string;
  journeyId: string | null;
  customerName: string;
  advisorName: string;
}
interface Participant {
  identity: string;
  name: string;
  role?: 'advisor' | 'customer';
  canPublish: boolean;
}
interface Change {
  delta: number;
  ratio: number | null;
}
interface Interaction {
  id: string;
  journeyId: string;
  channel: string;
  touchpoint: string;
  reason: string;
  outcome: string;
  startedAt: string;
  details: Record<string, unknown>;
}
interface CustomerContext {
  profile: {
    firstName: string;
    lastName: string;
    segment: string;
    locale: string;
    phone: string | null;
    email: string | null;
  };
  reachableMedia: string[];
  accounts: { id: string; number: string; kind: string; supplyAddress: string; tariff: string }[];
  balance: {
    owedCents: number;
    overdueCents: number;
    nextDue: { dueOn: string; amountCents: number } | null;
  };
  openBills: {
    id: string;
    number: string;
    dueOn: string;
    amountCents: number;
    paidCents: number;
    status: string;
    periodStart: string;
    periodEnd: string;
    comparison: {
      amount: { vsPrevious: Change | null; vsYearAgo: Change | null };
      lines: { description: string; currentCents: number; previousCents: number | null }[];
    };
  }[];
  recentPayments: { id: string; amountCents: number; paidAt: string; method: string; channel: string }[];
  recentInteractions: Interaction[];
}

const { user } = pageData<{ user: { displayName: string; role: string } }>();
const app = document.getElementById('app') as HTMLElement;
const zone = 'Europe/Rome';
const money = (cents: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const time = (at: string) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    new Date(at),
  );
const day = (at: string) =>
  new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  }).format(new Date(at));
const date = (at: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: zone,
  }).format(new Date(at));
const dayKey = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);
const words = (slug: string) => slug.replaceAll('_', ' ');
const change = (c: Change | null) =>
  c === null
    ? '–'
    : `${c.delta >= 0 ? '+' : '−'}${money(Math.abs(c.delta))}${c.ratio === null ? '' : ` (${c.ratio >= 0 ? '+' : ''}${Math.round(c.ratio * 100)}%)`}`;

const status = h('p', {
  id: 'console-status',
  class: 'status-line',
  attrs: { role: 'status', 'aria-live': 'polite' },
});
const say = (text: string, kind: '' | 'error' | 'ok' | 'notice' = '') => {
  status.className = `status-line ${kind}`;
  status.textContent = text;
};

// ── The list, and the lobby watch ───────────────────────────────────────────────────────────

const listSection = h('section', { id: 'consultations', attrs: { 'aria-labelledby': 'list-heading' } });
const detailSection = h('section', { id: 'consultation', attrs: { hidden: true } });
let appointments: Appointment[] = [];
const waiting = new Map<string, Participant[]>();
let openId: string | null = null;
let call: Call | null = null;

fill(
  app,
  h(
    'header',
    { class: 'row' },
    h('h1', {}, 'Consultations'),
    h('span', { class: 'muted' }, `${user.displayName} (${user.role})`),
    h(
      'form',
      { attrs: { method: 'post', action: '/manage/logout' } },
      h('button', { attrs: { type: 'submit' } }, 'Log out'),
    ),
  ),
  status,
  listSection,
  detailSection,
);

async function loadList(): Promise<void> {
  // By default the app lists today's and the next two weeks' consultations of this advisor.
  appointments = await api<Appointment[]>('GET', '/api/appointments');
  renderList();
}

const joinable = (a: Appointment, now = Date.now()) =>
  (a.status === 'booked' || a.status === 'in_progress') &&
  now >= new Date(a.startsAt).getTime() - 10 * 60_000 &&
  now <= new Date(a.endsAt).getTime() + 30 * 60_000;

function renderList(): void {
  const today = dayKey(new Date());
  const row = (a: Appointment) => {
    const lobby = waiting.get(a.id) ?? [];
    return h(
      'tr',
      { class: lobby.length > 0 ? 'waiting' : '', attrs: { 'data-appointment': a.id } },
      h(
        'td',
        {},
        dayKey(new Date(a.startsAt)) === today ? time(a.startsAt) : `${day(a.startsAt)} ${time(a.startsAt)}`,
      ),
      h('td', {}, a.customerName),
      h('td', {}, words(a.topic)),
      h('td', {}, lobby.length > 0 ? h('span', { class: 'badge' }, 'waiting in the lobby') : words(a.status)),
      h(
        'td',
        { class: 'row' },
        h('button', { attrs: { type: 'button' }, on: { click: () => void openConsultation(a.id) } }, 'Open'),
        ...lobby.map((p) =>
          h(
            'button',
            { class: 'primary', attrs: { type: 'button' }, on: { click: () => void admit(a.id, p) } },
            `Admit ${p.name}`,
          ),
        ),
      ),
    );
  };
  const table = (rows: Appointment[], caption: string) =>
    rows.length === 0
      ? h('p', { class: 'muted' }, `No consultations ${caption.toLowerCase()}.`)
      : h(
          'table',
          {},
          h('caption', { class: 'sr-only' }, caption),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['When', 'Customer', 'Topic', 'Status', ''].map((c) =>
                h('th', { attrs: { scope: 'col' } }, c),
              ),
            ),
          ),
          h('tbody', {}, ...rows.map(row)),
        );
  fill(
    listSection,
    h('h2', { id: 'list-heading' }, 'Today'),
    table(
      appointments.filter((a) => dayKey(new Date(a.startsAt)) === today),
      'Today',
    ),
    h('h2', {}, 'Upcoming'),
    table(
      appointments.filter((a) => dayKey(new Date(a.startsAt)) > today),
      'Upcoming',
    ),
  );
}

/** Polls the rooms that may be joined now; a newcomer in a lobby is announced, seen and heard. */
async function watchLobbies(): Promise<void> {
  const before = new Set([...waiting.values()].flat().map((p) => p.identity));
  await Promise.all(
    appointments
      .filter((a) => joinable(a))
      .map(async (a) => {
        try {
          const people = await api<Participant[]>('GET', `/api/appointments/${a.id}/participants`);
          waiting.set(
            a.id,
            people.filter((p) => p.role === 'customer' && !p.canPublish),
          );
        } catch {
          waiting.delete(a.id);
        }
      }),
  );
  const everyone = [...waiting.entries()].flatMap(([id, people]) => people.map((p) => ({ id, p })));
  const arrived = everyone.filter(({ p }) => !before.has(p.identity));
  if (arrived.length > 0) {
    say(
      `${arrived.map(({ p }) => p.name).join(', ')} ${arrived.length === 1 ? 'is' : 'are'} waiting in the lobby.`,
      'notice',
    );
    chime();
  }
  document.title = `${everyone.length > 0 ? `(${everyone.length}) ` : ''}Advisor console · channel-pilot`;
  renderList();
}

let audio: AudioContext | null = null;
// Browsers let a page make sound only after the user interacted with it.
document.addEventListener('pointerdown', () => (audio ??= new AudioContext()), { once: true });
document.addEventListener('keydown', () => (audio ??= new AudioContext()), { once: true });
function chime(): void {
  if (!audio) return;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.6);
}

async function admit(appointmentId: string, person: { identity: string; name: string }): Promise<void> {
  try {
    await api('POST', `/api/appointments/${appointmentId}/admit`, { identity: person.identity });
    say(`${person.name} was let in.`, 'ok');
    waiting.set(
      appointmentId,
      (waiting.get(appointmentId) ?? []).filter((p) => p.identity !== person.identity),
    );
    renderList();
  } catch (error) {
    say(`Could not let ${person.name} in: ${(error as Error).message}`, 'error');
  }
}

// ── One consultation: call, context, wrap-up ────────────────────────────────────────────────

async function openConsultation(id: string): Promise<void> {
  const appointment = appointments.find((a) => a.id === id);
  if (!appointment) return;
  if (call && openId !== id) await call.leave();
  openId = id;
  const callArea = h('div', { id: 'call-area' });
  const contextArea = h('section', {
    id: 'customer-context',
    class: 'card',
    attrs: { 'aria-labelledby': 'context-heading' },
  });
  const wrapUpArea = h('section', {
    id: 'wrap-up',
    class: 'card',
    attrs: { 'aria-labelledby': 'wrap-up-heading' },
  });
  detailSection.hidden = false;
  fill(
    detailSection,
    h(
      'h2',
      {},
      `${appointment.customerName} · ${words(appointment.topic)} · ${day(appointment.startsAt)} ${time(appointment.startsAt)}`,
    ),
    h('div', { class: 'call-layout' }, h('div', {}, callArea, wrapUpArea), contextArea),
  );
  renderCallStart(appointment, callArea);
  renderWrapUp(appointment, wrapUpArea);
  await renderContext(appointment, contextArea);
}

function renderCallStart(appointment: Appointment, area: HTMLElement): void {
  const join = h('button', { class: 'primary', id: 'join-call', attrs: { type: 'button' } }, 'Join the call');
  join.disabled = !joinable(appointment);
  join.addEventListener('click', () => {
    join.disabled = true;
    void startCall(appointment, area).catch((error: unknown) => {
      say(`Could not join: ${(error as Error).message}`, 'error');
      join.disabled = false;
    });
  });
  fill(
    area,
    h(
      'div',
      { class: 'card' },
      join,
      joinable(appointment)
        ? null
        : h('p', { class: 'muted' }, 'The room opens 10 minutes before the start.'),
    ),
  );
}

async function startCall(appointment: Appointment, area: HTMLElement): Promise<void> {
  const access = await api<CallAccess>('POST', `/api/appointments/${appointment.id}/access`);
  const { media, problem } = await openLocalMedia({ video: true });
  if (problem) say('The browser refused the camera or microphone; check the site permissions.', 'error');
  const remote = h('video', {
    class: 'remote',
    id: 'remote-video',
    attrs: { autoplay: true, playsinline: true, 'aria-label': 'Customer video' },
  });
  const self = h('video', {
    class: 'self',
    id: 'local-video',
    attrs: { autoplay: true, playsinline: true, 'aria-label': 'Your video' },
  });
  self.muted = true;
  const screen = h('video', {
    class: 'screen',
    attrs: { autoplay: true, playsinline: true, hidden: true, 'aria-label': 'Shared screen' },
  });
  const lobby = h('div', { id: 'room-lobby', attrs: { 'aria-live': 'polite' } });
  const chatLog = h('ul', { class: 'chat-log', id: 'chat-log', attrs: { 'aria-live': 'polite' } });
  const view: CallView = {
    remoteVideo: (track: RemoteTrack | null) =>
      track ? void track.attach(remote) : (remote.srcObject = null),
    remoteScreen: (track: RemoteTrack | null) => {
      screen.hidden = !track;
      if (track) track.attach(screen);
      else screen.srcObject = null;
    },
    state: (state) => {
      if (state === 'reconnecting') say('Connection lost, reconnecting…', 'notice');
      else if (state === 'connected') say('In the call.', 'ok');
      else if (state === 'disconnected') {
        say('The call has ended. Record the outcome below.');
        call = null;
        void loadList().catch(() => undefined);
        renderCallStart(appointment, area);
      }
    },
    chat: (line) => {
      chatLog.append(h('li', {}, h('span', { class: 'who' }, line.mine ? 'You' : line.from), line.text));
      chatLog.scrollTop = chatLog.scrollHeight;
    },
    admitted: () => {
      if (media.video) media.video.attach(self);
    },
    peers: (peers: Peer[]) => {
      const inLobby = peers.filter((p) => p.waiting);
      if (inLobby.length > 0) chime();
      fill(
        lobby,
        ...inLobby.map((p) =>
          h(
            'p',
            { class: 'notice waiting row' },
            `${p.name} is waiting in the lobby.`,
            h(
              'button',
              {
                class: 'primary',
                id: 'admit',
                attrs: { type: 'button' },
                on: { click: () => void admit(appointment.id, p) },
              },
              'Admit',
            ),
          ),
        ),
      );
    },
  };
  call = await joinCall(access, media, view);
  const current = call;
  let micOn = true;
  let cameraOn = Boolean(media.video);
  let sharing = false;
  const toggle = (id: string, label: () => string, pressed: () => boolean, act: () => Promise<void>) => {
    const button = h('button', { id, attrs: { type: 'button' } });
    const paint = () => {
      button.textContent = label();
      button.setAttribute('aria-pressed', String(pressed()));
    };
    button.addEventListener('click', () => void act().then(paint));
    paint();
    return button;
  };
  const input = h('input', { id: 'chat-input', attrs: { autocomplete: 'off', maxlength: '1000' } });
  const chatForm = h(
    'form',
    { class: 'row', id: 'chat-form' },
    h('label', { class: 'sr-only', attrs: { for: 'chat-input' } }, 'Message'),
    input,
    h('button', { attrs: { type: 'submit' } }, 'Send'),
  );
  chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void current.sendChat(text);
  });
  fill(
    area,
    lobby,
    h('div', { class: 'stage' }, remote, self),
    screen,
    h(
      'div',
      { class: 'row controls', attrs: { role: 'toolbar', 'aria-label': 'Call' } },
      toggle(
        'toggle-mic',
        () => (micOn ? 'Mute' : 'Unmute'),
        () => !micOn,
        async () => {
          micOn = !micOn;
          await current.setMicrophone(micOn);
        },
      ),
      toggle(
        'toggle-camera',
        () => (cameraOn ? 'Turn camera off' : 'Turn camera on'),
        () => !cameraOn,
        async () => {
          cameraOn = !cameraOn;
          await current.setCamera(cameraOn);
        },
      ),
      toggle(
        'toggle-share',
        () => (sharing ? 'Stop sharing' : 'Share screen'),
        () => sharing,
        async () => {
          if (await current.setScreenShare(!sharing)) sharing = !sharing;
        },
      ),
      h(
        'button',
        {
          class: 'danger',
          id: 'leave',
          attrs: { type: 'button' },
          on: { click: () => void current.leave() },
        },
        'Leave',
      ),
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'chat-heading' } },
      h('h3', { id: 'chat-heading' }, 'Chat'),
      chatLog,
      chatForm,
    ),
  );
}

async function renderContext(appointment: Appointment, area: HTMLElement): Promise<void> {
  fill(area, h('h2', { id: 'context-heading' }, 'Customer'), h('p', { class: 'muted' }, 'Loading…'));
  let c: CustomerContext;
  try {
    c = await api<CustomerContext>('GET', `/api/customers/${appointment.customerId}/context`);
  } catch (error) {
    fill(
      area,
      h('h2', { id: 'context-heading' }, 'Customer'),
      h('p', { class: 'error' }, (error as Error).message),
    );
    return;
  }
  const table = (head: string[], rows: (string | Node)[][]) =>
    rows.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { attrs: { scope: 'col' } }, x)))),
          h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell) => h('td', {}, cell))))),
        );
  fill(
    area,
    h('h2', { id: 'context-heading' }, `${c.profile.firstName} ${c.profile.lastName}`),
    h(
      'p',
      {},
      `${words(c.profile.segment)} · ${c.profile.locale} · reachable by ${c.reachableMedia.join(', ') || 'nothing (no consent)'}`,
    ),
    h(
      'p',
      { id: 'balance' },
      h('strong', {}, `Owes ${money(c.balance.owedCents)}`),
      c.balance.overdueCents > 0 ? `, of which ${money(c.balance.overdueCents)} overdue` : '',
      c.balance.nextDue
        ? `; next due ${c.balance.nextDue.dueOn} (${money(c.balance.nextDue.amountCents)})`
        : '',
    ),
    h('h3', {}, 'Accounts'),
    table(
      ['Account', 'Supply', 'Tariff'],
      c.accounts.map((a) => [`${a.number} (${words(a.kind)})`, a.supplyAddress, a.tariff]),
    ),
    h('h3', {}, 'Open bills'),
    table(
      ['Bill', 'Due', 'Amount', 'vs previous', 'vs a year ago', 'Moved most'],
      c.openBills.map((b) => [
        `${b.number} (${b.periodStart} – ${b.periodEnd})`,
        `${b.dueOn} · ${words(b.status)}`,
        money(b.amountCents - b.paidCents),
        change(b.comparison.amount.vsPrevious),
        change(b.comparison.amount.vsYearAgo),
        b.comparison.lines[0]
          ? `${b.comparison.lines[0].description}: ${money(b.comparison.lines[0].currentCents)}${b.comparison.lines[0].previousCents === null ? '' : ` (was ${money(b.comparison.lines[0].previousCents)})`}`
          : '–',
      ]),
    ),
    h('h3', {}, 'Recent payments'),
    table(
      ['Paid', 'Amount', 'How'],
      c.recentPayments.map((p) => [
        day(p.paidAt),
        money(p.amountCents),
        `${words(p.method)} via ${words(p.channel)}`,
      ]),
    ),
    h('h3', {}, 'Recent contacts, every channel'),
    table(
      ['When', 'Channel', 'Reason', 'What happened'],
      c.recentInteractions.map((i) => [
        `${date(i.startedAt)} ${time(i.startedAt)}`,
        `${words(i.channel)} · ${words(i.touchpoint)}`,
        words(i.reason),
        describe(i),
      ]),
    ),
  );
}

/** What a contact was, in a few words: the question asked of the voice assistant, the link opened. */
function describe(i: Interaction): string {
  const d = i.details;
  const parts: string[] = [];
  if (typeof d.intent === 'string')
    parts.push(
      `asked: ${d.intent
        .replace(/Intent$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase()}`,
    );
  if (i.channel === 'web' && typeof d.sentDuring === 'string')
    parts.push(`opened the ${words(i.touchpoint)}`);
  const wrapUp = d.wrapUp as { outcome?: string; notes?: string } | undefined;
  if (wrapUp?.outcome)
    parts.push(`advisor: ${words(wrapUp.outcome)}${wrapUp.notes ? ` – ${wrapUp.notes}` : ''}`);
  parts.push(words(i.outcome));
  return parts.join('; ');
}

function renderWrapUp(appointment: Appointment, area: HTMLElement): void {
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
    void retryWhileClosing(() =>
      api<Interaction>('POST', `/api/appointments/${appointment.id}/wrap-up`, {
        outcome,
        notes: notes.value.trim(),
      }),
    )
      .then((interaction) => {
        result.className = 'ok';
        result.textContent = 'Saved in the customer’s journey.';
        renderFollowUps(appointment, interaction, followUps);
      })
      .catch((error: unknown) => {
        result.className = 'error';
        result.textContent = `Not saved: ${(error as Error).message}`;
      })
      .finally(() => (save.disabled = false));
  });
  fill(area, form, followUps);
}

/** The consultation reaches the journey a moment after the call ends; until then the app answers 503. */
async function retryWhileClosing<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 503) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function renderFollowUps(appointment: Appointment, consultation: Interaction, area: HTMLElement): void {
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
  find.addEventListener('click', () => void showSlots(appointment, consultation, date.value, slots));
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
                on: { click: () => void book(appointment, consultation, slot.startsAt, area) },
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
    await loadList();
  } catch (error) {
    fill(area, h('p', { class: 'error' }, (error as Error).message));
  }
}

// ── Start ───────────────────────────────────────────────────────────────────────────────────

async function refresh(): Promise<void> {
  try {
    await loadList();
    await watchLobbies();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      window.location.assign('/manage/login?next=/console');
    else say(`Could not load the consultations: ${(error as Error).message}`, 'error');
  }
}
await refresh();
setInterval(() => void watchLobbies().catch(() => undefined), 3000);
setInterval(() => void loadList().catch(() => undefined), 60_000);
window.addEventListener('beforeunload', () => void call?.leave());
