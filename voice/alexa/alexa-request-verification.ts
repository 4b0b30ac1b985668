import express, { type Request, type Response, type Router } from 'express';
import type { RequestEnvelope } from 'ask-sdk-model';
import { TimestampVerifier } from 'ask-sdk-express-adapter';
import { ParsedKeySignatureVerifier } from './alexa-signature-verifier.ts';

/** Options of {@link createAlexaVerification}. */
export interface AlexaVerificationOptions {
  /** The skill's id (`amzn1.ask.skill.…`); requests for any other skill are rejected. */
  skillId: string;
  /**
   * Verify the request signature and timestamp (ask-sdk-express-adapter's
   * SkillRequestSignatureVerifier, its validated chains kept as parsed keys, and TimestampVerifier). Turn off only for local development: requests
   * are then accepted unsigned and regardless of their age, and only the skill id is checked.
   */
  verifySignature: boolean;
  /**
   * Certificate chains (PEM, signing certificate first) to use for these exact
   * `SignatureCertChainUrl`s instead of downloading them. They are placed in the SDK verifier's
   * own certificate cache, which the SDK treats as already validated: the SDK does NOT check
   * their validity dates, their `echo-api.amazon.com` subject alternative name, or that they chain
   * to a trusted root. Meant for tests with a test certificate chain; never set it in production.
   * The URL checks (https, s3.amazonaws.com, /echo.api/, port 443) and the signature check over
   * the raw body still run on every request.
   */
  pinnedCertificateChains?: ReadonlyMap<string, string>;
}

/** What the middleware leaves in `res.locals` for the handlers after it. */
export interface AlexaVerificationLocals {
  alexaRequest: RequestEnvelope;
}

/**
 * A Router that accepts a POSTed Alexa request only when it is authentic and meant for this skill,
 * then puts the parsed envelope on `res.locals.alexaRequest` and calls `next`. Anything else gets
 * 400 application/problem+json and reaches no later handler.
 *
 * It reads the body itself with `express.raw`, because the signature covers the exact bytes Alexa
 * sent: mount it before (never after) any JSON body parser on the same path.
 */
export function createAlexaVerification(options: AlexaVerificationOptions): Router {
  const { skillId, verifySignature } = options;
  const signatureVerifier = new ParsedKeySignatureVerifier(options.pinnedCertificateChains);
  const timestampVerifier = new TimestampVerifier();

  const verify = async (req: Request, res: Response, next: () => void): Promise<void> => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      reject(req, res, 'the request has no body to verify');
      return;
    }
    const raw = req.body.toString('utf8');
    if (verifySignature) {
      try {
        await signatureVerifier.verify(raw, req.headers);
        await timestampVerifier.verify(raw);
      } catch {
        // The verifiers' reasons (certificate URLs, clock skew) stay here: a forger learns nothing.
        reject(req, res, notFromAlexa);
        return;
      }
    }
    let envelope: RequestEnvelope;
    try {
      envelope = JSON.parse(raw) as RequestEnvelope;
    } catch {
      reject(req, res, 'the request body is not valid JSON');
      return;
    }
    if (!isForSkill(envelope, skillId)) {
      reject(req, res, 'the request is not addressed to this skill');
      return;
    }
    (res.locals as Partial<AlexaVerificationLocals>).alexaRequest = envelope;
    next();
  };

  const router = express.Router();
  router.use(express.raw({ type: '*/*' }));
  router.use((req, res, next) => {
    verify(req, res, () => next()).catch(() => reject(req, res, 'the request could not be verified'));
  });
  return router;
}

const notFromAlexa = 'the request is not signed by Alexa, or is too old';

/** Every application id the envelope carries must be this skill's, and it must carry at least one. */
function isForSkill(envelope: unknown, skillId: string): boolean {
  const e = envelope as {
    context?: { System?: { application?: { applicationId?: unknown } } };
    session?: { application?: { applicationId?: unknown } };
  } | null;
  if (typeof e !== 'object' || e === null) return false;
  const ids = [e.context?.System?.application?.applicationId, e.session?.application?.applicationId].filter(
    (id) => id !== undefined,
  );
  return ids.length > 0 && ids.every((id) => id === skillId);
}

function reject(req: Request, res: Response, detail: string): void {
  if (res.headersSent) return;
  const problem = {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail,
    instance: req.originalUrl,
    code: 'invalid_input',
  };
  res.status(400).type('application/problem+json').send(JSON.stringify(problem));
}
