import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express from 'express';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlexaVerification } from '../../voice/alexa/alexa-request-verification.ts';
import {
  alexaRequestEnvelope,
  type KeyPair,
  rsaKeyPair,
  signBody,
  testCertificateChain,
  testCertUrl,
  testSkillId,
} from '../support/alexa-requests.ts';

// The SDK verifier's `crypto` (a CommonJS require): its createVerify parses the chain's PEM.
const sdkCrypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

const skillId = testSkillId;
const certUrl = testCertUrl;
const sign = signBody;

function alexaRequest(options: { timestamp?: Date; applicationId?: string } = {}): string {
  return JSON.stringify(
    alexaRequestEnvelope({
      request: { type: 'IntentRequest', intent: 'WhatDoIOweIntent' },
      locale: 'it-IT',
      ...options,
    }),
  );
}

/** A skill lifecycle event as Alexa sends it: no session, no locale, sent up to an hour late. */
function skillEvent(type: string, timestamp: Date): string {
  const stamp = timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({
    version: '1.0',
    context: {
      System: {
        application: { applicationId: skillId },
        user: { userId: 'amzn1.ask.account.TESTUSER' },
        apiEndpoint: 'https://api.eu.amazonalexa.com',
      },
    },
    request: {
      type,
      requestId: `amzn1.ask.request.${randomUUID()}`,
      timestamp: stamp,
      eventCreationTime: stamp,
      eventPublishingTime: stamp,
    },
  });
}

function appWith(verifySignature: boolean, chain?: string, moreChains: [string, string][] = []) {
  const reached: unknown[] = [];
  const app = express();
  app.post(
    '/alexa',
    createAlexaVerification({
      skillId,
      verifySignature,
      ...(chain ? { pinnedCertificateChains: new Map([[certUrl, chain], ...moreChains]) } : {}),
    }),
    (_req, res) => {
      reached.push(res.locals.alexaRequest);
      res.json({ version: '1.0', response: {} });
    },
  );
  return { app, reached };
}

describe('Alexa request verification', () => {
  let chain: string;
  let signingKeys: KeyPair;

  beforeAll(() => {
    ({ chain, signingKeys } = testCertificateChain());
  });

  function post(app: express.Express, body: string, headers: Record<string, string>) {
    return request(app)
      .post('/alexa')
      .set('Content-Type', 'application/json; charset=utf-8')
      .set(headers)
      .send(body);
  }

  /** Signed the way Alexa signs, with the pinned chain's URL unless another is given. */
  function postSigned(app: express.Express, body: string, url = certUrl) {
    return post(app, body, {
      SignatureCertChainUrl: url,
      'Signature-256': sign(body, signingKeys.privateKey),
    });
  }

  /** A request signed as Alexa signs it, its body then changed (another intent). */
  async function postTampered(app: express.Express) {
    const body = alexaRequest();
    const signature = sign(body, signingKeys.privateKey);
    const tampered = body.replace('WhatDoIOweIntent', 'LastPaymentIntent');
    expect(tampered).not.toBe(body);
    return post(app, tampered, { SignatureCertChainUrl: certUrl, 'Signature-256': signature });
  }

  it('passes a correctly signed, fresh request for this skill to the handler with the parsed envelope', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest();
    const res = await postSigned(app, body);
    expect(res.status).toBe(200);
    expect(reached).toEqual([JSON.parse(body)]);
  });

  it('rejects a body changed after signing with 400 problem+json and never reaches the handler', async () => {
    const { app, reached } = appWith(true, chain);
    const res = await postTampered(app);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'invalid_input',
      instance: '/alexa',
      title: 'Bad Request',
    });
    expect(res.body.detail).toBe('the request is not signed by Alexa, or is too old');
    expect(reached).toEqual([]);
  });

  it('rejects a request signed by a key that is not the certificate’s', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest();
    const res = await post(app, body, {
      SignatureCertChainUrl: certUrl,
      'Signature-256': sign(body, rsaKeyPair().privateKey),
    });
    expect(res.status).toBe(400);
    expect(reached).toEqual([]);
  });

  it('rejects a request without a signature or a certificate URL', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest();
    const unsigned = await post(app, body, { SignatureCertChainUrl: certUrl });
    const noUrl = await post(app, body, { 'Signature-256': sign(body, signingKeys.privateKey) });
    expect([unsigned.status, noUrl.status]).toEqual([400, 400]);
    expect(reached).toEqual([]);
  });

  it.each([
    ['plain http', 'http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem'],
    ['another host', 'https://evil.example.com/echo.api/echo-api-cert-12.pem'],
    ['another path', 'https://s3.amazonaws.com/not-echo.api/echo-api-cert-12.pem'],
    ['another port', 'https://s3.amazonaws.com:8443/echo.api/echo-api-cert-12.pem'],
  ])('rejects a certificate URL on %s even when that URL’s chain is known', async (_what, url) => {
    // The chain is pinned for the bad URL too, so only the SDK's URL check can stop it.
    const reached: unknown[] = [];
    const app = express();
    app.post(
      '/alexa',
      createAlexaVerification({
        skillId,
        verifySignature: true,
        pinnedCertificateChains: new Map([[url, chain]]),
      }),
      (_req, res) => {
        reached.push(true);
        res.end();
      },
    );
    const body = alexaRequest();
    const res = await postSigned(app, body, url);
    expect(res.status).toBe(400);
    // The verifier's reason (which part of the URL is wrong) is not repeated to the caller.
    expect(res.body.detail).toBe('the request is not signed by Alexa, or is too old');
    expect(reached).toEqual([]);
  });

  it('rejects a correctly signed request older than 150 seconds', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest({ timestamp: new Date(Date.now() - 151_000) });
    const res = await postSigned(app, body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('the request is not signed by Alexa, or is too old');
    expect(reached).toEqual([]);
  });

  it('rejects a correctly signed request for another skill', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest({ applicationId: 'amzn1.ask.skill.someone-else' });
    const res = await postSigned(app, body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/skill/);
    expect(reached).toEqual([]);
  });

  it('in development mode lets an unsigned request for this skill through', async () => {
    const { app, reached } = appWith(false);
    const res = await post(app, alexaRequest(), {});
    expect(res.status).toBe(200);
    expect(reached).toHaveLength(1);
  });

  it('in development mode still rejects another skill’s request and a body that is not JSON', async () => {
    const { app, reached } = appWith(false);
    const foreign = await post(app, alexaRequest({ applicationId: 'amzn1.ask.skill.someone-else' }), {});
    const garbage = await post(app, '{"version":', {});
    expect([foreign.status, garbage.status]).toEqual([400, 400]);
    expect(reached).toEqual([]);
  });

  describe('once a certificate URL has passed', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /**
     * An app that has accepted one request naming certUrl, recording from then on what the SDK hands
     * Node to check each signature with: PEM text would be parsed again, a parsed key would not.
     */
    async function warmedApp(moreChains: [string, string][] = []) {
      const warmed = appWith(true, chain, moreChains);
      expect((await postSigned(warmed.app, alexaRequest())).status).toBe(200);
      const keysGiven: unknown[] = [];
      const createVerify = sdkCrypto.createVerify;
      const checks = vi.spyOn(sdkCrypto, 'createVerify').mockImplementation((algorithm) => {
        const verifier = createVerify(algorithm);
        const verify = verifier.verify.bind(verifier);
        verifier.verify = ((key: unknown, ...rest: unknown[]) => {
          keysGiven.push(key);
          return (verify as (...args: unknown[]) => boolean)(key, ...rest);
        }) as typeof verifier.verify;
        return verifier;
      });
      const pemTexts = () => keysGiven.filter((key) => typeof key === 'string' || Buffer.isBuffer(key));
      return { ...warmed, checks, pemTexts };
    }

    it('accepts later signed requests naming the same URL without parsing its chain again', async () => {
      const { app, reached, checks, pemTexts } = await warmedApp();
      const bodies = [alexaRequest(), alexaRequest()];
      for (const body of bodies) expect((await postSigned(app, body)).status).toBe(200);
      expect(checks).toHaveBeenCalledTimes(2);
      expect(pemTexts()).toEqual([]);
      expect(reached.slice(1)).toEqual(bodies.map((body) => JSON.parse(body)));
    });

    it('rejects a body changed after signing', async () => {
      const { app, reached, checks, pemTexts } = await warmedApp();
      const res = await postTampered(app);
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('the request is not signed by Alexa, or is too old');
      expect(checks).toHaveBeenCalledTimes(1);
      expect(pemTexts()).toEqual([]);
      expect(reached).toHaveLength(1);
    });

    it('rejects a request signed by a key that is not the certificate’s, or not signed at all', async () => {
      const { app, reached } = await warmedApp();
      const body = alexaRequest();
      const otherKey = await post(app, body, {
        SignatureCertChainUrl: certUrl,
        'Signature-256': sign(body, rsaKeyPair().privateKey),
      });
      const unsigned = await post(app, body, { SignatureCertChainUrl: certUrl });
      expect([otherKey.status, unsigned.status]).toEqual([400, 400]);
      expect(reached).toHaveLength(1);
    });

    it.each([
      ['another host', 'https://evil.example.com/echo.api/echo-api-cert-12.pem'],
      ['another path', 'https://s3.amazonaws.com/not-echo.api/echo-api-cert-12.pem'],
      ['another port', 'https://s3.amazonaws.com:8443/echo.api/echo-api-cert-12.pem'],
      ['plain http', 'http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem'],
    ])('still rejects a certificate URL on %s signed with the same key', async (_what, url) => {
      const { app, reached } = await warmedApp([[url, chain]]);
      const res = await postSigned(app, alexaRequest(), url);
      expect(res.status).toBe(400);
      expect(reached).toHaveLength(1);
    });

    it.each([
      ['its host in capitals', 'https://S3.AMAZONAWS.COM/echo.api/echo-api-cert-12.pem'],
      ['the default port written out', 'https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem'],
      ['another file', 'https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem'],
    ])('checks a valid URL differing by %s against its own chain, not the kept key', async (_what, url) => {
      const other = testCertificateChain();
      const { app, reached, checks, pemTexts } = await warmedApp([[url, other.chain]]);
      const body = alexaRequest();
      const keptKey = await post(app, body, {
        SignatureCertChainUrl: url,
        'Signature-256': sign(body, signingKeys.privateKey),
      });
      const ownKey = await post(app, body, {
        SignatureCertChainUrl: url,
        'Signature-256': sign(body, other.signingKeys.privateKey),
      });
      expect([keptKey.status, ownKey.status]).toEqual([400, 200]);
      expect(checks).toHaveBeenCalledTimes(2);
      expect(pemTexts()).toEqual([]);
      expect(reached).toHaveLength(2);
    });

    it('rejects a request signed 151 seconds ago and accepts one signed 140 seconds ago, on the real clock', async () => {
      const { app, reached } = await warmedApp();
      const stale = await postSigned(app, alexaRequest({ timestamp: new Date(Date.now() - 151_000) }));
      const recent = alexaRequest({ timestamp: new Date(Date.now() - 140_000) });
      const fresh = await postSigned(app, recent);
      expect([stale.status, fresh.status]).toEqual([400, 200]);
      expect(stale.body.detail).toBe('the request is not signed by Alexa, or is too old');
      expect(reached.slice(1)).toEqual([JSON.parse(recent)]);
    });

    it.each([
      'AlexaSkillEvent.SkillEnabled',
      'AlexaSkillEvent.SkillDisabled',
      'AlexaSkillEvent.SkillPermissionChanged',
      'AlexaSkillEvent.SkillPermissionAccepted',
      'AlexaSkillEvent.SkillAccountLinked',
    ])('accepts a %s event sent 50 minutes ago and rejects one sent 61 minutes ago', async (type) => {
      const { app, reached } = await warmedApp();
      const late = skillEvent(type, new Date(Date.now() - 50 * 60_000));
      const tooLate = skillEvent(type, new Date(Date.now() - 61 * 60_000));
      const statuses = [(await postSigned(app, late)).status, (await postSigned(app, tooLate)).status];
      expect(statuses).toEqual([200, 400]);
      expect(reached.slice(1)).toEqual([JSON.parse(late)]);
    });

    it('does not give an hour to a request that is not a skill event', async () => {
      const { app, reached } = await warmedApp();
      const res = await postSigned(app, alexaRequest({ timestamp: new Date(Date.now() - 50 * 60_000) }));
      expect(res.status).toBe(400);
      expect(reached).toHaveLength(1);
    });
  });
});
