import { createSign, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { RequestEnvelope } from 'ask-sdk-model';
import { alexaEnvelope, alexaSlot, type AlexaRequestSpec } from '../../voice/alexa/chat/alexa-envelope.ts';
import { createRequire } from 'node:module';

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

export const testSkillId = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000001';
export const testCertUrl = 'https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export function rsaKeyPair(): KeyPair {
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
export function testCertificateChain(): { chain: string; signingKeys: KeyPair } {
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

/** Alexa signs the exact body bytes with SHA-256 / RSA and sends the signature base64 in Signature-256. */
export function signBody(body: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(body, 'utf8').sign(privateKey, 'base64');
}

/** signBody on Node's thread pool, for a load generator that goes on sending meanwhile. */
export function signBodyInPool(body: string, privateKey: KeyObject): Promise<string> {
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(body, 'utf8'), privateKey, (error, signature) =>
      error ? reject(error) : resolve(signature.toString('base64')),
    ),
  );
}

/** The custom slot type of each slot that has one in the interaction models. */
const customSlotTypes: Record<string, string> = { topic: 'CONSULTATION_TOPIC', supply: 'SUPPLY' };

export type AlexaRequestBody =
  | { type: 'LaunchRequest' }
  | { type: 'SessionEndedRequest'; reason?: 'USER_INITIATED' | 'ERROR' | 'EXCEEDED_MAX_REPROMPTS' }
  | {
      type: 'IntentRequest';
      intent: string;
      /** Slot values as Alexa sends them for built-in types (`2026-11-30`, `15:00`, `42`). */
      slots?: Record<string, string | undefined>;
      /** Custom slot values that resolved, by slot: the value's id. */
      resolved?: Record<string, string>;
      confirmationStatus?: 'NONE' | 'CONFIRMED' | 'DENIED';
      dialogState?: 'STARTED' | 'IN_PROGRESS' | 'COMPLETED';
    };

/**
 * A request envelope as Alexa sends it to a custom skill's HTTPS endpoint (built by the same
 * builder the typed chat uses), for the test skill unless `applicationId` says otherwise.
 */
export function alexaRequestEnvelope(options: {
  request: AlexaRequestBody;
  locale: string;
  userId?: string;
  accessToken?: string;
  sessionId?: string;
  attributes?: Record<string, unknown>;
  applicationId?: string;
  /** When the request says it was sent; now by default, so that it passes verification. */
  timestamp?: Date;
}): RequestEnvelope {
  const { request } = options;
  const skillId = options.applicationId ?? testSkillId;
  const spec: AlexaRequestSpec =
    request.type === 'IntentRequest'
      ? {
          type: 'IntentRequest',
          intent: {
            name: request.intent,
            confirmationStatus: request.confirmationStatus ?? 'NONE',
            slots: Object.fromEntries(
              [...new Set([...Object.keys(request.slots ?? {}), ...Object.keys(request.resolved ?? {})])].map(
                (name) => {
                  const id = request.resolved?.[name];
                  const value = request.slots?.[name] ?? id;
                  return [
                    name,
                    alexaSlot({
                      name,
                      ...(value !== undefined ? { value } : {}),
                      ...(id
                        ? {
                            resolution: {
                              skillId,
                              slotType: customSlotTypes[name] ?? name,
                              match: { id, name: id },
                            },
                          }
                        : {}),
                    }),
                  ];
                },
              ),
            ),
          },
          dialogState: request.dialogState ?? 'COMPLETED',
        }
      : request;
  return alexaEnvelope({
    request: spec,
    locale: options.locale,
    skillId,
    userId: options.userId ?? 'amzn1.ask.account.TESTUSER',
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.attributes ? { attributes: options.attributes } : {}),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
}
