import { WIDGET_STYLES } from './widget-styles.ts';
import { widgetTexts } from './widget-texts.ts';

// The chat widget an organisation adds to its pages with one script tag:
//   <script src="https://<app>/assets/chatwidget.js" data-locale="it-IT" data-page="bill_page"
//           data-identity="<signed identity>" async></script>
// Everything lives in a shadow root (the site's styles do not reach it, its styles do not leak),
// every text is set as text (never as HTML), and the conversation survives reloads: its id and
// key are kept in sessionStorage (a reloaded page asks for the whole conversation), and a lost
// connection is opened again with growing pauses, asking only for what came after the last
// message shown.

interface Message {
  seq: number;
  author: 'visitor' | 'bot' | 'advisor' | 'system';
  body: string;
  quickReplies: { label: string; value: string }[];
}
type Frame =
  | { type: 'ready'; conversationId: string; key?: string; status: string; transcript: boolean }
  | { type: 'message'; message: Message }
  | {
      type: 'status';
      status: string;
      position: number | null;
      minutes: number | null;
      advisors: 'open' | 'closed';
      opensAt: string | null;
      survey?: boolean;
    }
  | { type: 'csat'; score: number }
  | { type: 'transcript'; to: string }
  | { type: 'typing'; who: string }
  | { type: 'read'; who: string; seq: number }
  | { type: 'error'; code: string; message: string };

const script = document.currentScript as HTMLScriptElement | null;
const origin = new URL(script?.src ?? location.href).origin;
const data = script?.dataset ?? {};
const locale = data.locale === 'en-US' ? 'en-US' : 'it-IT';
const t = widgetTexts[locale];
const storageKey = `channel-pilot-chat:${origin}`;
const MAX_PAUSE_MS = 30_000;

interface Kept {
  conversationId: string;
  key: string;
}
const kept = (): Kept | null => {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Kept | null;
  } catch {
    return null;
  }
};
const keep = (value: Kept | null) =>
  value ? sessionStorage.setItem(storageKey, JSON.stringify(value)) : sessionStorage.removeItem(storageKey);

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text !== undefined) made.textContent = text;
  return made;
}

const host = element('div', { 'data-channel-pilot-chat': '' });
const root = host.attachShadow({ mode: 'open' });
const style = element('style', {}, WIDGET_STYLES);
const launcher = element(
  'button',
  { class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'panel' },
  t.open,
);
const panel = element('section', { id: 'panel', role: 'dialog', 'aria-labelledby': 'title', lang: locale });
panel.hidden = true;
const header = element('header');
const title = element('h2', { id: 'title' }, t.title);
const closer = element('button', { class: 'close', 'aria-label': t.close }, '×');
header.append(title, closer);
const status = element('p', { class: 'status', role: 'status' });
const log = element('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages });
const quick = element('div', { class: 'quick', role: 'group', 'aria-label': t.suggestions });
const typing = element('p', { class: 'typing', 'aria-live': 'polite' });
const form = element('form');
const label = element('label', { for: 'text', class: 'hidden-label' }, t.yourMessage);
const input = element('textarea', { id: 'text', rows: '2', maxlength: '2000', autocomplete: 'off' });
const send = element('button', { type: 'submit' }, t.send);
form.append(label, input, send);
const ender = element('button', { class: 'end', type: 'button' }, t.end);
const mailer = element('button', { class: 'transcript', type: 'button' }, t.transcript);
mailer.hidden = true;
const survey = element('fieldset', { class: 'survey' });
survey.hidden = true;
survey.append(
  element('legend', {}, t.csatQuestion),
  ...[1, 2, 3, 4, 5].map((score) => {
    const button = element('button', { type: 'button', 'aria-label': t.csatScore(score) }, String(score));
    button.addEventListener('click', () => transmit({ type: 'csat', score }));
    return button;
  }),
  element('p', { class: 'scale' }, t.csatScale),
);
panel.append(header, status, log, quick, typing, form, survey, mailer, ender);
root.append(style, launcher, panel);
document.body.append(host);

let socket: WebSocket | null = null;
let attempt = 0;
let closedChat = false;
let lastTyped = 0;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let seq = 0;

const who = (author: Message['author']) =>
  ({ visitor: t.you, bot: t.bot, advisor: t.advisor, system: '' })[author];

function show(message: Message): void {
  if (message.seq <= seq) return;
  seq = message.seq;
  const item = element('li', { class: message.author, 'data-seq': String(message.seq) });
  const name = who(message.author);
  if (name) item.append(element('span', { class: 'who' }, name));
  item.append(linked(message));
  log.append(item);
  log.scrollTop = log.scrollHeight;
  quick.replaceChildren(
    ...message.quickReplies.map((reply) => {
      const button = element('button', { type: 'button' }, reply.label);
      button.addEventListener('click', () => transmit({ type: 'quick', value: reply.value }));
      return button;
    }),
  );
  if (message.author === 'advisor') typing.textContent = '';
  if (!panel.hidden) transmit({ type: 'read', seq });
}

/** A message's text; in the staff's messages, web addresses (a call's join link) become links. */
function linked(message: Message): HTMLElement {
  const body = element('span', { class: 'body' });
  const parts = message.author === 'visitor' ? [message.body] : message.body.split(/(https?:\/\/\S+)/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) body.append(part);
    else body.append(element('a', { href: part, target: '_blank', rel: 'noopener' }, part));
  });
  return body;
}

const readMark = element('span', { class: 'read-mark' }, t.read);
/** Shows "read" under the visitor's last message the advisor has read. */
function markRead(upTo: number): void {
  const mine = [...log.querySelectorAll<HTMLElement>('li.visitor')].filter(
    (li) => Number(li.dataset.seq) <= upTo,
  );
  mine.at(-1)?.append(readMark);
}

function transmit(frame: object): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function address(): string {
  const query = new URLSearchParams({ locale, page: data.page ?? 'widget' });
  if (data.identity) query.set('identity', data.identity);
  if (data.link) query.set('link', data.link);
  // On the kit's own pages: the page's customer, as its personal link proved.
  if (data.visit) query.set('visit', data.visit);
  const stored = kept();
  // A link from a reply by e-mail opens its conversation, again at each reconnection.
  if (data.resume) {
    query.set('resume', data.resume);
    query.set('after', String(seq));
  } else if (stored) {
    query.set('conversation', stored.conversationId);
    query.set('key', stored.key);
    query.set('after', String(seq));
  }
  return `${origin.replace(/^http/, 'ws')}/chat/socket?${query}`;
}

function connect(): void {
  if (socket || closedChat) return;
  status.textContent = attempt === 0 ? t.connecting : t.reconnecting;
  const opened = new WebSocket(address());
  socket = opened;
  opened.addEventListener('message', (event) => {
    const frame = JSON.parse(String(event.data)) as Frame;
    if (frame.type === 'ready') {
      attempt = 0;
      status.textContent = '';
      if (frame.key && !data.resume) keep({ conversationId: frame.conversationId, key: frame.key });
      mailer.hidden = !frame.transcript;
    } else if (frame.type === 'message') show(frame.message);
    else if (frame.type === 'status') {
      status.setAttribute('role', 'status');
      status.textContent =
        frame.status === 'waiting' && frame.position
          ? `${t.waiting(frame.position)} ${t.estimate(frame.minutes)}`
          : frame.status === 'closed'
            ? t.closed
            : frame.advisors === 'closed'
              ? t.advisorsClosed(frame.opensAt ? new Date(frame.opensAt) : null)
              : '';
      if (frame.status === 'closed') {
        finish();
        survey.hidden = !frame.survey;
      }
    } else if (frame.type === 'csat') {
      survey.hidden = true;
      status.textContent = t.csatThanks;
    } else if (frame.type === 'transcript') {
      status.textContent = t.transcriptSent(frame.to);
    } else if (frame.type === 'typing' && frame.who === 'advisor') {
      typing.textContent = t.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (typing.textContent = ''), 4_000);
    } else if (frame.type === 'read' && frame.who === 'advisor') markRead(frame.seq);
    else if (frame.type === 'error') {
      status.setAttribute('role', 'alert');
      status.textContent = frame.message;
    }
  });
  opened.addEventListener('close', () => {
    socket = null;
    if (closedChat) return;
    // A chat that cannot be reopened (refused, or its key lost) starts again as a new one.
    if (attempt > 3) keep(null);
    const pause = Math.min(MAX_PAUSE_MS, 1_000 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    status.textContent = t.reconnecting;
    setTimeout(connect, pause);
  });
}

function finish(): void {
  closedChat = true;
  keep(null);
  form.hidden = true;
  quick.replaceChildren();
  ender.textContent = t.newChat;
}

function setOpen(open: boolean): void {
  panel.hidden = !open;
  launcher.setAttribute('aria-expanded', String(open));
  if (open) {
    connect();
    input.focus();
    if (seq > 0) transmit({ type: 'read', seq });
  } else launcher.focus();
}

launcher.addEventListener('click', () => setOpen(panel.hidden));
closer.addEventListener('click', () => setOpen(false));
panel.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') setOpen(false);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
input.addEventListener('input', () => {
  if (Date.now() - lastTyped < 3_000) return;
  lastTyped = Date.now();
  transmit({ type: 'typing' });
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  transmit({ type: 'message', text });
  input.value = '';
});
mailer.addEventListener('click', () => transmit({ type: 'transcript' }));
ender.addEventListener('click', () => {
  if (!closedChat) {
    transmit({ type: 'end' });
    return;
  }
  closedChat = false;
  survey.hidden = true;
  seq = 0;
  log.replaceChildren();
  status.textContent = '';
  form.hidden = false;
  ender.textContent = t.end;
  socket?.close();
  connect();
});

// A chat going on before a reload, or opened from a reply by e-mail, comes back at once, open.
if (kept() || data.resume) setOpen(true);
