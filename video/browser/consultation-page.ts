import {
  joinCall,
  listDevices,
  openLocalMedia,
  stopLocalMedia,
  type Call,
  type CallAccess,
  type CallView,
  type LocalMedia,
  type MediaProblem,
} from './call.ts';
import { consultationTexts, type ConsultationPageData } from './consultation-texts.ts';
import { createCallScreen } from './call-screen.ts';
import { renderSurvey } from './consultation-survey.ts';
import { api, ApiError, fill, h, pageData } from '../../web/browser/dom.ts';

// The customer's consultation page: pre-join (preview, devices, permissions), lobby, call,
// and the survey after it. The server has already checked the link and the appointment's time.

const data = pageData<ConsultationPageData>();
const t = consultationTexts[data.locale];
const app = document.getElementById('app') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const base = `/api/links/join/${encodeURIComponent(data.token)}`;

let media: LocalMedia = { audio: undefined, video: undefined };
let cameraWanted = true;

function say(text: string, kind: 'notice' | 'error' | 'ok' | '' = '') {
  status.className = `status-line ${kind}`;
  status.textContent = text;
}

// ── Pre-join ────────────────────────────────────────────────────────────────────────────────

async function preJoin(): Promise<void> {
  const preview = h('video', { class: 'preview', attrs: { muted: true, playsinline: true, autoplay: true } });
  preview.muted = true;
  const cameraSelect = h('select', { id: 'camera' });
  const micSelect = h('select', { id: 'microphone' });
  const problemBox = h('div', { attrs: { role: 'alert' } });
  // Nothing to join with until the chosen devices are open.
  const joinButton = h(
    'button',
    { class: 'primary', id: 'join', attrs: { type: 'button', disabled: true } },
    t.preJoin.join,
  );
  const joinCameraOff = h(
    'button',
    { id: 'join-camera-off', attrs: { type: 'button', disabled: true } },
    t.preJoin.joinCameraOff,
  );
  fill(
    app,
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'prejoin-heading' } },
      h('h2', { id: 'prejoin-heading' }, t.preJoin.heading),
      preview,
      h('label', { attrs: { for: 'camera' } }, t.preJoin.camera),
      cameraSelect,
      h('label', { attrs: { for: 'microphone' } }, t.preJoin.microphone),
      micSelect,
      problemBox,
      h('div', { class: 'row controls' }, joinButton, joinCameraOff),
    ),
  );

  const showPreview = () => {
    if (media.video) media.video.attach(preview);
    else preview.srcObject = null;
    preview.setAttribute('aria-label', media.video ? t.call.yourVideo : t.preJoin.previewOff);
  };
  const showProblem = (problem: MediaProblem | undefined) => {
    if (!problem) {
      fill(problemBox);
      return;
    }
    const retry = h(
      'button',
      { attrs: { type: 'button' }, on: { click: () => void open() } },
      t.preJoin.retry,
    );
    fill(
      problemBox,
      h(
        'div',
        { class: 'notice', id: 'media-problem', attrs: { 'data-problem': problem } },
        h('p', {}, problem === 'not_found' ? t.preJoin.notFound : t.preJoin.refused),
        problem === 'not_found' ? null : h('p', {}, t.preJoin.refusedHelp),
        retry,
      ),
    );
  };
  const options = (select: HTMLSelectElement, devices: MediaDeviceInfo[], current?: string) => {
    fill(
      select,
      ...(devices.length === 0
        ? [h('option', { attrs: { value: '' } }, t.preJoin.noDevice)]
        : devices.map((d, i) =>
            h(
              'option',
              { attrs: { value: d.deviceId, selected: d.deviceId === current } },
              d.label || `${select.id === 'camera' ? t.preJoin.camera : t.preJoin.microphone} ${i + 1}`,
            ),
          )),
    );
  };
  const refreshDevices = async () => {
    const { cameras, microphones } = await listDevices();
    options(cameraSelect, cameras, media.video?.mediaStreamTrack.getSettings().deviceId);
    options(micSelect, microphones, media.audio?.mediaStreamTrack.getSettings().deviceId);
  };
  // "Join" needs the chosen camera and microphone open; joining without video, the microphone.
  const isOpen = (track: LocalMedia['audio'] | LocalMedia['video']) =>
    track !== undefined && track.mediaStreamTrack.readyState === 'live';
  const enableJoin = () => {
    joinButton.disabled = !(isOpen(media.video) && isOpen(media.audio));
    joinCameraOff.disabled = !isOpen(media.audio);
  };
  const disableJoin = () => {
    joinButton.disabled = true;
    joinCameraOff.disabled = true;
  };
  // A device that goes away (unplugged, taken by another app) closes the way in again.
  const watch = () => {
    for (const track of [media.audio, media.video])
      track?.mediaStreamTrack.addEventListener('ended', enableJoin);
  };
  /** Switches a track to another device; neither button works until it is open. */
  const switchTo = async (track: LocalMedia['audio'] | LocalMedia['video'], deviceId: string) => {
    if (!track || !deviceId) return;
    disableJoin();
    try {
      await track.setDeviceId(deviceId);
    } finally {
      watch();
      enableJoin();
    }
  };
  const open = async () => {
    disableJoin();
    say(t.preJoin.asking);
    stopLocalMedia(media);
    const opened = await openLocalMedia({
      video: true,
      videoDeviceId: cameraSelect.value || undefined,
      audioDeviceId: micSelect.value || undefined,
    });
    media = opened.media;
    say('');
    showProblem(opened.problem);
    showPreview();
    watch();
    enableJoin();
    await refreshDevices();
  };

  cameraSelect.addEventListener('change', () => void switchTo(media.video, cameraSelect.value));
  micSelect.addEventListener('change', () => void switchTo(media.audio, micSelect.value));
  const go = (withCamera: boolean) => {
    cameraWanted = withCamera && Boolean(media.video);
    joinButton.disabled = true;
    joinCameraOff.disabled = true;
    void join().finally(enableJoin);
  };
  joinButton.addEventListener('click', () => go(true));
  joinCameraOff.addEventListener('click', () => go(false));
  await open();
}

// ── Lobby and call ──────────────────────────────────────────────────────────────────────────

async function join(): Promise<void> {
  let access: CallAccess;
  try {
    access = await api<CallAccess>('POST', `${base}/access`);
  } catch (error) {
    // Refused (cancelled meanwhile, the window closed): the page, reloaded, says why in the customer's language.
    if (error instanceof ApiError && error.status < 500) window.location.reload();
    // The app answered with its own failure (video unavailable): not the customer's connection.
    else if (error instanceof ApiError) say(t.call.serviceUnavailable, 'error');
    else say(navigator.onLine ? t.call.serviceUnavailable : t.call.joinFailed, 'error');
    return;
  }
  if (!cameraWanted && media.video) {
    media.video.stop();
    media = { ...media, video: undefined };
  }

  const screen = createCallScreen(t.call, media);
  const lobby = h(
    'section',
    { class: 'card', id: 'lobby', attrs: { 'aria-labelledby': 'lobby-heading' } },
    h('h2', { id: 'lobby-heading' }, t.lobby.heading),
    h('p', {}, t.lobby.body),
  );
  const callSection = h('section', { id: 'call', attrs: { hidden: true } });
  fill(app, lobby, callSection);

  const view: CallView = {
    remoteVideo: screen.remoteVideo,
    remoteScreen: screen.remoteScreen,
    chat: screen.chat,
    state: (state, detail) => {
      if (state === 'reconnecting') say(t.call.reconnecting, 'notice');
      else if (state === 'connected' && detail?.recovered) say(t.call.reconnected, 'ok');
      else if (state === 'disconnected') void showSurvey();
    },
    admitted: () => {
      lobby.hidden = true;
      callSection.hidden = false;
      screen.showSelf();
      (document.getElementById('toggle-mic') as HTMLButtonElement | null)?.focus();
    },
    peers: (peers) => {
      if (!callSection.hidden && peers.length === 0) say(t.call.advisorLeft, 'notice');
      else if (peers.length > 0 && status.textContent === t.call.advisorLeft) say('');
    },
  };

  let call: Call;
  try {
    call = await joinCall(access, media, view);
  } catch {
    // The app gave a token, so the device is online unless the browser says otherwise: the video
    // service is what failed.
    say(navigator.onLine ? t.call.serviceUnavailable : t.call.joinFailed, 'error');
    await preJoin();
    return;
  }
  fill(
    callSection,
    h(
      'div',
      { class: 'call-layout' },
      h('div', {}, screen.stage, screen.screen, screen.toolbar(call)),
      screen.chatPanel(call, 'h2'),
    ),
  );
}

// ── After the call ──────────────────────────────────────────────────────────────────────────

let surveyShown = false;

function showSurvey(): void {
  if (surveyShown) return;
  surveyShown = true;
  stopLocalMedia(media);
  for (const element of document.querySelectorAll('audio')) element.remove();
  say(t.call.disconnected);
  renderSurvey(app, t.survey, data.token);
}

void preJoin();
