import type { RemoteTrack } from 'livekit-client';
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
import { api, ApiError, fill, h, pageData } from './dom.ts';

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
  const joinButton = h('button', { class: 'primary', id: 'join', attrs: { type: 'button' } }, t.preJoin.join);
  const joinCameraOff = h(
    'button',
    { id: 'join-camera-off', attrs: { type: 'button' } },
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
  // Joining needs a microphone or a camera; joining without video needs the microphone.
  const enableJoin = () => {
    joinButton.disabled = !media.audio && !media.video;
    joinCameraOff.disabled = !media.audio;
  };
  const open = async () => {
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
    enableJoin();
    await refreshDevices();
  };

  cameraSelect.addEventListener('change', () => {
    if (media.video && cameraSelect.value) void media.video.setDeviceId(cameraSelect.value);
  });
  micSelect.addEventListener('change', () => {
    if (media.audio && micSelect.value) void media.audio.setDeviceId(micSelect.value);
  });
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
    else say(t.call.joinFailed, 'error');
    return;
  }
  if (!cameraWanted && media.video) {
    media.video.stop();
    media = { ...media, video: undefined };
  }

  const remote = h('video', {
    class: 'remote',
    id: 'remote-video',
    attrs: { autoplay: true, playsinline: true, 'aria-label': t.call.advisorVideo },
  });
  const self = h('video', {
    class: 'self',
    id: 'local-video',
    attrs: { autoplay: true, playsinline: true, 'aria-label': t.call.yourVideo },
  });
  self.muted = true;
  const screen = h('video', { class: 'screen', attrs: { autoplay: true, playsinline: true, hidden: true } });
  const chatLog = h('ul', { class: 'chat-log', id: 'chat-log', attrs: { 'aria-live': 'polite' } });
  const lobby = h(
    'section',
    { class: 'card', id: 'lobby', attrs: { 'aria-labelledby': 'lobby-heading' } },
    h('h2', { id: 'lobby-heading' }, t.lobby.heading),
    h('p', {}, t.lobby.body),
  );
  const callSection = h('section', { id: 'call', attrs: { hidden: true } });
  fill(app, lobby, callSection);

  const view: CallView = {
    remoteVideo: (track: RemoteTrack | null) => {
      if (track) track.attach(remote);
      else remote.srcObject = null;
    },
    remoteScreen: (track: RemoteTrack | null) => {
      screen.hidden = !track;
      if (track) track.attach(screen);
      else screen.srcObject = null;
    },
    state: (state, detail) => {
      if (state === 'reconnecting') say(t.call.reconnecting, 'notice');
      else if (state === 'connected' && detail?.recovered) say(t.call.reconnected, 'ok');
      else if (state === 'disconnected') void afterCall();
    },
    chat: (line) => {
      chatLog.append(h('li', {}, h('span', { class: 'who' }, line.mine ? t.call.you : line.from), line.text));
      chatLog.scrollTop = chatLog.scrollHeight;
    },
    admitted: () => {
      lobby.hidden = true;
      callSection.hidden = false;
      if (media.video) media.video.attach(self);
      self.hidden = !media.video;
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
    say(t.call.joinFailed, 'error');
    await preJoin();
    return;
  }
  fill(callSection, callLayout(call, { remote, self, screen, chatLog }));
}

function callLayout(
  call: Call,
  parts: { remote: HTMLVideoElement; self: HTMLVideoElement; screen: HTMLVideoElement; chatLog: HTMLElement },
): HTMLElement {
  let micOn = Boolean(media.audio);
  let cameraOn = Boolean(media.video);
  let sharing = false;
  const toggle = (id: string, label: () => string, pressed: () => boolean, act: () => Promise<void>) => {
    const button = h('button', { id, attrs: { type: 'button' } });
    const paint = () => {
      button.textContent = label();
      button.setAttribute('aria-pressed', String(pressed()));
    };
    button.addEventListener('click', () => void act().then(paint));
    paint();
    return button;
  };
  const mic = toggle(
    'toggle-mic',
    () => (micOn ? t.call.mute : t.call.unmute),
    () => !micOn,
    async () => {
      micOn = !micOn;
      await call.setMicrophone(micOn);
    },
  );
  mic.disabled = !media.audio;
  const camera = toggle(
    'toggle-camera',
    () => (cameraOn ? t.call.cameraOff : t.call.cameraOn),
    () => !cameraOn,
    async () => {
      cameraOn = !cameraOn;
      await call.setCamera(cameraOn);
    },
  );
  const share = toggle(
    'toggle-share',
    () => (sharing ? t.call.stopShare : t.call.share),
    () => sharing,
    async () => {
      if (await call.setScreenShare(!sharing)) sharing = !sharing;
    },
  );
  share.hidden = !('getDisplayMedia' in (navigator.mediaDevices ?? {}));
  const leave = h(
    'button',
    { class: 'danger', id: 'leave', attrs: { type: 'button' }, on: { click: () => void call.leave() } },
    t.call.leave,
  );
  const input = h('input', { id: 'chat-input', attrs: { autocomplete: 'off', maxlength: '1000' } });
  const form = h(
    'form',
    { class: 'row', id: 'chat-form' },
    h('label', { class: 'sr-only', attrs: { for: 'chat-input' } }, t.call.message),
    input,
    h('button', { attrs: { type: 'submit' } }, t.call.send),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void call.sendChat(text);
  });
  return h(
    'div',
    { class: 'call-layout' },
    h(
      'div',
      {},
      h('div', { class: 'stage' }, parts.remote, parts.self),
      parts.screen,
      h(
        'div',
        { class: 'row controls', attrs: { role: 'toolbar', 'aria-label': t.title } },
        mic,
        camera,
        share,
        leave,
      ),
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'chat-heading' } },
      h('h2', { id: 'chat-heading' }, t.call.chat),
      parts.chatLog,
      form,
    ),
  );
}

// ── After the call ──────────────────────────────────────────────────────────────────────────

let surveyShown = false;

async function afterCall(): Promise<void> {
  if (surveyShown) return;
  surveyShown = true;
  stopLocalMedia(media);
  for (const element of document.querySelectorAll('audio')) element.remove();
  say(t.call.disconnected);
  const scale = (name: string, values: number[], labelOf: (v: number) => string) =>
    h(
      'div',
      { class: 'scale' },
      ...values.map((v) =>
        h(
          'label',
          {},
          h('input', { attrs: { type: 'radio', name, value: String(v), 'aria-label': labelOf(v) } }),
          h('span', { attrs: { 'aria-hidden': 'true' } }, String(v)),
        ),
      ),
    );
  const nps = h(
    'fieldset',
    {},
    h('legend', {}, t.survey.nps),
    h('p', { class: 'muted' }, `${t.survey.npsLow} · ${t.survey.npsHigh}`),
    scale('nps', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], String),
  );
  const csat = h(
    'fieldset',
    {},
    h('legend', {}, t.survey.csat),
    h('p', { class: 'muted' }, t.survey.csatScale.map((label, i) => `${i + 1} = ${label}`).join(' · ')),
    scale('csat', [1, 2, 3, 4, 5], (v) => `${v}: ${t.survey.csatScale[v - 1]}`),
  );
  const comment = h('textarea', { id: 'survey-comment', attrs: { rows: '3', maxlength: '2000' } });
  const result = h('p', { attrs: { role: 'status' } });
  const submit = h('button', { class: 'primary', attrs: { type: 'submit' } }, t.survey.submit);
  const form = h(
    'form',
    { class: 'card', id: 'survey', attrs: { 'aria-labelledby': 'survey-heading' } },
    h('h2', { id: 'survey-heading' }, t.survey.heading),
    nps,
    csat,
    h('label', { attrs: { for: 'survey-comment' } }, t.survey.comment),
    comment,
    h('div', { class: 'row controls' }, submit),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = (name: string) =>
      (form.querySelector(`input[name="${name}"]:checked`) as HTMLInputElement | null)?.value;
    const [npsValue, csatValue] = [picked('nps'), picked('csat')];
    if (npsValue === undefined || csatValue === undefined) {
      result.className = 'error';
      result.textContent = t.survey.missing;
      return;
    }
    submit.disabled = true;
    void sendSurvey({
      nps: Number(npsValue),
      csat: Number(csatValue),
      comment: comment.value.trim() || undefined,
    })
      .then(() => {
        fill(
          form,
          h('h2', { id: 'survey-heading' }, t.survey.heading),
          h('p', { class: 'ok', id: 'survey-thanks' }, t.survey.thanks),
        );
      })
      .catch(() => {
        result.className = 'error';
        result.textContent = t.survey.failed;
        submit.disabled = false;
      });
  });
  fill(app, form);
  (form.querySelector('input') as HTMLInputElement).focus();
}

/**
 * Sends the answers. The consultation reaches the customer's journey a moment after the call
 * ends; until then the app answers 503 (try again shortly), so they are sent again for up to a minute.
 */
async function sendSurvey(answers: { nps: number; csat: number; comment: string | undefined }) {
  const deadline = Date.now() + 60_000;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await api('POST', `${base}/survey`, answers);
    } catch (error) {
      const stillClosing = error instanceof ApiError && error.status === 503;
      if (!stillClosing || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

void preJoin();
