import {
  ConnectionState,
  DisconnectReason,
  Room,
  RoomEvent,
  Track,
  createLocalTracks,
  type LocalAudioTrack,
  type LocalTrack,
  type LocalVideoTrack,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
} from 'livekit-client';

// The call, shared by the customer's page and the advisor's console: one LiveKit room, the
// local camera and microphone, the other side's media, chat, and the connection's ups and downs.
// Media handling is livekit-client's; this file only wires it to what the pages show.

/** What the app's access routes return: where and with which token to join. */
export interface CallAccess {
  url: string;
  token: string;
  identity: string;
}

export type CallState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ChatLine {
  from: string;
  text: string;
  mine: boolean;
  at: number;
}

/** Someone else in the room; `waiting` while they are in the lobby (not allowed to publish yet). */
export interface Peer {
  identity: string;
  name: string;
  waiting: boolean;
}

export interface CallView {
  /** The other side's camera (or its end, with null). */
  remoteVideo(track: RemoteTrack | null): void;
  /** The other side's shared screen (or its end, with null). */
  remoteScreen(track: RemoteTrack | null): void;
  state(state: CallState, detail?: { reason?: string; recovered?: boolean }): void;
  chat(line: ChatLine): void;
  /** This side may now publish: out of the lobby. */
  admitted(): void;
  peers(peers: Peer[]): void;
}

export interface Call {
  readonly room: Room;
  setMicrophone(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  /** Starts or stops sharing the screen; false when the browser refused or the user cancelled. */
  setScreenShare(on: boolean): Promise<boolean>;
  sendChat(text: string): Promise<void>;
  leave(): Promise<void>;
}

/** Camera and microphone picked before joining, with the preview running. */
export interface LocalMedia {
  audio: LocalAudioTrack | undefined;
  video: LocalVideoTrack | undefined;
}

export type MediaProblem = 'refused' | 'not_found' | 'other';

/** Opens camera and microphone (either may be absent); says why when the browser refuses. */
export async function openLocalMedia(choice: {
  audioDeviceId?: string | undefined;
  videoDeviceId?: string | undefined;
  video: boolean;
}): Promise<{ media: LocalMedia; problem?: MediaProblem }> {
  const audio = choice.audioDeviceId ? { deviceId: choice.audioDeviceId } : true;
  const video = choice.video ? (choice.videoDeviceId ? { deviceId: choice.videoDeviceId } : true) : false;
  try {
    return { media: split(await createLocalTracks({ audio, video })) };
  } catch (error) {
    const problem = mediaProblem(error);
    // Without a camera the call still works: try the microphone on its own.
    if (video) {
      try {
        return { media: split(await createLocalTracks({ audio, video: false })), problem };
      } catch {
        // fall through: neither works
      }
    }
    return { media: { audio: undefined, video: undefined }, problem };
  }
}

function split(tracks: LocalTrack[]): LocalMedia {
  return {
    audio: tracks.find((t) => t.kind === Track.Kind.Audio) as LocalAudioTrack | undefined,
    video: tracks.find((t) => t.kind === Track.Kind.Video) as LocalVideoTrack | undefined,
  };
}

function mediaProblem(error: unknown): MediaProblem {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'refused';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'not_found';
  return 'other';
}

export function stopLocalMedia(media: LocalMedia): void {
  media.audio?.stop();
  media.video?.stop();
}

/** The cameras and microphones the browser offers (labels only once permission is given). */
export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const [cameras, microphones] = await Promise.all([
    Room.getLocalDevices('videoinput', false),
    Room.getLocalDevices('audioinput', false),
  ]);
  return { cameras, microphones };
}

const mayPublish = (p: Participant) => p.permissions?.canPublish ?? true;

/**
 * Joins the room with `access`, then publishes `media` as soon as this side may publish (at
 * once for the advisor; on admission for a customer in the lobby).
 */
export async function joinCall(access: CallAccess, media: LocalMedia, view: CallView): Promise<Call> {
  const room = new Room({ adaptiveStream: true, dynacast: true });
  let published = false;
  let leaving = false;

  const publish = async () => {
    if (published || !mayPublish(room.localParticipant)) return;
    published = true;
    if (media.audio) await room.localParticipant.publishTrack(media.audio);
    if (media.video) await room.localParticipant.publishTrack(media.video);
    view.admitted();
  };
  const showPeers = () =>
    view.peers(
      [...room.remoteParticipants.values()].map((p: RemoteParticipant) => ({
        identity: p.identity,
        name: p.name || p.identity,
        waiting: !mayPublish(p),
      })),
    );
  const show = (track: RemoteTrack, on: boolean) => {
    if (track.kind === Track.Kind.Audio) {
      if (on) {
        const element = track.attach();
        element.hidden = true;
        document.body.append(element);
      } else {
        for (const element of track.detach()) element.remove();
      }
      return;
    }
    if (track.source === Track.Source.ScreenShare) view.remoteScreen(on ? track : null);
    else view.remoteVideo(on ? track : null);
  };

  room
    .on(RoomEvent.TrackSubscribed, (track) => show(track, true))
    .on(RoomEvent.TrackUnsubscribed, (track) => show(track, false))
    .on(RoomEvent.ParticipantConnected, showPeers)
    .on(RoomEvent.ParticipantDisconnected, showPeers)
    .on(RoomEvent.ParticipantPermissionsChanged, (_before, participant) => {
      if (participant === room.localParticipant) void publish();
      else showPeers();
    })
    // Signalling lost (the network dropped, media may still flow) or media lost too: either way
    // the page says so until the connection is back.
    .on(RoomEvent.SignalReconnecting, () => view.state('reconnecting'))
    .on(RoomEvent.Reconnecting, () => view.state('reconnecting'))
    .on(RoomEvent.Reconnected, () => view.state('connected', { recovered: true }))
    .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      view.state('disconnected', leaving ? {} : { reason: DisconnectReason[reason ?? 0] ?? 'unknown' });
    })
    .on(RoomEvent.ChatMessage, (message, participant) => {
      const mine = !participant || participant === room.localParticipant;
      view.chat({
        from: mine ? '' : participant.name || participant.identity,
        text: message.message,
        mine,
        at: message.timestamp,
      });
    });

  view.state('connecting');
  await room.connect(access.url, access.token);
  view.state('connected');
  showPeers();
  await publish();

  return {
    room,
    async setMicrophone(on) {
      if (media.audio) await (on ? media.audio.unmute() : media.audio.mute());
    },
    async setCamera(on) {
      if (media.video) {
        await (on ? media.video.unmute() : media.video.mute());
        return;
      }
      if (on && published) await room.localParticipant.setCameraEnabled(true);
    },
    async setScreenShare(on) {
      try {
        await room.localParticipant.setScreenShareEnabled(on);
        return true;
      } catch {
        return false;
      }
    },
    async sendChat(text) {
      // The room reports the sent message as a ChatMessage of the local participant.
      await room.localParticipant.sendChatMessage(text);
    },
    async leave() {
      leaving = true;
      if (room.state !== ConnectionState.Disconnected) await room.disconnect();
      stopLocalMedia(media);
    },
  };
}
