import request from 'supertest';
import WebSocket from 'ws';
import { closeSocket, type ChatInstance, type Frame } from './chat.ts';
import { staffPassword } from './fixtures.ts';

/** The session cookie of a staff login on an instance. */
export async function sessionCookie(instance: ChatInstance, username: string): Promise<string> {
  const response = await request(instance.app)
    .post('/api/auth/login')
    .send({ username, password: staffPassword })
    .expect(200);
  const set = response.headers['set-cookie'] as unknown as string[];
  return set.map((c) => c.split(';')[0]).join('; ');
}

/** The status and problem of an advisors' socket the app refused, or null when it opened. */
export async function advisorRefusal(instance: ChatInstance, headers: Record<string, string>) {
  const socket = new WebSocket(`${instance.url}/chat/advisor-socket`, { headers });
  return new Promise<{ status: number | undefined; problem: { code: string; title: string } } | null>(
    (resolve, reject) => {
      socket.once('open', () => {
        socket.close();
        resolve(null);
      });
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, problem: JSON.parse(body) }));
      });
      socket.once('error', reject);
    },
  );
}

/** An advisor's console socket, opened from the app's own page, that keeps every frame. */
export async function advisorSocket(instance: ChatInstance, cookie: string) {
  const origin = instance.url.replace('ws://', 'http://');
  const socket = new WebSocket(`${instance.url}/chat/advisor-socket`, { headers: { cookie, origin } });
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > until)
        throw new Error(`no ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(frames, null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await waitFor(() => frames.find((f) => f.type === 'ready'), 'ready frame');
  return {
    socket,
    frames,
    waitFor,
    send: (frame: object) => socket.send(JSON.stringify(frame)),
    /** The messages of one chat this socket received, in order. */
    messages: (conversationId: string) =>
      frames
        .filter((f) => f.type === 'message' && f.conversationId === conversationId)
        .map((f) => f.message as { seq: number; author: string; body: string }),
    close: () => closeSocket(socket),
  };
}
export type AdvisorSocket = Awaited<ReturnType<typeof advisorSocket>>;
