import express, { type Router } from 'express';
import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { ChannelPilotError, systemClock, type Clock } from '../core/index.ts';
import {
  appointmentIdOfRoom,
  parseParticipantIdentity,
  type ConsultationEvent,
  type ConsultationLifecycle,
} from '../core/services.ts';

export interface VideoWebhookRouterOptions {
  /** The key LiveKit signs webhooks with (`webhook.api_key` in its config) and its secret. */
  apiKey: string;
  apiSecret: string;
  lifecycle: ConsultationLifecycle;
  clock?: Clock;
  /** Where LiveKit posts; defaults to /api/video/webhooks. */
  path?: string;
}

// DisconnectReason values (livekit_models.proto) that mean "the same person is back on a new
// connection", not "they left".
const DUPLICATE_IDENTITY = 2;
const MIGRATION = 8;

/**
 * Receives LiveKit's webhooks. The raw body is verified with WebhookReceiver (the JWT in the
 * Authorization header, signed with the API secret, carries the body's SHA-256): a forged,
 * tampered or expired request is refused with 401 before anything is read from it. Verified
 * room and participant events of consultation rooms go to the lifecycle, which applies each
 * event id once.
 */
export function createVideoWebhookRouter(options: VideoWebhookRouterOptions): Router {
  const receiver = new WebhookReceiver(options.apiKey, options.apiSecret);
  const clock = options.clock ?? systemClock;
  const router = express.Router();

  router.post(
    options.path ?? '/api/video/webhooks',
    express.raw({ type: 'application/webhook+json', limit: '256kb' }),
    async (req, res) => {
      const receivedAt = clock.now();
      if (!Buffer.isBuffer(req.body)) {
        throw new ChannelPilotError(
          'invalid_input',
          'a webhook body must be sent as application/webhook+json',
        );
      }
      let event: WebhookEvent;
      try {
        event = await receiver.receive(req.body.toString('utf8'), req.get('Authorization') ?? undefined);
      } catch (cause) {
        throw new ChannelPilotError('unauthenticated', 'the webhook is not signed by the video server', {
          cause,
          hint: 'LiveKit signs webhooks with the api_key named in its webhook config; it must match LIVEKIT_API_KEY.',
        });
      }
      const consultationEvent = toConsultationEvent(event, receivedAt);
      const outcome = consultationEvent ? await options.lifecycle.handle(consultationEvent) : 'ignored';
      res.status(200).json({ outcome });
    },
  );
  return router;
}

/** The core event for a LiveKit webhook, or undefined when it is not about a consultation. */
export function toConsultationEvent(event: WebhookEvent, receivedAt: Date): ConsultationEvent | undefined {
  const appointmentId = appointmentIdOfRoom(event.room?.name ?? '');
  if (!appointmentId || !event.id) return undefined;
  const at = eventTime(event, receivedAt);
  if (event.event === 'room_finished') return { kind: 'room_finished', id: event.id, appointmentId, at };
  const info = event.participant;
  const side = info && parseParticipantIdentity(info.identity);
  if (!info || !side) return undefined;
  const joinedAtMs = Number(info.joinedAtMs || info.joinedAt * 1000n);
  const participant = {
    sessionId: info.sid,
    role: side.role,
    identity: info.identity,
    ...(joinedAtMs > 0 ? { joinedAt: new Date(joinedAtMs) } : {}),
  };
  const base = { id: event.id, appointmentId, at, participant };
  switch (event.event) {
    case 'participant_joined':
      return { ...base, kind: 'participant_joined' };
    case 'participant_left': {
      const replaced = info.disconnectReason === DUPLICATE_IDENTITY || info.disconnectReason === MIGRATION;
      return { ...base, kind: 'participant_left', replaced };
    }
    case 'participant_connection_aborted':
      return { ...base, kind: 'connection_aborted' };
    default:
      return undefined;
  }
}

/**
 * LiveKit stamps events in whole seconds. The moment we receive a fresh event is more precise,
 * so it is used, kept inside the second the server stamped (a late redelivery keeps that second).
 */
function eventTime(event: WebhookEvent, receivedAt: Date): Date {
  const stampedMs = Number(event.createdAt) * 1000;
  if (!stampedMs) return receivedAt;
  return new Date(Math.min(Math.max(receivedAt.getTime(), stampedMs), stampedMs + 999));
}
