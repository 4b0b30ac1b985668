import { renderContext } from '../../web/browser/customer-context.ts';
import { time, words } from '../../web/browser/console-format.ts';
import { api, fill, h } from '../../web/browser/dom.ts';
import { CONSULTATION_EVENT } from '../../web/browser/dom.ts';
import type { CannedReply, Colleague, Conversation, InboxFrame, Message } from './inbox-types.ts';

// One chat open in the inbox: what the bot answered before the hand-off, the conversation live,
// the reply box with canned replies, hand-over, video, closing with an outcome, and the customer's
// context beside it. Every text is set as text.

export interface OpenChat {
  id: string;
  /** The last message shown (a reconnecting socket watches again from it). */
  lastSeq(): number;
  hear(frame: InboxFrame): void;
}

const who = { visitor: 'Customer', bot: 'Bot', advisor: 'You', system: '' } as const;

export async function openChat(options: {
  conversation: Conversation;
  area: HTMLElement;
  me: string;
  transmit: (frame: object) => void;
  say: (text: string, kind?: '' | 'error' | 'ok' | 'notice') => void;
  changed: () => void;
}): Promise<OpenChat> {
  const { conversation: c, area, transmit, say } = options;
  const mine = c.status === 'assigned' && c.advisorId === options.me;
  const botPart = h('ol', { class: 'chat-log', attrs: { 'aria-label': 'What the bot answered' } });
  const log = h('ol', {
    class: 'chat-log',
    id: 'inbox-log',
    attrs: { role: 'log', 'aria-label': 'Conversation' },
  });
  const typing = h('p', { class: 'muted', id: 'inbox-typing', attrs: { 'aria-live': 'polite' } });
  const readMark = h('span', { class: 'read-mark' }, 'Read by the customer');
  const context = h('section', { id: 'inbox-customer-context', class: 'card' });
  let shown = 0;
  let visitorRead = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const handedOffAt = c.queuedAt ? new Date(c.queuedAt).getTime() : Infinity;

  function show(message: Message): void {
    if (message.seq <= shown) return;
    shown = message.seq;
    const item = h(
      'li',
      { class: message.author, attrs: { 'data-seq': String(message.seq) } },
      who[message.author]
        ? h('span', { class: 'who' }, `${who[message.author]} · ${time(message.createdAt)}`)
        : null,
      message.body,
    );
    (new Date(message.createdAt).getTime() < handedOffAt ? botPart : log).append(item);
    log.scrollTop = log.scrollHeight;
    if (message.author === 'visitor') typing.textContent = '';
    markRead();
    if (mine && document.visibilityState === 'visible')
      transmit({ type: 'read', conversationId: c.id, seq: shown });
  }
  function markRead(): void {
    const read = [...log.querySelectorAll<HTMLElement>('li.advisor')].filter(
      (li) => Number(li.dataset.seq) <= visitorRead,
    );
    read.at(-1)?.append(readMark);
  }

  const reply = h('textarea', {
    id: 'inbox-reply',
    attrs: { 'aria-label': 'Your reply', maxlength: '2000' },
  });
  let lastTyped = 0;
  reply.addEventListener('input', () => {
    if (Date.now() - lastTyped < 3000) return;
    lastTyped = Date.now();
    transmit({ type: 'typing', conversationId: c.id });
  });
  const canned = h('select', { id: 'canned-reply', attrs: { 'aria-label': 'Canned reply' } });
  const send = async (event: Event) => {
    event.preventDefault();
    const text = reply.value.trim();
    if (!text) return;
    try {
      const sent = await api<{ emailed: boolean }>('POST', `/api/chat/conversations/${c.id}/messages`, {
        text,
      });
      reply.value = '';
      say(sent.emailed ? 'The customer has left: the reply also went out by e-mail.' : 'Sent.', 'ok');
    } catch (error) {
      say(`Not sent: ${(error as Error).message}`, 'error');
    }
  };
  const act = (label: string, id: string, run: () => Promise<string>) =>
    h(
      'button',
      {
        id,
        attrs: { type: 'button' },
        on: {
          click: () =>
            void run().then(
              (done) => {
                say(done, 'ok');
                options.changed();
              },
              (error: unknown) => say(`${label}: ${(error as Error).message}`, 'error'),
            ),
        },
      },
      label,
    );
  const colleagues = h('select', { id: 'transfer-to', attrs: { 'aria-label': 'Colleague' } });
  const outcome = h(
    'select',
    { id: 'close-outcome', attrs: { 'aria-label': 'Outcome' } },
    ...['resolved', 'failed', 'handed_off'].map((o) => h('option', { attrs: { value: o } }, words(o))),
  );
  const tools = mine
    ? h(
        'div',
        {},
        h(
          'form',
          { on: { submit: (e) => void send(e) } },
          h(
            'div',
            { class: 'row' },
            canned,
            h('button', { attrs: { type: 'submit' }, class: 'primary' }, 'Send'),
          ),
          reply,
        ),
        h(
          'div',
          { class: 'row' },
          colleagues,
          act('Transfer', 'transfer', async () => {
            await api('POST', `/api/chat/conversations/${c.id}/transfer`, { advisorId: colleagues.value });
            return 'Handed over.';
          }),
          act('Switch to video', 'switch-to-video', async () => {
            const booked = await api<{ appointmentId: string }>(
              'POST',
              `/api/chat/conversations/${c.id}/video`,
              {},
            );
            // The consultations' part of the console opens it, with its call and wrap-up.
            document.dispatchEvent(
              new CustomEvent(CONSULTATION_EVENT, { detail: { appointmentId: booked.appointmentId } }),
            );
            return 'The join link is in the chat; the consultation is open above.';
          }),
          outcome,
          act('Close', 'close-chat', async () => {
            await api('POST', `/api/chat/conversations/${c.id}/close`, { outcome: outcome.value });
            return `Closed: ${words(outcome.value)}.`;
          }),
        ),
      )
    : null;

  fill(
    area,
    h(
      'h2',
      {},
      `${c.customerId ? 'Customer' : 'Anonymous visitor'} · ${c.locale} · ${words(c.touchpoint)} · ${words(c.status)}`,
    ),
    h(
      'div',
      { class: 'call-layout' },
      h(
        'div',
        {},
        h(
          'details',
          { attrs: { open: true } },
          h('summary', {}, 'What the bot answered before the hand-off'),
          botPart,
        ),
        log,
        typing,
        tools,
      ),
      context,
    ),
  );
  if (c.customerId) void renderContext({ customerId: c.customerId }, context, 'inbox-');
  else
    fill(
      context,
      h('h2', {}, 'Customer'),
      h('p', { class: 'muted' }, 'Not identified: nothing about any customer may be said.'),
    );
  if (mine) {
    const [replies, team] = await Promise.all([
      api<CannedReply[]>('GET', `/api/chat/canned-replies?locale=${encodeURIComponent(c.locale)}`),
      api<Colleague[]>('GET', '/api/chat/advisors'),
    ]);
    fill(
      canned,
      h('option', { attrs: { value: '' } }, 'Canned reply…'),
      ...replies.map((r) => h('option', { attrs: { value: r.id } }, r.title)),
    );
    canned.addEventListener('change', () => {
      const picked = replies.find((r) => r.id === canned.value);
      if (picked) reply.value = picked.body;
      reply.focus();
    });
    const others = team.filter((t) => t.advisorId !== options.me && t.available);
    // Colleagues whose consoles went silent are shown, but cannot be handed a chat.
    const away = team.filter((t) => t.advisorId !== options.me && t.away);
    colleagues.disabled = others.length === 0;
    fill(
      colleagues,
      others.length === 0 ? h('option', {}, 'No colleague is taking chats') : null,
      ...others.map((t) => h('option', { attrs: { value: t.advisorId } }, `${t.name} (${t.open} open)`)),
      ...away.map((t) => h('option', { attrs: { value: t.advisorId, disabled: true } }, `${t.name} (away)`)),
    );
  }

  return {
    id: c.id,
    lastSeq: () => shown,
    hear(frame) {
      if (frame.type === 'message') show(frame.message);
      else if (frame.type === 'read' && frame.who === 'visitor') {
        visitorRead = Math.max(visitorRead, frame.seq);
        markRead();
      } else if (frame.type === 'typing' && frame.who === 'visitor') {
        typing.textContent = 'The customer is typing…';
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => (typing.textContent = ''), 4000);
      }
    },
  };
}
