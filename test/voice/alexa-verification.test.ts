import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAlexaVerification } from '../../voice/alexa/alexa-request-verification.ts';

// node-forge ships no types and @types/node-forge is not a dependency: type the few calls used here.
interface ForgeCertificate {
  publicKey: unknown;
  serialNumber: string;
  validity: { notBefore: Date; notAfter: Date };
  setSubject(attrs: { name: string; value: string }[]): void;
  setIssuer(attrs: { name: string; value: string }[]): void;
  setExtensions(exts: Record<string, unknown>[]): void;
  sign(key: unknown, md: unknown): void;
}
interface Forge {
  pki: {
    createCertificate(): ForgeCertificate;
    privateKeyFromPem(pem: string): unknown;
    publicKeyFromPem(pem: string): unknown;
    certificateToPem(cert: ForgeCertificate): string;
  };
  md: { sha256: { create(): unknown } };
}
const forge = createRequire(import.meta.url)('node-forge') as Forge;

const skillId = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000001';
const certUrl = 'https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem';

interface KeyPair {
  publicKey: string;
  privateKey: string;
}

function rsaKeyPair(): KeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function certificate(options: {
  subject: string;
  issuer: string;
  keys: KeyPair;
  issuerKeys: KeyPair;
  extensions: Record<string, unknown>[];
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(options.keys.publicKey);
  cert.serialNumber = `0${Math.floor(Math.random() * 1e9).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: options.subject }]);
  cert.setIssuer([{ name: 'commonName', value: options.issuer }]);
  cert.setExtensions(options.extensions);
  cert.sign(forge.pki.privateKeyFromPem(options.issuerKeys.privateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A test CA and a signing certificate for echo-api.amazon.com, as Alexa's chain is laid out: leaf first. */
function testCertificateChain(): { chain: string; signingKeys: KeyPair } {
  const caKeys = rsaKeyPair();
  const signingKeys = rsaKeyPair();
  const ca = certificate({
    subject: 'channel-pilot test CA',
    issuer: 'channel-pilot test CA',
    keys: caKeys,
    issuerKeys: caKeys,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
  });
  const leaf = certificate({
    subject: 'echo-api.amazon.com',
    issuer: 'channel-pilot test CA',
    keys: signingKeys,
    issuerKeys: caKeys,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'echo-api.amazon.com' }] },
    ],
  });
  return { chain: `${leaf}\n${ca}`, signingKeys };
}

function alexaRequest(options: { timestamp?: Date; applicationId?: string } = {}): string {
  const applicationId = options.applicationId ?? skillId;
  const userId = 'amzn1.ask.account.TESTUSER';
  return JSON.stringify({
    version: '1.0',
    session: {
      new: true,
      sessionId: `amzn1.echo-api.session.${randomUUID()}`,
      application: { applicationId },
      user: { userId },
    },
    context: {
      System: {
        application: { applicationId },
        user: { userId },
        device: { deviceId: 'amzn1.ask.device.TEST', supportedInterfaces: {} },
        apiEndpoint: 'https://api.eu.amazonalexa.com',
        apiAccessToken: 'test-token',
      },
    },
    request: {
      type: 'IntentRequest',
      requestId: `amzn1.echo-api.request.${randomUUID()}`,
      timestamp: (options.timestamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      locale: 'it-IT',
      intent: { name: 'BillBalanceIntent', confirmationStatus: 'NONE', slots: {} },
    },
  });
}

/** Alexa signs the exact body bytes with SHA-256 / RSA and sends the signature base64 in Signature-256. */
function sign(body: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(body, 'utf8').sign(privateKey, 'base64');
}

function appWith(verifySignature: boolean, chain?: string) {
  const reached: unknown[] = [];
  const app = express();
  app.post(
    '/alexa',
    createAlexaVerification({
      skillId,
      verifySignature,
      ...(chain ? { pinnedCertificateChains: new Map([[certUrl, chain]]) } : {}),
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

  it('passes a correctly signed, fresh request for this skill to the handler with the parsed envelope', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest();
    const res = await post(app, body, {
      SignatureCertChainUrl: certUrl,
      'Signature-256': sign(body, signingKeys.privateKey),
    });
    expect(res.status).toBe(200);
    expect(reached).toEqual([JSON.parse(body)]);
  });

  it('rejects a body changed after signing with 400 problem+json and never reaches the handler', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest();
    const signature = sign(body, signingKeys.privateKey);
    const tampered = body.replace('BillBalanceIntent', 'BillPayIntent');
    const res = await post(app, tampered, { SignatureCertChainUrl: certUrl, 'Signature-256': signature });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'invalid_input',
      instance: '/alexa',
      title: 'Bad Request',
    });
    expect(res.body.detail).toMatch(/signature/);
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
    const res = await post(app, body, {
      SignatureCertChainUrl: url,
      'Signature-256': sign(body, signingKeys.privateKey),
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/SignatureCertChainUrl/);
    expect(reached).toEqual([]);
  });

  it('rejects a correctly signed request older than 150 seconds', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest({ timestamp: new Date(Date.now() - 151_000) });
    const res = await post(app, body, {
      SignatureCertChainUrl: certUrl,
      'Signature-256': sign(body, signingKeys.privateKey),
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Timestamp/);
    expect(reached).toEqual([]);
  });

  it('rejects a correctly signed request for another skill', async () => {
    const { app, reached } = appWith(true, chain);
    const body = alexaRequest({ applicationId: 'amzn1.ask.skill.someone-else' });
    const res = await post(app, body, {
      SignatureCertChainUrl: certUrl,
      'Signature-256': sign(body, signingKeys.privateKey),
    });
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
});
