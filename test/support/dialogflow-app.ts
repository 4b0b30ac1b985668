import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { ChannelAccess, StorageHandle } from '../../core/index.ts';
import { HOUSEHOLD_NOW } from './households.ts';

/** The header secret the test agents send. */
export const CX_SECRET = 'cx-header-secret-0123456789abcdef';
/** The CX agent the test sessions belong to. */
export const CX_AGENT =
  'projects/utility-voice/locations/europe-west1/agents/5a1e7c2d-0b8f-4a53-9d61-0c7e2f9a4b11';

/** The app serving `/dialogflow/webhook` for an agent sending CX_SECRET, on the households' day. */
export function composeDialogflowApp(options: {
  storage: StorageHandle;
  config?: Record<string, string>;
  voiceAccess?: ChannelAccess;
}) {
  return composeApp({
    storage: options.storage,
    config: {
      PUBLIC_URL: 'http://localhost:3000',
      SESSION_TTL_HOURS: 1,
      COOKIE_SECURE: false,
      DIALOGFLOW_WEBHOOK_SECRET: CX_SECRET,
      ...options.config,
    },
    logger: pino({ level: 'silent' }),
    clock: { now: () => HOUSEHOLD_NOW },
    ...(options.voiceAccess ? { voiceAccess: options.voiceAccess } : {}),
  });
}
