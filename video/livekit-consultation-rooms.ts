import { RoomServiceClient, ServerError } from 'livekit-server-sdk';
import { ChannelPilotError } from '../core/index.ts';
import { consultationRoomName, parseParticipantIdentity, type ConsultationRooms } from '../core/services.ts';

export interface LivekitConsultationRoomsOptions {
  /** The LiveKit server's HTTP(S) address, e.g. http://127.0.0.1:7880. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Seconds a RoomService call may take. */
  requestTimeoutSeconds?: number;
}

/** Consultation rooms on a LiveKit server (or LiveKit Cloud), through its RoomService API. */
export function createLivekitConsultationRooms(
  options: LivekitConsultationRoomsOptions,
): ConsultationRooms & { openRooms(): Promise<number> } {
  const client = new RoomServiceClient(options.url, options.apiKey, options.apiSecret, {
    requestTimeout: options.requestTimeoutSeconds ?? 10,
    failover: false,
  });
  const calling = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translate(error, what, options.url);
    }
  };

  return {
    /** How many consultation rooms the server holds now (for the metrics). */
    async openRooms() {
      const rooms = await calling('list the rooms', () => client.listRooms());
      return rooms.filter((room) => room.name.startsWith(consultationRoomName(''))).length;
    },

    async open(appointmentId, limits) {
      // CreateRoom answers with the existing room when it is already there.
      await calling('create the consultation room', () =>
        client.createRoom({
          name: consultationRoomName(appointmentId),
          maxParticipants: limits.maxParticipants,
          emptyTimeout: limits.emptyTimeoutSeconds,
          departureTimeout: limits.departureTimeoutSeconds,
          metadata: JSON.stringify({ appointmentId }),
        }),
      );
    },

    async close(appointmentId) {
      try {
        await calling('delete the consultation room', () =>
          client.deleteRoom(consultationRoomName(appointmentId)),
        );
      } catch (error) {
        if (!(error instanceof ChannelPilotError && error.code === 'not_found')) throw error;
      }
    },

    async admit(appointmentId, identity) {
      await calling(`admit ${identity}`, () =>
        client.updateParticipant(consultationRoomName(appointmentId), identity, {
          // Permissions are replaced as a whole: name every one the admitted participant keeps.
          permission: { canSubscribe: true, canPublish: true, canPublishData: true },
        }),
      );
    },

    async participants(appointmentId) {
      const list = await calling('list the participants', () =>
        client.listParticipants(consultationRoomName(appointmentId)),
      );
      return list.map((p) => ({
        identity: p.identity,
        name: p.name,
        role: parseParticipantIdentity(p.identity)?.role,
        canPublish: p.permission?.canPublish ?? false,
        joinedAt: new Date(Number(p.joinedAtMs || p.joinedAt * 1000n)),
      }));
    },
  };
}

function translate(error: unknown, what: string, url: string): unknown {
  if (error instanceof ServerError) {
    if (error.status === 404 || error.code === 'not_found') {
      return new ChannelPilotError('not_found', `could not ${what}: ${error.message}`, { cause: error });
    }
    if (error.status === 401 || error.status === 403) {
      return new ChannelPilotError('unavailable', `the video server refused to ${what}`, {
        cause: error,
        hint: 'Check that LIVEKIT_API_KEY and LIVEKIT_API_SECRET match the server’s keys.',
      });
    }
    return new ChannelPilotError('unavailable', `the video server could not ${what}: ${error.message}`, {
      cause: error,
    });
  }
  return new ChannelPilotError(
    'unavailable',
    `could not ${what}: the video server at ${url} does not answer`,
    {
      cause: error,
      hint: 'Start it with `npm run livekit`, or point LIVEKIT_URL at a running LiveKit deployment.',
    },
  );
}
