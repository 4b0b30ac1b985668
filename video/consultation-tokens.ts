import { AccessToken, type VideoGrant } from 'livekit-server-sdk';
import { ChannelPilotError, systemClock, type Clock, type Customer } from '../core/index.ts';
import { type Advisor, type Appointment } from '../core/services.ts';
import {
  assertJoinable,
  consultationRoomName,
  consultationWindow,
  defaultConsultationPolicy,
  participantIdentity,
  type ConsultationPolicy,
  type ConsultationRole,
  type ConsultationRooms,
} from '../core/services.ts';

export interface ConsultationTokensOptions {
  apiKey: string;
  apiSecret: string;
  /** The address participants' browsers connect to (ws:// or wss://). */
  url: string;
  /** When given, the appointment's room is created on demand, as the first token is issued. */
  rooms?: ConsultationRooms;
  clock?: Clock;
  policy?: Partial<ConsultationPolicy>;
}

/** What a participant needs to join: where, with which token, valid until when. */
export interface ConsultationAccess {
  url: string;
  token: string;
  roomName: string;
  identity: string;
  role: ConsultationRole;
  validFrom: Date;
  validUntil: Date;
}

export interface ConsultationTokens {
  /** The customer's token: that appointment's room only, in the lobby (subscribe, not publish) until admitted. */
  forCustomer(
    appointment: Appointment,
    customer: Pick<Customer, 'id' | 'firstName' | 'lastName'>,
  ): Promise<ConsultationAccess>;
  /**
   * The advisor's token: publish, subscribe and admin rights in that appointment's room only.
   * `standIn` is someone else taking the advisor's side (an admin helping): they join as
   * themselves, so the assigned advisor is never pushed out of the room by the same identity.
   */
  forAdvisor(
    appointment: Appointment,
    advisor: Pick<Advisor, 'id' | 'name'>,
    standIn?: { id: string; name: string },
  ): Promise<ConsultationAccess>;
}

/**
 * Mints LiveKit access tokens for consultations. A token is only issued inside the
 * appointment's window (shortly before the start to a grace period after the end) and
 * expires at the window's end; its `nbf` is the moment it is issued.
 */
export function createConsultationTokens(options: ConsultationTokensOptions): ConsultationTokens {
  const clock = options.clock ?? systemClock;
  const policy = { ...defaultConsultationPolicy, ...options.policy };

  async function mint(
    appointment: Appointment,
    role: ConsultationRole,
    subject: { id: string; name: string },
    grant: VideoGrant,
  ): Promise<ConsultationAccess> {
    const now = clock.now();
    assertJoinable(appointment, now, policy);
    const { closesAt } = consultationWindow(appointment, policy);
    const roomName = consultationRoomName(appointment.id);
    const identity = participantIdentity(role, subject.id);
    if (options.rooms) await options.rooms.open(appointment.id, policy);
    const ttlSeconds = Math.max(1, Math.floor((closesAt.getTime() - now.getTime()) / 1000));
    const token = new AccessToken(options.apiKey, options.apiSecret, {
      identity,
      name: subject.name,
      ttl: ttlSeconds,
      attributes: { appointmentId: appointment.id, role },
    });
    token.addGrant({ roomJoin: true, room: roomName, ...grant });
    return {
      url: options.url,
      token: await token.toJwt(),
      roomName,
      identity,
      role,
      validFrom: new Date(Math.floor(now.getTime() / 1000) * 1000),
      validUntil: new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000),
    };
  }

  return {
    async forCustomer(appointment, customer) {
      if (customer.id !== appointment.customerId) {
        throw new ChannelPilotError('forbidden', `appointment ${appointment.id} belongs to another customer`);
      }
      const name = `${customer.firstName} ${customer.lastName}`;
      // The lobby: see and hear the advisor, say nothing until admitted.
      return mint(
        appointment,
        'customer',
        { id: customer.id, name },
        {
          canSubscribe: true,
          canPublish: false,
          canPublishData: false,
          canUpdateOwnMetadata: false,
        },
      );
    },

    async forAdvisor(appointment, advisor, standIn) {
      if (advisor.id !== appointment.advisorId) {
        throw new ChannelPilotError(
          'forbidden',
          `appointment ${appointment.id} is assigned to another advisor`,
        );
      }
      return mint(appointment, 'advisor', standIn ?? advisor, {
        roomAdmin: true,
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
      });
    },
  };
}
