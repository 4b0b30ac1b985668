import { words } from '../../web/browser/console-format.ts';
import { api, fill, h } from '../../web/browser/dom.ts';
import { openChat, type OpenChat } from './inbox-chat.ts';
import { INBOX_STYLES, type Colleague, type Conversation, type InboxFrame } from './inbox-types.ts';

// The chat inbox in the advisor console, beside the consultations: whether the advisor takes chats
// (waiting ones are then given to the least loaded advisor within the limit), the queue with each
// chat's place and wait, claiming, the advisor's own chats, and one chat open. It follows the
// chats live through the advisors' socket, which reconnects with growing pauses and watches again
// from the last message shown.

const area = document.getElementById('console-chatinbox') as HTMLElement;
const status = h('p', {
  id: 'inbox-status',
  class: 'status-line',
  attrs: { role: 'status', 'aria-live': 'polite' },
});
const say = (text: string, kind: '' | 'error' | 'ok' | 'notice' = '') => {
  status.className = `status-line ${kind}`;
  status.textContent = text;
};
const taking = h('input', { id: 'taking-chats', attrs: { type: 'checkbox' } });
const away = h(
  'p',
  { id: 'inbox-away', class: 'status-line notice', attrs: { hidden: true } },
  'Away: this console went unheard for a while, so no chats are assigned to you until it is connected again.',
);
const queueArea = h('div', { id: 'chat-queue' });
const mineArea = h('div', { id: 'my-chats' });
const detail = h('section', { id: 'inbox-chat', attrs: { hidden: true } });
document.head.append(h('style', {}, INBOX_STYLES));
fill(
  area,
  h('h1', {}, 'Chats'),
  h('label', { class: 'row' }, taking, 'Taking chats (new ones are assigned to me automatically)'),
  away,
  status,
  h('h2', {}, 'Waiting'),
  queueArea,
  h('h2', {}, 'My chats'),
  mineArea,
  detail,
);

let me = '';
let queue: Conversation[] = [];
let open: OpenChat | null = null;
let socket: WebSocket | null = null;
let attempt = 0;

const waited = (since: string | null) => {
  const seconds = since ? Math.max(0, Math.round((Date.now() - new Date(since).getTime()) / 1000)) : 0;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
};
const who = (c: Conversation) => (c.customerId ? 'Identified customer' : 'Anonymous visitor');
const button = (label: string, click: () => void, primary = false) =>
  h('button', { class: primary ? 'primary' : '', attrs: { type: 'button' }, on: { click } }, label);

function renderQueue(): void {
  fill(
    queueArea,
    queue.length === 0
      ? h('p', { class: 'muted' }, 'Nobody is waiting.')
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Place', 'Waiting', 'Who', 'Language', 'Started on', ''].map((x) =>
                h('th', { attrs: { scope: 'col' } }, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            ...queue.map((c) =>
              h(
                'tr',
                { attrs: { 'data-chat': c.id } },
                h('td', {}, String(c.position ?? '')),
                h('td', {}, waited(c.queuedAt)),
                h('td', {}, who(c)),
                h('td', {}, c.locale),
                h('td', {}, words(c.touchpoint)),
                h(
                  'td',
                  { class: 'row' },
                  button('Claim', () => void claim(c.id), true),
                  button('Look', () => void show(c)),
                ),
              ),
            ),
          ),
        ),
  );
}

async function refresh(): Promise<void> {
  const [waiting, mine, team] = await Promise.all([
    api<Conversation[]>('GET', '/api/chat/queue'),
    api<Conversation[]>('GET', '/api/chat/mine'),
    api<Colleague[]>('GET', '/api/chat/advisors'),
  ]);
  queue = waiting;
  const self = team.find((t) => t.advisorId === me);
  if (me) taking.checked = Boolean(self && (self.available || self.away));
  away.hidden = !self?.away;
  renderQueue();
  fill(
    mineArea,
    mine.length === 0
      ? h('p', { class: 'muted' }, 'No chats assigned to you.')
      : h(
          'ul',
          {},
          ...mine.map((c) =>
            h(
              'li',
              { class: 'row' },
              `${who(c)} · ${c.locale} · assigned ${waited(c.assignedAt)} ago`,
              button('Open', () => void show(c), true),
            ),
          ),
        ),
  );
}

async function claim(id: string): Promise<void> {
  try {
    const claimed = await api<Conversation>('POST', `/api/chat/conversations/${id}/claim`);
    say('The chat is yours.', 'ok');
    await refresh();
    await show(claimed);
  } catch (error) {
    say(`Could not claim it: ${(error as Error).message}`, 'error');
  }
}

async function show(c: Conversation): Promise<void> {
  if (open) transmit({ type: 'unwatch', conversationId: open.id });
  const current = await api<Conversation>('GET', `/api/chat/conversations/${c.id}`);
  detail.hidden = false;
  open = await openChat({
    conversation: current,
    area: detail,
    me,
    transmit,
    say,
    changed: () => void refresh(),
  });
  transmit({ type: 'watch', conversationId: current.id, after: 0 });
}

function transmit(frame: object): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function connect(): void {
  const opened = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat/advisor-socket`,
  );
  socket = opened;
  opened.addEventListener('message', (event) => {
    const frame = JSON.parse(String(event.data)) as InboxFrame;
    if (frame.type === 'ready') {
      attempt = 0;
      me = frame.advisorId;
      void refresh().catch(() => undefined);
      if (open) transmit({ type: 'watch', conversationId: open.id, after: open.lastSeq() });
    } else if (frame.type === 'error') say(frame.message, 'error');
    else if (frame.type === 'status') {
      void refresh().catch(() => undefined);
      // A chat handed over or closed is shown again as it is now.
      if (open?.id === frame.conversationId)
        void show({ id: open.id } as Conversation).catch(() => undefined);
    } else if (open?.id === frame.conversationId) open.hear(frame);
  });
  opened.addEventListener('close', () => {
    socket = null;
    const pause = Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, pause);
  });
}

taking.addEventListener('change', () => {
  void api<{ assigned: number }>('POST', '/api/chat/availability', { available: taking.checked }).then(
    (r) => {
      say(
        taking.checked
          ? `Taking chats${r.assigned ? `: ${r.assigned} assigned to you` : ''}.`
          : 'Not taking new chats.',
        'ok',
      );
      return refresh();
    },
    (error: unknown) => say(`Could not change it: ${(error as Error).message}`, 'error'),
  );
});

connect();
// Who this advisor is, without waiting for the socket (which may not get through at all).
me = me || (await api<{ id: string }>('GET', '/api/auth/me').catch(() => ({ id: '' }))).id;
await refresh().catch((error: unknown) =>
  say(`Could not load the chats: ${(error as Error).message}`, 'error'),
);
setInterval(renderQueue, 5000);
setInterval(() => void refresh().catch(() => undefined), 30_000);
