/**
 * The video view: the far end's video large, the visitor's own small over it (mirrored when it
 * is the camera: people expect to see themselves as in a mirror; a shared screen is shown as
 * is), a full-screen button, and the offer to turn the camera off on a poor connection. It is an
 * element of its own, defined by the video chunk, so its styles (in its own shadow root, CSP
 * safe) load only with video; the panel re-exports its parts. It only shows what it is given.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { MessageKey } from '../i18n/index.js';

/** The parts of the view, re-exported by the panel and the element. */
const PARTS = 'video,remote-video,local-video,fullscreen,video-offer';

export class VoipVideoView extends LitElement {
  static override properties = {
    remote: { attribute: false },
    local: { attribute: false },
    mirror: { attribute: false },
    offer: { attribute: false },
    t: { attribute: false },
    full: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      margin-top: 0.5em;
      max-width: var(--voip-video-max-width, 640px);
    }
    [part='video'] {
      position: relative;
      aspect-ratio: 4 / 3;
      background: var(--voip-video-background, #111);
      border-radius: var(--voip-video-radius, 8px);
      overflow: hidden;
    }
    video {
      display: block;
      width: 100%;
      height: 100%;
      object-fit: contain;
    }
    /* The visitor's own video over the far end's, in a corner; alone, it fills the view. */
    .inset {
      position: absolute;
      right: 0.5em;
      bottom: 0.5em;
      width: var(--voip-video-self-width, 28%);
      min-width: 64px;
      height: auto;
      border-radius: 4px;
      box-shadow: 0 0 0 1px #fff6;
    }
    .mirror {
      transform: scaleX(-1);
    }
    [part='fullscreen'] {
      position: absolute;
      top: 0.5em;
      right: 0.5em;
      font: inherit;
      font-size: 0.8em;
      padding: 0.3em 0.7em;
      color: #fff;
      background: #0009;
      border: 1px solid #fff6;
      border-radius: 4px;
      cursor: pointer;
    }
    button:focus-visible {
      outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
      outline-offset: 2px;
    }
    :host(:fullscreen) {
      max-width: none;
      margin: 0;
      background: #000;
    }
    :host(:fullscreen) [part='video'] {
      height: 100%;
      aspect-ratio: auto;
      border-radius: 0;
    }
    [part='video-offer'] {
      margin: 0 0 0.5em;
    }
    [part='video-offer'] button {
      font: inherit;
      margin-left: 0.5em;
    }
  `;

  /** The far end's video, or `null`. */
  remote: MediaStream | null = null;
  /** What the visitor sends (camera or screen), or `null`. */
  local: MediaStream | null = null;
  /** Whether the visitor's own video is mirrored (the camera). */
  mirror = false;
  /** The answers to the "turn the camera off?" offer, while it shows. */
  offer: { off: () => void; keep: () => void } | undefined;
  /** The element's text. */
  t: (key: MessageKey) => string = (key) => key;
  /** Whether the view is full screen. */
  private full = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('exportparts', PARTS);
    this.addEventListener('fullscreenchange', this.onFullscreen);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('fullscreenchange', this.onFullscreen);
  }

  private readonly onFullscreen = (): void => {
    this.full = this.matches(':fullscreen');
  };

  private readonly toggleFullscreen = (): void => {
    if (this.full) void document.exitFullscreen().catch(() => undefined);
    else void this.requestFullscreen().catch(() => undefined); // refused: the view stays as is
  };

  protected override render() {
    const { t, remote, local, offer } = this;
    return html`${
        offer
          ? html`<p part="video-offer" role="status">
              ${t('video.poor')}
              <button type="button" @click=${offer.off}>${t('video.turn-off')}</button>
              <button type="button" @click=${offer.keep}>${t('video.keep')}</button>
            </p>`
          : nothing
      }
      <div part="video">
        ${remote ? video('remote-video', t('video.remote'), remote) : nothing}
        ${
          local
            ? video(
                'local-video',
                t('video.local'),
                local,
                `${remote ? 'inset' : ''} ${this.mirror ? 'mirror' : ''}`,
              )
            : nothing
        }
        ${
          // One label, its state in aria-pressed; kept in full screen whatever the far end sends.
          (remote || this.full) && document.fullscreenEnabled
            ? html`<button
                part="fullscreen"
                type="button"
                aria-pressed=${this.full ? 'true' : 'false'}
                @click=${this.toggleFullscreen}
              >
                ${t('video.fullscreen')}
              </button>`
            : nothing
        }
      </div>`;
  }
}

/** A muted `<video>` playing `stream` (the call's sound plays in the panel's `<audio>`). */
const video = (part: string, label: string, stream: MediaStream, classes = '') =>
  html`<video
    part=${part}
    class=${classes}
    aria-label=${label}
    autoplay
    playsinline
    muted
    .srcObject=${stream}
  ></video>`;

/** Defines `<voip-video-view>` once (the video chunk, before its first call). */
export function defineVideoView(): void {
  if (!customElements.get('voip-video-view'))
    customElements.define('voip-video-view', VoipVideoView);
}

declare global {
  interface HTMLElementTagNameMap {
    'voip-video-view': VoipVideoView;
  }
}
