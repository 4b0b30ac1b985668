import express, { type Router } from 'express';
import type { Skill } from 'ask-sdk-core';
import {
  createAlexaVerification,
  type AlexaVerificationLocals,
  type AlexaVerificationOptions,
} from './alexa-request-verification.ts';

/** Options of {@link createAlexaRouter}. */
export interface AlexaRouterOptions {
  /** The skill that answers verified requests (createAlexaSkill). */
  skill: Skill;
  /** How requests are authenticated and matched to the skill id, as createAlexaVerification takes. */
  verification: AlexaVerificationOptions;
}

/**
 * POST `/alexa`: only a request that passes createAlexaVerification reaches the skill; the
 * skill's ResponseEnvelope is the JSON answer. Mount it before any JSON body parser, since
 * verification needs the raw body.
 */
export function createAlexaRouter(options: AlexaRouterOptions): Router {
  const { skill } = options;
  const router = express.Router();
  router.post('/alexa', createAlexaVerification(options.verification), async (_req, res, next) => {
    try {
      const { alexaRequest } = res.locals as AlexaVerificationLocals;
      res.json(await skill.invoke(alexaRequest));
    } catch (error) {
      // The skill's error handler answers every handler failure; reaching here means the SDK itself failed.
      next(error);
    }
  });
  return router;
}
