import { z } from 'zod';
import type { RouteKit } from '../../core/index.ts';

/** The webhook in the OpenAPI document. */
export function describeDialogflowWebhook(kit: RouteKit): void {
  kit.describe('post', '/dialogflow/webhook', {
    summary:
      'The Dialogflow CX agent’s webhook: each call one step (fulfillmentInfo.tag) of the conversation',
    tags: ['voice'],
    security: [{ dialogflowHeader: [] }, { dialogflowBasic: [] }, { dialogflowIdToken: [] }],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: z.looseObject({}).meta({ description: 'a CX WebhookRequest' }) },
      },
    },
    responses: {
      200: {
        description: 'A CX WebhookResponse',
        content: { 'application/json': { schema: z.looseObject({}) } },
      },
    },
  });
}
