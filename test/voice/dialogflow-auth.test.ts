import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRemoteJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemHandler } from '../../app/http/problem.ts';
import { dialogflowAuthentication } from '../../voice/dialogflow/dialogflow-auth.ts';

// The Dialogflow service agent's ID token, verified against keys fetched from a JWKS address, as
// Google publishes them; here a local server publishes the test keys.

const ISSUER = 'https://accounts.google.com';
const AUDIENCE = 'https://bills.example.it/dialogflow/webhook';
let jwks: Server;
let privateKey: CryptoKey;
let strangerKey: CryptoKey;
let app: express.Express;

beforeAll(async () => {
  const published = await generateKeyPair('RS256', { extractable: true });
  privateKey = published.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'cx-1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`);
  app = express();
  app.post(
    '/dialogflow/webhook',
    dialogflowAuthentication({
      idToken: { keys: createRemoteJWKSet(url), issuer: ISSUER, audience: AUDIENCE },
    }),
    (_req, res) => {
      res.json({ fulfillmentResponse: { messages: [] } });
    },
  );
  app.use(problemHandler(pino({ level: 'silent' })));
});

afterAll(async () => {
  await new Promise((resolve) => jwks?.close(resolve));
});

const token = (
  options: { key?: CryptoKey; issuer?: string; audience?: string; expiresIn?: string | number } = {},
) =>
  new SignJWT({ email: 'service-123@gcp-sa-dialogflow.iam.gserviceaccount.com', email_verified: true })
    .setProtectedHeader({ alg: 'RS256', kid: 'cx-1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(options.key ?? privateKey);

describe('the Dialogflow service agent’s ID token', () => {
  it('lets a token signed with a published key, for this audience and issuer, through', async () => {
    await request(app)
      .post('/dialogflow/webhook')
      .set('authorization', `Bearer ${await token()}`)
      .send({})
      .expect(200);
  });

  it.each([
    ['another key', { key: 'stranger' }],
    ['another audience', { audience: 'https://elsewhere.example.com/hook' }],
    ['another issuer', { issuer: 'https://evil.example.com' }],
    ['an expired token', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
  ])('refuses %s with 401', async (_name, options) => {
    const given = options as { key?: string; issuer?: string; audience?: string; expiresIn?: number };
    const signed = await token({ ...given, key: given.key === 'stranger' ? strangerKey : privateKey });
    const answer = await request(app)
      .post('/dialogflow/webhook')
      .set('authorization', `Bearer ${signed}`)
      .send({});
    expect(answer.status).toBe(401);
    expect(answer.type).toBe('application/problem+json');
  });

  it('refuses a request without any credential', async () => {
    await request(app).post('/dialogflow/webhook').send({}).expect(401);
  });
});
