import { createPublicKey, type KeyObject } from 'node:crypto';
import { SkillRequestSignatureVerifier } from 'ask-sdk-express-adapter';

/**
 * The SDK's signature verifier, unchanged, with a chain cache that keeps each validated chain as
 * its signing certificate's parsed public key. The SDK checks every request with what its cache
 * holds for the request's `SignatureCertChainUrl` (exact string); given the chain's PEM text, Node
 * parses the certificate again on every request, given the key it does not. Everything else is
 * the SDK's: the URL rules, the download, the chain's validation before it is cached, the check of
 * the signature over the body.
 */
export class ParsedKeySignatureVerifier extends SkillRequestSignatureVerifier {
  /** `pinned` seeds the chain cache (see AlexaVerificationOptions.pinnedCertificateChains). */
  constructor(pinned?: ReadonlyMap<string, string>) {
    super();
    this.certCache = new ParsedKeyCache();
    for (const [url, pem] of pinned ?? []) this.certCache.set(url, pem);
  }
}

/**
 * What the SDK stores as a chain's PEM text, kept as the key of its first certificate, the signing
 * one (the certificate Node would read from the text). The SDK only hands what it reads back to
 * Node's `Verify.verify`, which takes either.
 */
class ParsedKeyCache extends Map<string, string> {
  override set(url: string, pem: string): this {
    const key: KeyObject = createPublicKey(pem);
    return super.set(url, key as unknown as string);
  }
}
