import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { z } from 'zod';
import { REFERENCE_ZONE, type ChannelDeps, type ChannelInput, type ChannelModule } from '../core/index.ts';
import {
  consultationWindow,
  createConsultationLifecycle,
  createConsultationLinks,
  type ConsultationRooms,
} from '../core/services.ts';
import { createConsultationTokens } from './consultation-tokens.ts';
import { registerConsultationRoutes } from './consultation-routes.ts';
import { createLivekitConsultationRooms } from './livekit-consultation-rooms.ts';
import { createVideoWebhookRouter } from './livekit-webhooks.ts';
import { trialCommand } from './trial-command.ts';
import { createConsultationPages } from './consultation-pages.ts';
import { createLinkPages } from './link-pages.ts';
import { describeLinkPages } from './link-page-routes.ts';
import { registerVideoRoutes, videoUnavailable, type VideoServices } from './video-routes.ts';

export { startLocalLivekitServer, freePort, type LivekitServer } from './local-livekit-server.ts';
export { consultationLinkPath, type ConsultationLinkAction } from './link-paths.ts';

/** Video consultations as a channel of the census and of pilots. */
export const videoChannel: ChannelInput = {
  code: 'video',
  name: 'Video consultation',
  kind: 'pilot',
  staffed: true,
  touchpoints: [{ code: 'consultation', name: 'Consultation room' }],
};

/** A LiveKit deployment the app talks to: its signalling address and API credentials. */
export interface VideoServer {
  url: string;
  apiKey: string;
  apiSecret: string;
}

export interface VideoChannelDeps extends ChannelDeps {
  /** Without a LiveKit server the video routes answer 503 until `enable` is called. */
  server?: VideoServer | null | undefined;
}

type LiveVideo = VideoServices & {
  rooms: ReturnType<typeof createLivekitConsultationRooms>;
  webhooks: Router;
};

const script = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Video consultations on LiveKit: the rooms, tokens and webhooks, the routes of the consultation
 * page and the advisor console, and the sweep that closes what was missed.
 */
export function createVideoChannel(deps: VideoChannelDeps) {
  const { stores, clock, log } = deps;
  // Video can be switched on after start (a local livekit-server built in the background): the
  // routes, pages and lifecycle ask for the current services each time.
  let live: LiveVideo | null = null;
  const current = (): LiveVideo => {
    if (!live) throw videoUnavailable();
    return live;
  };
  const rooms: ConsultationRooms = {
    open: (id, limits) => current().rooms.open(id, limits),
    // Without a server there is no room to close.
    close: async (id) => live?.rooms.close(id),
    admit: (id, identity) => current().rooms.admit(id, identity),
    participants: (id) => current().rooms.participants(id),
  };
  const lifecycle = createConsultationLifecycle({
    log: stores.consultations,
    interactions: stores.interactions,
    rooms,
    clock,
    onError: (error) => log.warn({ err: error }, 'consultation follow-up failed; the sweep retries'),
  });
  /** Switches video on with this LiveKit deployment. */
  function enable(server: VideoServer): void {
    const serverRooms = createLivekitConsultationRooms({
      url: server.url.replace(/^ws/, 'http'),
      apiKey: server.apiKey,
      apiSecret: server.apiSecret,
    });
    live = {
      rooms: serverRooms,
      url: server.url,
      tokens: createConsultationTokens({
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
        url: server.url,
        rooms: serverRooms,
        clock,
      }),
      webhooks: createVideoWebhookRouter({
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
        lifecycle,
        clock,
      }),
    };
  }
  if (deps.server) enable(deps.server);

  // LiveKit's webhooks are signed over the raw body.
  const webhooks = Router();
  webhooks.post('/api/video/webhooks', (req, res, next) => current().webhooks(req, res, next));

  return {
    registration: videoChannel,
    routes(kit) {
      registerVideoRoutes(kit, { stores, links: deps.links, clock, video: () => live });
      registerConsultationRoutes(kit, { stores, links: deps.links, paymentLinks: deps.paymentLinks, clock });
      describeLinkPages(kit);
      kit.describe('post', '/api/video/webhooks', {
        summary: 'LiveKit’s webhooks: signed with the API key and secret, over the body’s hash',
        tags: ['video'],
        security: [{ livekitWebhook: [] }],
        requestBody: {
          required: true,
          content: {
            'application/webhook+json': {
              schema: z.looseObject({}).meta({ description: 'a LiveKit WebhookEvent' }),
            },
          },
        },
        responses: {
          200: {
            description: 'What the event did',
            content: { 'application/json': { schema: z.object({ outcome: z.string() }) } },
          },
          503: { ...kit.problem, description: 'No LiveKit server is configured (yet)' },
        },
      });
    },
    rawRoutes: [webhooks],
    pages: [
      createConsultationPages({
        links: deps.links,
        stores,
        kit: deps.pages,
        clock,
        window: consultationWindow,
        timeZone: REFERENCE_ZONE,
        mediaUrl: () => live?.url ?? null,
      }),
      // The pages behind the links of a consultation's messages: book, move, cancel.
      createLinkPages({
        links: deps.links,
        customerLinks: createConsultationLinks({
          links: deps.links,
          desk: deps.desk,
          booking: deps.booking,
          stores,
          clock,
          onFollowUpError: (error, appointment) =>
            log.error({ err: error, appointmentId: appointment.id }, 'a step after a booking change failed'),
        }),
        stores,
        booking: deps.booking,
        kit: deps.pages,
        clock,
        publicUrl: deps.publicUrl,
        joinUrl: deps.joinUrl,
        timeZone: REFERENCE_ZONE,
      }),
    ],
    bundles: [
      { name: 'consultation', entry: script('./browser/consultation-page.ts') },
      { name: 'console', entry: script('./browser/advisor-console.ts') },
      { name: 'rating', entry: script('./browser/rating-page.ts') },
    ],
    background: [{ name: 'no-show and journey sweep', run: () => lifecycle.sweep() }],
    commands: {
      name: 'video',
      description: 'Try video consultations',
      commands: [trialCommand(deps)],
    },
    enable,
    rooms,
    lifecycle,
    /** The LiveKit server browsers connect to now; null without video. */
    url: () => live?.url ?? null,
    openRooms: async () => live?.rooms.openRooms() ?? 0,
  } satisfies ChannelModule & Record<string, unknown>;
}
export type VideoChannel = ReturnType<typeof createVideoChannel>;
