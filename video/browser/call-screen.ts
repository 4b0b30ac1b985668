import type { RemoteTrack } from 'livekit-client';
import type { Call, ChatLine, LocalMedia } from './call.ts';
import type { CallLabels } from './consultation-texts.ts';
import { h } from '../../web/browser/dom.ts';

// What both sides of a call see: the other side's video (and shared screen), their own, the
// controls and the chat. Each page brings its words and places the parts.

export function createCallScreen(labels: CallLabels, media: LocalMedia) {
  const video = (id: string | undefined, className: string, label: string) =>
    h('video', {
      class: className,
      ...(id ? { id } : {}),
      attrs: { autoplay: true, playsinline: true, 'aria-label': label },
    });
  const remote = video('remote-video', 'remote', labels.remoteVideo);
  const self = video('local-video', 'self', labels.yourVideo);
  self.muted = true;
  const screen = video(undefined, 'screen', labels.sharedScreen);
  screen.hidden = true;
  const chatLog = h('ul', { class: 'chat-log', id: 'chat-log', attrs: { 'aria-live': 'polite' } });

  const show = (element: HTMLVideoElement, track: RemoteTrack | null) => {
    if (track) track.attach(element);
    else element.srcObject = null;
  };

  return {
    stage: h('div', { class: 'stage' }, remote, self),
    screen,
    remoteVideo: (track: RemoteTrack | null) => show(remote, track),
    remoteScreen: (track: RemoteTrack | null) => {
      screen.hidden = !track;
      show(screen, track);
    },
    chat(line: ChatLine) {
      chatLog.append(h('li', {}, h('span', { class: 'who' }, line.mine ? labels.you : line.from), line.text));
      chatLog.scrollTop = chatLog.scrollHeight;
    },
    /** This side is in the call: its own camera shows (or takes no room without one). */
    showSelf() {
      if (media.video) media.video.attach(self);
      self.hidden = !media.video;
    },

    /** Mute, camera, screen share and leave, for `call`. */
    toolbar(call: Call): HTMLElement {
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
        () => (micOn ? labels.mute : labels.unmute),
        () => !micOn,
        async () => {
          micOn = !micOn;
          await call.setMicrophone(micOn);
        },
      );
      mic.disabled = !media.audio;
      const camera = toggle(
        'toggle-camera',
        () => (cameraOn ? labels.cameraOff : labels.cameraOn),
        () => !cameraOn,
        async () => {
          cameraOn = !cameraOn;
          await call.setCamera(cameraOn);
        },
      );
      const share = toggle(
        'toggle-share',
        () => (sharing ? labels.stopShare : labels.share),
        () => sharing,
        async () => {
          if (await call.setScreenShare(!sharing)) sharing = !sharing;
        },
      );
      share.hidden = !('getDisplayMedia' in (navigator.mediaDevices ?? {}));
      const leave = h(
        'button',
        { class: 'danger', id: 'leave', attrs: { type: 'button' }, on: { click: () => void call.leave() } },
        labels.leave,
      );
      return h(
        'div',
        { class: 'row controls', attrs: { role: 'toolbar', 'aria-label': labels.toolbar } },
        mic,
        camera,
        share,
        leave,
      );
    },

    /** The chat log and the form that sends into `call`. */
    chatPanel(call: Call, heading: 'h2' | 'h3'): HTMLElement {
      const input = h('input', { id: 'chat-input', attrs: { autocomplete: 'off', maxlength: '1000' } });
      const form = h(
        'form',
        { class: 'row', id: 'chat-form' },
        h('label', { class: 'sr-only', attrs: { for: 'chat-input' } }, labels.message),
        input,
        h('button', { attrs: { type: 'submit' } }, labels.send),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        input.value = '';
        void call.sendChat(text);
      });
      return h(
        'section',
        { class: 'card', attrs: { 'aria-labelledby': 'chat-heading' } },
        h(heading, { id: 'chat-heading' }, labels.chat),
        chatLog,
        form,
      );
    },
  };
}
