import { describe, expect, it } from 'vitest';
import { alexaEnvelope, alexaSlot, alexaTimestamp } from '../../../voice/alexa/chat/alexa-envelope.ts';

const skillId = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000003';

describe('alexaEnvelope', () => {
  it('builds a new session with the same application and user in the session and the System context', () => {
    const envelope = alexaEnvelope({
      request: { type: 'LaunchRequest' },
      locale: 'it-IT',
      skillId,
      accessToken: 'token',
      timestamp: new Date('2026-11-22T10:00:00.123Z'),
      newId: () => 'uuid',
    });
    expect(envelope).toMatchObject({
      version: '1.0',
      session: {
        new: true,
        sessionId: 'amzn1.echo-api.session.uuid',
        application: { applicationId: skillId },
        attributes: {},
      },
      context: {
        System: {
          application: { applicationId: skillId },
          device: { supportedInterfaces: {} },
          apiEndpoint: expect.stringMatching(/^https:\/\//),
          apiAccessToken: expect.any(String),
        },
      },
      request: {
        type: 'LaunchRequest',
        requestId: 'amzn1.echo-api.request.uuid',
        timestamp: '2026-11-22T10:00:00Z',
        locale: 'it-IT',
      },
    });
    expect(envelope.session?.user).toEqual(envelope.context.System.user);
    expect(envelope.session?.user.accessToken).toBe('token');
  });

  it('continues a given session and leaves out the access token of an unlinked user', () => {
    const envelope = alexaEnvelope({
      request: { type: 'IntentRequest', intent: 'AMAZON.HelpIntent' },
      locale: 'en-US',
      skillId,
      sessionId: 'amzn1.echo-api.session.old',
      attributes: { turns: 2 },
    });
    expect(envelope.session).toMatchObject({ new: false, attributes: { turns: 2 } });
    expect(envelope.session?.user).not.toHaveProperty('accessToken');
    expect(envelope.request).toMatchObject({
      dialogState: 'COMPLETED',
      intent: { name: 'AMAZON.HelpIntent', confirmationStatus: 'NONE', slots: {} },
    });
  });

  it('says why a session ended, USER_INITIATED unless told', () => {
    const ended = (reason?: 'ERROR') =>
      alexaEnvelope({ request: { type: 'SessionEndedRequest', reason }, locale: 'it-IT', skillId }).request;
    expect(ended()).toMatchObject({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' });
    expect(ended('ERROR')).toMatchObject({ reason: 'ERROR' });
  });

  it('formats timestamps as Alexa does, in UTC without milliseconds', () => {
    expect(alexaTimestamp(new Date('2026-03-29T01:30:00.999+01:00'))).toBe('2026-03-29T00:30:00Z');
  });
});

describe('alexaSlot', () => {
  it('sends a slot nobody filled with its name and confirmation status only', () => {
    expect(alexaSlot({ name: 'date' })).toEqual({ name: 'date', confirmationStatus: 'NONE' });
  });

  it('sends a built-in value with its source and no resolutions', () => {
    expect(alexaSlot({ name: 'date', value: '2026-11-30' })).toEqual({
      name: 'date',
      value: '2026-11-30',
      confirmationStatus: 'NONE',
      source: 'USER',
      slotValue: { type: 'Simple', value: '2026-11-30' },
    });
  });

  it('resolves a custom value under the slot type authority of the skill', () => {
    const slot = alexaSlot({
      name: 'topic',
      value: 'bolletta',
      resolution: { skillId, slotType: 'CONSULTATION_TOPIC', match: { id: 'billing', name: 'bollette' } },
    });
    expect(slot.resolutions).toEqual({
      resolutionsPerAuthority: [
        {
          authority: `amzn1.er-authority.echo-sdk.${skillId}.CONSULTATION_TOPIC`,
          status: { code: 'ER_SUCCESS_MATCH' },
          values: [{ value: { id: 'billing', name: 'bollette' } }],
        },
      ],
    });
    expect(slot.slotValue).toEqual({ type: 'Simple', value: 'bolletta', resolutions: slot.resolutions });
  });
});
