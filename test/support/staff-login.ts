import request from 'supertest';
import { staffPassword } from './fixtures.ts';

/** An agent on `app` that logged in as the staff member `username` (with `staffPassword`) and keeps the session. */
export async function loggedInAgent(app: Parameters<typeof request.agent>[0], username: string) {
  const agent = request.agent(app);
  await agent.post('/api/auth/login').send({ username, password: staffPassword }).expect(200);
  return agent;
}

/** Each form agent's session token, as its pages' forms carry it. */
const formTokens = new WeakMap<request.Agent, string>();

/**
 * A logged-in agent that also holds its session's form token, read from a page the login may
 * see (a manager's pilots, an advisor's console).
 */
export async function loggedInFormAgent(app: Parameters<typeof request.agent>[0], username: string) {
  const agent = await loggedInAgent(app, username);
  for (const path of ['/manage/pilots', '/console']) {
    const token = /name="csrf" value="([^"]+)"/.exec((await agent.get(path)).text)?.[1];
    if (token) {
      formTokens.set(agent, token);
      return agent;
    }
  }
  throw new Error(`no page ${username} may see carries a form token`);
}

/** The form token of an agent from `loggedInFormAgent`. */
export const formTokenOf = (agent: request.Agent): string => formTokens.get(agent) ?? '';

/** A form as a browser on the site at `host` sends it, from one of the session's pages. */
export const postForm = (
  agent: request.Agent,
  host: string,
  path: string,
  form: Record<string, string | string[]>,
) =>
  agent
    .post(path)
    .set('Host', host)
    .set('Origin', `https://${host}`)
    .type('form')
    .send({ csrf: formTokenOf(agent), ...form });
