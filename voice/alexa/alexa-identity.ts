import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { CustomerDirectory } from '../../core/index.ts';
import type { AccountLinking } from '../../core/services.ts';

/** Who is asking: the customer behind the request's linked account, or undefined when it is not linked. */
export type Identify = (envelope: RequestEnvelope) => Promise<{ customerId: string } | undefined>;

/** The platform name linking codes are redeemed under for Alexa users. */
export const ALEXA_PLATFORM = 'alexa';

/** Account linking through the organisation's identity provider (OAuth 2.0, JWT access tokens). */
export interface OAuthLinking {
  /** The provider's signing keys: `createRemoteJWKSet(new URL(jwksUrl))` in production. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** The claim that names the customer. */
  claim: string;
  /** What the claim holds: the customer's id here, or their e-mail address. */
  matches: 'id' | 'email';
}

/**
 * Identifies the customer behind an Alexa request. An access token (Alexa forwards the one the
 * identity provider issued at account linking) must verify against the provider's keys, issuer
 * and audience, and its claim must name a known customer. Without one, a one-time linking code
 * the Alexa user said earlier may have linked them. A token that does not verify identifies
 * nobody: it is reported, and the user is asked to link again.
 */
export function createAlexaIdentity(options: {
  linking: Pick<AccountLinking, 'linkedCustomer'>;
  customers: CustomerDirectory;
  oauth?: OAuthLinking;
  onRejectedToken?: (error: unknown) => void;
}): Identify {
  const { linking, customers, oauth } = options;

  async function fromToken(token: string, provider: OAuthLinking): Promise<string | undefined> {
    let named: unknown;
    try {
      const { payload } = await jwtVerify(token, provider.keys, {
        issuer: provider.issuer,
        audience: provider.audience,
      });
      named = payload[provider.claim];
    } catch (error) {
      options.onRejectedToken?.(error);
      return undefined;
    }
    if (typeof named !== 'string' || named === '') return undefined;
    if (provider.matches === 'id') {
      return /^[0-9a-f-]{36}$/i.test(named) ? (await customers.get(named))?.id : undefined;
    }
    return byEmail(named);
  }

  // The search matches substrings, so every page is read for exact matches; an address that two
  // customers share (a family's) names neither, rather than whichever sorts first.
  async function byEmail(address: string): Promise<string | undefined> {
    const wanted = address.toLowerCase();
    const exact = new Set<string>();
    const pageSize = 100;
    for (let offset = 0; ; offset += pageSize) {
      const page = await customers.search({ query: address, limit: pageSize, offset });
      for (const c of page.customers) if (c.email?.toLowerCase() === wanted) exact.add(c.id);
      if (exact.size > 1) return undefined;
      if (page.customers.length < pageSize || offset + pageSize >= page.total) break;
    }
    return [...exact][0];
  }

  return async (envelope) => {
    const user = envelope.context?.System?.user;
    if (!user) return undefined;
    const customerId =
      oauth && user.accessToken
        ? await fromToken(user.accessToken, oauth)
        : await linking.linkedCustomer(ALEXA_PLATFORM, user.userId);
    return customerId ? { customerId } : undefined;
  };
}
