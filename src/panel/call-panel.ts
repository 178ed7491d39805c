import { LitElement, html, nothing } from 'lit';
import type { CallView, PanelContext, PanelSection } from '../call-contract.js';
import type { CallState } from '../call-state.js';
import { translate, type MessageKey } from '../i18n/index.js';
import { rememberDevice, rememberedDevices } from '../media/devices.js';
import { styles } from './call-panel.styles.js';

/** The controls a `controls` attribute can list. */
export const PANEL_CONTROLS = [
  'mute',
  'hold',
  'keypad',
  'settings',
  'text',
  'camera',
  'share-screen',
] as const;
/** The panel's parts, re-exported by `<voip-call-button>` (see its `@csspart` list). */
const EXPORTED_PARTS =
  'panel,timer,panel-button,panel-icon,play,mute,hold,keypad-toggle,keypad,key,quality-warning,transfer-failed,settings-toggle,settings,level,text-toggle,unread,text,messages,message,message-in,message-out,message-meta,message-text,message-status,retry,message-error,message-input,send,camera,share-screen,video,remote-video,local-video,fullscreen,video-offer,action-error';

/** One control of the panel. */
export type PanelControl = (typeof PANEL_CONTROLS)[number];

/**
 * The in-call panel of `<voip-call-button>`: the call time, mute, hold, the audio settings and
 * the sections of the call's capabilities (the keypad, the quality notice). Internal: the element
 * renders it during a call, handing it the call's view, state, `controls` and language; it is
 * defined by the call chunk, so a page that never calls never loads it. Pages style it through
 * the parts the element re-exports.
 *
 * @csspart panel-button - Each toggle of the panel (mute, hold, keypad, text, camera, share
 *   screen, settings).
 * @csspart keypad - The keypad grid.
 * @csspart key - Each key of the keypad.
 * @csspart text - The Text view; also its inner parts (see `EXPORTED_PARTS`).
 */
export class VoipCallPanel extends LitElement implements PanelContext {
  static override styles = styles;

  static override properties = {
    call: { attribute: false },
    state: { attribute: false },
    controls: { attribute: false },
    language: { attribute: false },
    blocked: { state: true },
    settingsOpen: { state: true },
    devices: { state: true },
    levels: { state: true },
  };

  /** The call this panel shows; the element asks the panel to update whenever it renders. */
  call: CallView | undefined;
  /** The call's state. */
  state: CallState = 'idle';
  /**
   * The `controls` attribute: which controls to show, separated by spaces; empty: all. `null`
   * once the page removes the attribute.
   */
  controls: string | null = '';
  /** The element's language. */
  language = 'en';
  /** The browser refused to play the call audio without a gesture (autoplay policy). */
  /** @internal */
  private blocked = false;
  private playing: MediaStream | null = null;
  /** @internal */
  private settingsOpen = false;
  /** @internal The media devices, listed when the settings open. */
  devices: MediaDeviceInfo[] = [];
  /** @internal Input and output levels, 0..1, while the settings are open. */
  private levels = { input: 0, output: 0 };
  private meters: { ctx: AudioContext; timer: ReturnType<typeof setInterval> } | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    // Keys pressed while the panel has focus go to the sections (the keypad sends digits), but
    // not those typed into a field (a text message, a device choice).
    this.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
      for (const section of this.sections()) if (section.key?.(this, event)) return;
    });
  }

  /** The element that holds the panel (its focus comes back there when the call ends). */
  private owner: HTMLElement | undefined;
  /** Whether the focus was in the element when the call began to end. */
  private hadFocus = false;
  /** @internal The last in-call action that failed, announced (`role="alert"`) for a while. */
  private failure: string | undefined;
  private failureTimer: ReturnType<typeof setTimeout> | undefined;

  /** An in-call action was refused or failed: say so where a screen reader hears it. */
  private readonly onError = (event: Event): void => {
    if (this.state === 'idle' || this.state === 'connecting') return;
    this.failure = (event as CustomEvent<{ message: string }>).detail.message;
    clearTimeout(this.failureTimer);
    this.failureTimer = setTimeout(() => {
      this.failure = undefined;
      this.requestUpdate();
    }, FAILURE_SHOWN_MS);
    this.requestUpdate();
  };

  /**
   * The call begins to end: whether the focus is in the element (the panel, or the call button
   * that hung up), noted before the renders that take it away (the toggles go, the button is
   * disabled while ending).
   */
  private readonly onState = (event: Event): void => {
    if ((event as CustomEvent<{ state: CallState }>).detail.state === 'ending') {
      this.hadFocus = !!this.owner?.matches(':focus-within');
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // The element's page styles these parts through the element: the panel says which (here, in
    // the call chunk, rather than in the element's template, which loads with every page).
    this.setAttribute('exportparts', EXPORTED_PARTS);
    // The call timer ticks while the panel is shown.
    this.ticker = setInterval(() => this.requestUpdate(), 1000);
    this.owner = (this.getRootNode() as ShadowRoot).host as HTMLElement | undefined;
    this.owner?.addEventListener('voip-error', this.onError);
    this.owner?.addEventListener('voip-state-change', this.onState);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    clearTimeout(this.failureTimer);
    this.stopMeters();
    const owner = this.owner;
    owner?.removeEventListener('voip-error', this.onError);
    owner?.removeEventListener('voip-state-change', this.onState);
    // The call is over and the panel goes: the focus the element held goes back to the call
    // button (the element delegates focus to it), not to the page's <body>.
    if (this.hadFocus) queueMicrotask(() => owner?.focus());
    this.hadFocus = false;
  }

  private sections(): readonly PanelSection[] {
    return this.call?.sections ?? [];
  }

  /** @internal Re-renders the panel (for the sections, which see the panel as a `PanelContext`). */
  refresh(): void {
    this.requestUpdate();
  }

  /** Whether the `controls` attribute lets `control` show (empty: all). */
  /** @internal */
  shows(control: string): boolean {
    const listed = (this.controls ?? '').trim().split(/\s+/).filter(Boolean);
    return listed.length === 0 || listed.includes(control);
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
    void this.call?.useMicrophone(id).then(() => this.startMeters());
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
    const input = analyse(this.call?.localStream);
    const output = analyse(this.call?.remoteStream);
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
    const stream = this.call?.remoteStream ?? null;
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

  private renderSettings() {
    const microphones = this.devices.filter((d) => d.kind === 'audioinput');
    const speakers = this.devices.filter((d) => d.kind === 'audiooutput');
    const canRoute = 'setSinkId' in HTMLMediaElement.prototype;
    const current = this.call?.localStream?.getAudioTracks().at(0)?.getSettings().deviceId;
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
      ${this.sections().map((section) => section.settings?.(this) ?? nothing)}
    </div>`;
  }

  /**
   * A toggle of the panel: a native button whose state is `aria-pressed`, or `aria-expanded`
   * when it opens the view `controls` names.
   */
  /** @internal */
  toggle(part: string, label: MessageKey, on: boolean, onClick: () => void, controls?: string) {
    const state = on ? 'true' : 'false';
    const icon = ICONS[part];
    const content = html`${
      icon
        ? html`<svg part="panel-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path fill-rule="evenodd" d=${icon} />
          </svg>`
        : nothing
    }${this.t(label)}`;
    return controls
      ? html`<button
          part="panel-button ${part}"
          type="button"
          aria-expanded=${state}
          aria-controls=${controls}
          @click=${onClick}
        >
          ${content}
        </button>`
      : html`<button
          part="panel-button ${part}"
          type="button"
          aria-pressed=${state}
          @click=${onClick}
        >
          ${content}
        </button>`;
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

  /** @internal */
  t(key: MessageKey): string {
    return translate(this.language, key);
  }

  protected override render() {
    const call = this.call;
    if (!call) return nothing;
    const state = this.state;
    const inCall = state === 'in-call';
    // The call time runs on while a call reconnects; hold and the keypad wait for it.
    const answered = call.answeredAt !== undefined && (inCall || state === 'reconnecting');
    const sections = this.sections();
    const each = (part: 'notice' | 'toggle' | 'view') =>
      sections.map((section) => section[part]?.(this) ?? nothing);
    const settings = inCall && this.shows('settings');
    // Mute applies from the start of a call; hold and the sections' controls once it is answered.
    return html`
      <audio></audio>
      ${
        this.blocked
          ? html`<button part="panel-button play" type="button" @click=${this.resume}>
              ${this.t('panel.play')}
            </button>`
          : nothing
      }
      ${each('notice')}
      <div part="panel" role="group" aria-label=${this.t('panel.label')}>
        ${
          answered
            ? html`<span part="timer" role="timer"
                >${formatDuration(performance.now() - call.answeredAt, this.language)}</span
              >`
            : nothing
        }
        ${
          this.shows('mute')
            ? this.toggle('mute', 'panel.mute', call.muted, () => call.mute(!call.muted))
            : nothing
        }
        ${
          inCall && this.shows('hold')
            ? this.toggle('hold', 'panel.hold', call.onHold, () => void call.hold(!call.onHold))
            : nothing
        }
        ${each('toggle')}
        ${
          settings
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
      ${settings && this.settingsOpen ? this.renderSettings() : nothing} ${each('view')}
      <p part="action-error" role="alert">${this.failure ?? nothing}</p>
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

/** How long a failed in-call action stays announced. */
const FAILURE_SHOWN_MS = 8000;

/** Whether a key goes into a field: a text input, a text area, a select, editable content. */
function typing(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

/**
 * The toggles' icons (paths in a 24-unit box, drawn for this project; inline, no icon font), by
 * part: the capabilities' toggles (keypad, text, camera, screen) are drawn here too, so that the
 * panel has one look.
 */
const ICONS: Readonly<Record<string, string>> = {
  mute: 'M12 2a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V5a3 3 0 0 1 3-3zM5 11h2a5 5 0 0 0 10 0h2a7 7 0 0 1-6 6.9V21h-2v-3.1A7 7 0 0 1 5 11z',
  hold: 'M7 5h3v14H7zm7 0h3v14h-3z',
  'keypad-toggle':
    'M6 3h3v3H6zm5 0h3v3h-3zm5 0h3v3h-3zM6 8h3v3H6zm5 0h3v3h-3zm5 0h3v3h-3zM6 13h3v3H6zm5 0h3v3h-3zm5 0h3v3h-3zm-5 5h3v3h-3z',
  'text-toggle': 'M3 4h18v12H9l-5 4v-4H3zm2 2v8h2v2l2.5-2H19V6z',
  'settings-toggle':
    'M3 5h9v2H3zm13-1h2v4h-2zm2 1h3v2h-3zM3 11h3v2H3zm5-1h2v4H8zm4 1h9v2h-9zM3 17h11v2H3zm15-1h2v4h-2z',
  camera: 'M2 6h13v12H2zm14 4 6-4v12l-6-4z',
  'share-screen': 'M2 3h20v14H2zm2 2v10h16V5zm3 14h10v2H7zm5-12 4 4h-3v3h-2v-3H8z',
};

/**
 * Formats a call duration as a clock in the visitor's language (`Intl.DurationFormat`, digital:
 * `mm:ss`, `h:mm:ss` from one hour on, in the language's digits); the same shape in ASCII digits
 * where the browser has no `Intl.DurationFormat` or does not know the language.
 */
export function formatDuration(ms: number, language = 'en'): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [hours, minutes, seconds] = [
    Math.floor(total / 3600),
    Math.floor(total / 60) % 60,
    total % 60,
  ];
  try {
    // (Not in TypeScript's library yet.) Without it, `new` throws: the plain clock below.
    const { DurationFormat } = Intl as unknown as Record<
      string,
      new (...args: unknown[]) => Intl.NumberFormat
    >;
    return new DurationFormat(language, { style: 'digital', hoursDisplay: 'auto' }).format({
      hours,
      minutes,
      seconds,
    } as unknown as number);
  } catch {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${hours > 0 ? `${hours}:` : ''}${two(minutes)}:${two(seconds)}`;
  }
}
