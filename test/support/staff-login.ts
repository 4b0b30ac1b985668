import request from 'supertest';
import { staffPassword } from './fixtures.ts';

/** An agent on `app` that logged in as the staff member `username` (with `staffPassword`) and keeps the session. */
export async function loggedInAgent(app: Parameters<typeof request.agent>[0], username: string) {
  const agent = request.agent(app);
  await agent.post('/api/auth/login').send({ username, password: staffPassword }).expect(200);
  return agent;
}
