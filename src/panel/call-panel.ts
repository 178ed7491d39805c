import { LitElement, css, html, nothing } from 'lit';
import { CallState } from './call-state.js';
import { rememberDevice, rememberedDevices, type CallControls } from './call-runner.js';
import { translate, type MessageKey } from './i18n/index.js';

/** What the panel needs from the element that shows it. */
export interface PanelHost {
  readonly state: CallState;
  /** The far end's audio; the panel plays it. */
  readonly remoteStream: MediaStream | null;
  readonly localStream: MediaStream | null;
  readonly callControls: CallControls | undefined;
  readonly durationMs: number;
  readonly muted: boolean;
  readonly onHold: boolean;
  readonly poorQuality: boolean;
  /** The `controls` attribute: which controls to show, separated by spaces; empty: all. */
  readonly controls: string;
  readonly language: string;
  mute(on: boolean): void;
  hold(on: boolean): Promise<void>;
  sendDtmf(digits: string): Promise<void>;
}

/** The controls a `controls` attribute can list. */
export const PANEL_CONTROLS = ['mute', 'hold', 'keypad', 'settings'] as const;
/** One control of the panel. */
export type PanelControl = (typeof PANEL_CONTROLS)[number];

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/**
 * The in-call panel of `<voip-call-button>`: mute, hold and a keypad. Internal: the element
 * renders it during a call; it is defined by the call chunk, so a page that never calls never
 * loads it. Pages style it through the parts the element re-exports.
 *
 * @csspart panel-button - Each toggle of the panel (mute, hold, keypad).
 * @csspart keypad - The keypad grid.
 * @csspart key - Each key of the keypad.
 */
export class VoipCallPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    [part='panel'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4em;
    }
    button {
      min-height: 36px;
      min-width: 44px;
      padding: 0.3em 0.8em;
      border: 1px solid var(--voip-panel-border, #c4c7c5);
      border-radius: var(--voip-button-radius, 999px);
      background: var(--voip-panel-background, #fff);
      color: var(--voip-panel-color, #1f1f1f);
      font: inherit;
      font-size: 0.875em;
      cursor: pointer;
    }
    button[aria-pressed='true'],
    button[aria-expanded='true'] {
      background: var(--voip-panel-active-background, #1f1f1f);
      color: var(--voip-panel-active-color, #fff);
    }
    button:focus-visible {
      outline: var(--voip-focus-ring, 3px solid #1a73e8);
      outline-offset: 2px;
    }
    [part='quality-warning'] {
      margin: 0 0 0.4em;
      font-size: 0.875em;
      color: var(--voip-error-color, #b3261e);
    }
    [part='timer'] {
      align-self: center;
      min-width: 3.5em;
      font-variant-numeric: tabular-nums;
    }
    [part='settings'] {
      display: grid;
      gap: 0.3em;
      margin-top: 0.4em;
      font-size: 0.875em;
    }
    [part='settings'] select {
      display: block;
      max-width: 16em;
      font: inherit;
    }
    [part='level'] {
      width: 100%;
      max-width: 16em;
    }
    [part='keypad'] {
      display: grid;
      grid-template-columns: repeat(3, 3em);
      gap: 0.3em;
      margin-top: 0.4em;
    }
    [part='key'] {
      min-width: 0;
      border-radius: 8px;
      font-variant-numeric: tabular-nums;
    }
  `;

  static override properties = {
    owner: { attribute: false },
    keypadOpen: { state: true },
    blocked: { state: true },
    settingsOpen: { state: true },
    devices: { state: true },
    levels: { state: true },
  };

  /** The element this panel controls; it asks the panel to update whenever it renders. */
  owner: PanelHost | undefined;
  /** @internal */
  private keypadOpen = false;
  /** The browser refused to play the call audio without a gesture (autoplay policy). */
  /** @internal */
  private blocked = false;
  private playing: MediaStream | null = null;
  /** @internal */
  private settingsOpen = false;
  /** @internal */
  private devices: MediaDeviceInfo[] = [];
  /** @internal Input and output levels, 0..1, while the settings are open. */
  private levels = { input: 0, output: 0 };
  private meters: { ctx: AudioContext; timer: ReturnType<typeof setInterval> } | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // The call timer ticks while the panel is shown.
    this.ticker = setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    this.stopMeters();
  }

  /** Opens or closes the audio settings: devices (listed after permission) and level meters. */
  private readonly toggleSettings = async (): Promise<void> => {
    this.settingsOpen = !this.settingsOpen;
    if (!this.settingsOpen) {
      this.stopMeters();
      return;
    }
    this.devices = await navigator.mediaDevices.enumerateDevices();
    this.startMeters();
  };

  private readonly chooseMicrophone = (event: Event): void => {
    const id = (event.target as HTMLSelectElement).value;
    void this.owner?.callControls?.useMicrophone(id).then(() => this.startMeters());
  };

  private readonly chooseSpeaker = (event: Event): void => {
    const id = (event.target as HTMLSelectElement).value;
    rememberDevice('speaker', id);
    void this.applySpeaker(id);
  };

  /** Routes the call audio to a speaker where the browser can (`setSinkId`). */
  private async applySpeaker(id: string | undefined): Promise<void> {
    const audio: (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null =
      this.renderRoot.querySelector('audio');
    if (!id || !audio?.setSinkId) return;
    await audio.setSinkId(id).catch(() => undefined); // a device that went away: keep the default
  }

  /** Level meters: an analyser on each stream, read a few times a second. */
  private startMeters(): void {
    this.stopMeters();
    const ctx = new AudioContext();
    const analyse = (stream: MediaStream | null | undefined) => {
      if (!stream || stream.getAudioTracks().length === 0) return () => 0;
      const analyser = ctx.createAnalyser();
      ctx.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      return () => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) sum += v * v;
        // RMS, scaled so that speech fills most of the meter.
        return Math.min(1, Math.sqrt(sum / samples.length) * 4);
      };
    };
    const input = analyse(this.owner?.localStream);
    const output = analyse(this.owner?.remoteStream);
    const timer = setInterval(() => (this.levels = { input: input(), output: output() }), 150);
    this.meters = { ctx, timer };
  }

  private stopMeters(): void {
    if (!this.meters) return;
    clearInterval(this.meters.timer);
    void this.meters.ctx.close().catch(() => undefined);
    this.meters = undefined;
  }

  protected override updated(): void {
    const audio = this.renderRoot.querySelector('audio');
    const stream = this.owner?.remoteStream ?? null;
    if (!audio || stream === this.playing) return;
    this.playing = stream;
    audio.srcObject = stream;
    if (stream) {
      void this.applySpeaker(rememberedDevices().speaker);
      void this.play(audio);
    }
  }

  /** The "tap to hear" button: a user gesture, so playback is allowed now. */
  private readonly resume = (): void => {
    const audio = this.renderRoot.querySelector('audio');
    if (audio) void this.play(audio);
  };

  /** Plays the call audio; when autoplay is refused, offers a button (a user gesture) instead. */
  private async play(audio: HTMLAudioElement): Promise<void> {
    try {
      await audio.play();
      this.blocked = false;
    } catch (error) {
      // NotAllowedError: no user gesture yet. AbortError: a newer stream replaced this one.
      if (error instanceof Error && error.name === 'NotAllowedError') this.blocked = true;
    }
  }

  constructor() {
    super();
    // Digits typed while the panel has focus are sent as keypad tones.
    this.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const owner = this.owner;
      if (
        owner?.state === CallState.InCall &&
        this.shows(owner, 'keypad') &&
        /^[0-9*#]$/.test(event.key)
      ) {
        event.preventDefault();
        void owner.sendDtmf(event.key);
      }
    });
  }

  private renderSettings() {
    const microphones = this.devices.filter((d) => d.kind === 'audioinput');
    const speakers = this.devices.filter((d) => d.kind === 'audiooutput');
    const canRoute = 'setSinkId' in HTMLMediaElement.prototype;
    const current = this.owner?.localStream?.getAudioTracks().at(0)?.getSettings().deviceId;
    const chosenSpeaker = rememberedDevices().speaker;
    const option = (d: MediaDeviceInfo, i: number, selected: boolean, fallback: string) =>
      html`<option value=${d.deviceId} ?selected=${selected}>
        ${d.label || `${fallback} ${i + 1}`}
      </option>`;
    return html`<div id="settings" part="settings">
      <label
        >${this.t('panel.microphone')}
        <select @change=${this.chooseMicrophone}>
          ${microphones.map((d, i) =>
            option(d, i, d.deviceId === current, this.t('panel.microphone')),
          )}
        </select></label
      >
      ${this.meter(this.levels.input, 'panel.level-in')}
      ${
        canRoute && speakers.length > 0
          ? html`<label
              >${this.t('panel.speaker')}
              <select @change=${this.chooseSpeaker}>
                ${speakers.map((d, i) =>
                  option(d, i, d.deviceId === chosenSpeaker, this.t('panel.speaker')),
                )}
              </select></label
            >`
          : nothing
      }
      ${this.meter(this.levels.output, 'panel.level-out')}
    </div>`;
  }

  /**
   * A toggle of the panel: a native button whose state is `aria-pressed`, or `aria-expanded`
   * when it opens the view `controls` names.
   */
  private toggle(
    part: string,
    label: MessageKey,
    on: boolean,
    onClick: () => void,
    controls?: string,
  ) {
    const state = on ? 'true' : 'false';
    return controls
      ? html`<button
          part="panel-button ${part}"
          type="button"
          aria-expanded=${state}
          aria-controls=${controls}
          @click=${onClick}
        >
          ${this.t(label)}
        </button>`
      : html`<button
          part="panel-button ${part}"
          type="button"
          aria-pressed=${state}
          @click=${onClick}
        >
          ${this.t(label)}
        </button>`;
  }

  /** Whether the owner's `controls` attribute lets `control` show (empty: all). */
  private shows(owner: PanelHost, control: PanelControl): boolean {
    const listed = owner.controls.trim().split(/\s+/).filter(Boolean);
    return listed.length === 0 || listed.includes(control);
  }

  /** A level meter, 0..1. */
  private meter(value: number, label: MessageKey) {
    return html`<meter
      part="level"
      min="0"
      max="1"
      .value=${value}
      aria-label=${this.t(label)}
    ></meter>`;
  }

  private t(key: MessageKey): string {
    return translate(this.owner?.language, key);
  }

  protected override render() {
    const host = this.owner;
    if (!host) return nothing;
    const inCall = host.state === CallState.InCall;
    // The call time runs on while a call reconnects; hold and the keypad wait for it.
    const answered = inCall || host.state === CallState.Reconnecting;
    const show = (control: PanelControl) => this.shows(host, control);
    // Mute applies from the start of a call; hold and the keypad once it is answered.
    return html`
      <audio></audio>
      ${
        this.blocked
          ? html`<button part="panel-button play" type="button" @click=${this.resume}>
              ${this.t('panel.play')}
            </button>`
          : nothing
      }
      ${
        inCall && host.poorQuality
          ? html`<p part="quality-warning" role="status">${this.t('panel.poor-quality')}</p>`
          : nothing
      }
      <div part="panel" role="group" aria-label=${this.t('panel.label')}>
        ${
          answered
            ? html`<span part="timer" role="timer">${formatDuration(host.durationMs)}</span>`
            : nothing
        }
        ${
          show('mute')
            ? this.toggle('mute', 'panel.mute', host.muted, () => host.mute(!host.muted))
            : nothing
        }
        ${
          inCall && show('hold')
            ? this.toggle('hold', 'panel.hold', host.onHold, () => void host.hold(!host.onHold))
            : nothing
        }
        ${
          inCall && show('keypad')
            ? this.toggle(
                'keypad-toggle',
                'panel.keypad',
                this.keypadOpen,
                () => (this.keypadOpen = !this.keypadOpen),
                'keypad',
              )
            : nothing
        }
        ${
          inCall && show('settings')
            ? this.toggle(
                'settings-toggle',
                'panel.settings',
                this.settingsOpen,
                () => void this.toggleSettings(),
                'settings',
              )
            : nothing
        }
      </div>
      ${inCall && show('settings') && this.settingsOpen ? this.renderSettings() : nothing}
      ${
        inCall && show('keypad') && this.keypadOpen
          ? html`<div
              id="keypad"
              part="keypad"
              role="group"
              aria-label=${this.t('panel.keypad-label')}
            >
              ${KEYS.map(
                (key) =>
                  html`<button part="key" type="button" @click=${() => void host.sendDtmf(key)}>
                    ${key}
                  </button>`,
              )}
            </div>`
          : nothing
      }
    `;
  }
}

/** Defines `<voip-call-panel>` once (the call chunk calls this before the first call). */
export function definePanel(): void {
  if (!customElements.get('voip-call-panel'))
    customElements.define('voip-call-panel', VoipCallPanel);
}

declare global {
  interface HTMLElementTagNameMap {
    'voip-call-panel': VoipCallPanel;
  }
}

/** Formats a call duration as `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
