import { joinCall, openLocalMedia, type Call, type CallAccess, type CallView, type Peer } from './call.ts';
import { createCallScreen } from './call-screen.ts';
import { renderContext } from '../../web/browser/customer-context.ts';
import { day, dayKey, time, words, type Appointment } from '../../web/browser/console-format.ts';
import { renderWrapUp } from './console-wrap-up.ts';
import { consultationTexts, type CallLabels } from './consultation-texts.ts';
import { api, ApiError, CONSULTATION_EVENT, fill, h, pageData } from '../../web/browser/dom.ts';

// The advisor console: today's and upcoming consultations, who waits in a lobby (with a visual
// and a sound cue), the call beside the customer's context, and the wrap-up with its follow-ups.
// Everything goes through the app's API, the same services the other channels use.

interface Participant {
  identity: string;
  name: string;
  role?: 'advisor' | 'customer';
  canPublish: boolean;
}
const { user } = pageData<{ user: { displayName: string; role: string } }>();
const app = document.getElementById('app') as HTMLElement;
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
  const contextArea = h('section', { id: 'customer-context', class: 'card' });
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
  renderWrapUp(appointment, wrapUpArea, () => void loadList().catch(() => undefined));
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
  const screen = createCallScreen(callLabels, media);
  const lobby = h('div', { id: 'room-lobby', attrs: { 'aria-live': 'polite' } });
  const view: CallView = {
    remoteVideo: screen.remoteVideo,
    remoteScreen: screen.remoteScreen,
    chat: screen.chat,
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
    admitted: screen.showSelf,
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
  fill(area, lobby, screen.stage, screen.screen, screen.toolbar(call), screen.chatPanel(call, 'h3'));
}

// The console speaks English: the call's words are the customer page's English ones.
const callLabels: CallLabels = { ...consultationTexts['en-US'].call, remoteVideo: 'Customer’s video' };

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
document.addEventListener(CONSULTATION_EVENT, (event) => {
  const { appointmentId } = (event as CustomEvent<{ appointmentId: string }>).detail;
  void loadList()
    .then(() => openConsultation(appointmentId))
    .catch((error: unknown) => say(`Could not open the consultation: ${(error as Error).message}`, 'error'));
});
await refresh();
setInterval(() => void watchLobbies().catch(() => undefined), 3000);
setInterval(() => void loadList().catch(() => undefined), 60_000);
window.addEventListener('beforeunload', () => void call?.leave());
