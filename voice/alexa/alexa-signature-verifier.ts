import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SkillRequestSignatureVerifier } from 'ask-sdk-express-adapter';

/**
 * The SDK's signature verifier, made to read each certificate chain once. The SDK checks the
 * signature with the chain's PEM text on every request, so the certificate is parsed again each
 * time. Here the first request naming a `SignatureCertChainUrl` goes through the SDK unchanged
 * (URL rules, download, chain validation, signature); once it has passed, the signing
 * certificate's public key is kept for that exact URL string, and later requests naming the same
 * string are checked against that key. Any other URL, however close, goes through the SDK again.
 *
 * The kept keys live as long as the SDK's own chain cache, which never lets a chain go either.
 */
export class KeyCachingSignatureVerifier extends SkillRequestSignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();

  /** `pinned` seeds the SDK's chain cache (see AlexaVerificationOptions.pinnedCertificateChains). */
  constructor(pinned?: ReadonlyMap<string, string>) {
    super();
    for (const [url, pem] of pinned ?? []) this.certCache.set(url, pem);
  }

  override async verify(requestEnvelope: string, headers: IncomingHttpHeaders): Promise<void> {
    const url = headers.signaturecertchainurl;
    const signature = headers['signature-256'];
    const key = typeof url === 'string' ? this.keys.get(url) : undefined;
    if (key && typeof signature === 'string') {
      // The bytes the SDK signs over too: the body's text encoded as UTF-8.
      const body = Buffer.from(requestEnvelope, 'utf8');
      if (!verify('sha256', body, key, Buffer.from(signature, 'base64'))) {
        throw new Error('request body and signature do not match');
      }
      return;
    }
    await super.verify(requestEnvelope, headers);
    // Passed: the URL is valid and its chain is in the SDK's cache, validated or pinned.
    const pem = typeof url === 'string' ? this.certCache.get(url) : undefined;
    // A PEM chain yields its first certificate's key: the signing certificate, as the SDK uses.
    if (pem !== undefined) this.keys.set(url as string, createPublicKey(pem));
  }
}
