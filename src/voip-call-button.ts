import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { CallController } from './call-controller.js';
import type { CallOutcome, CallSettings, CallView } from './call-contract.js';
import type { CallPurpose, VoipPreflightDetail } from './events.js';
import type { CallState } from './call-state.js';
import { loadTranslation, onTranslation, translate, type MessageKey } from './i18n/index.js';
import type { SipConnector } from './sip/session.js';
import { DOUBLE_CLICK_MS } from './clicks.js';
import { PHONE_ICON } from './icons.js';
import { styles } from './voip-call-button.styles.js';

/**
 * A button that places a phone call from the browser through a Janus WebRTC Server's SIP plugin.
 *
 * @summary Click to call a phone number or PBX extension.
 *
 * @slot - The button's label when idle. Default: "Call us", localized.
 *
 * @fires {CustomEvent<VoipStateChangeDetail>} voip-state-change - On every state change. Detail: `{ state, previous, purpose }` (`purpose`: `call` or `voicemail`).
 * @fires {CustomEvent<VoipHoursDetail>} voip-hours - Whether the business is open by its `hours`: once they are evaluated, then at each change. Detail: `{ open, nextChange }`.
 * @fires {CustomEvent<VoipCallbackRequestDetail>} voip-callback-request - The visitor submitted the callback form (cancelable: `preventDefault()` and the page sends it itself). Detail: the request `{ id, phone, name?, preferredTime?, note?, language? }`.
 * @fires {CustomEvent<VoipCallbackSentDetail>} voip-callback-sent - The callback request was accepted (by the `callback-url` server, or the page). Detail: `{ id, handledBy }`.
 * @fires {CustomEvent<VoipConnectedDetail>} voip-connected - When the callee answers. Detail: `{}`.
 * @fires {CustomEvent<VoipEndedDetail>} voip-ended - How a started call ended. Detail: `{ reason, sipCode?, durationMs, messages }`.
 * @fires {CustomEvent<VoipCallSummaryDetail>} voip-call-summary - After `voip-ended`, for every answered call: how it went, with nothing personal. Detail: `{ reason, sipCode?, durationMs, codec?, sampleRateHz?, samples, mos?, lossPct?, jitterMs?, rttMs?, reconnects, reconnectingMs, microphones }`.
 * @fires {CustomEvent<VoipPreflightDetail>} voip-preflight - The pre-call check (`preflight()`, "Test my connection") finished. Detail: `{ verdict, checks, mos? }`.
 * @fires {CustomEvent<VoipFeedbackDetail>} voip-feedback - The visitor rated an answered call (with `feedback`). Detail: `{ rating, problems, summary }` (`summary`: the call's `voip-call-summary` detail).
 * @fires {CustomEvent<VoipErrorDetail>} voip-error - Why a call could not start, or why an in-call action was refused. Detail: `{ code, message }`.
 * @fires {CustomEvent<VoipMuteDetail>} voip-mute - The microphone was muted or unmuted. Detail: `{ muted }`.
 * @fires {CustomEvent<VoipHoldDetail>} voip-hold - The call was put on hold or resumed, by the visitor or the far end. Detail: `{ onHold, by }`.
 * @fires {CustomEvent<VoipMessageDetail>} voip-message - A text message was sent or received. Detail: `{ id, direction, text, at }`.
 * @fires {CustomEvent<VoipMessageStatusDetail>} voip-message-status - An outgoing message was delivered or failed. Detail: `{ id, status, sipCode? }`.
 * @fires {CustomEvent<VoipTransferDetail>} voip-transfer - The far end transferred the call. Detail: `{ target, outcome }`.
 * @fires {CustomEvent<VoipVideoDetail>} voip-video - The call's video changed (camera, screen, the far end's video). Detail: `{ local, remote }`.
 * @fires {CustomEvent<VoipDtmfDetail>} voip-dtmf - Keypad tones were sent. Detail: `{ digits }`.
 * @fires {CustomEvent<VoipQualityDetail>} voip-quality - A call-quality sample every 3 s while connected. Detail: `{ mos, rttMs, jitterMs, lossPct, poor, video? }`.
 * @fires {CustomEvent<VoipReconnectingDetail>} voip-reconnecting - The answered call lost its gateway connection or media path and is being recovered. Detail: `{ cause }`.
 * @fires {CustomEvent<VoipReconnectedDetail>} voip-reconnected - The call recovered. Detail: `{ cause, downtimeMs }`.
 *
 * @attr {boolean} preflight - Shows a "Test my connection" control that runs the pre-call check (see `preflight()`).
 * @attr {boolean} feedback - After an answered call, asks the visitor for a rating (1-5) and, below 4, what went wrong; Send fires `voip-feedback`. Skippable; a new call closes it.
 * @attr {string} codecs - The voice codecs a call offers, best first (default `opus g722 pcmu pcma`); unknown names ignored, G.711 always offered last, codecs not listed left out.
 * @attr {string} server-order - With several `server` URLs: `ordered` (default: the first that answers) or `random` (each call starts at a random one, then tries the others in turn).
 * @attr {boolean} preconnect - Opens and registers the gateway session when the visitor points at, focuses or presses the button (no microphone, no SIP request), so that the call starts faster, and keeps it after a call for a call back; closed after 30 s unused. The gateway then sees visitors who may not call.
 * @attr {string} transfers - `off` declines every transfer the far end asks for. Default: follow valid ones.
 * @attr {string} video - `off` (default: a voice call), `optional` (a voice call; the visitor may turn the camera on), or `on` (the call starts with the camera).
 * @attr {string} video-quality - The most video sent: `low` (320x240, 15 fps), `standard` (default: 640x480, 24 fps) or `high` (1280x720, 30 fps).
 * @attr {string} hours - Opening hours, OpenStreetMap `opening_hours` syntax (e.g. `Mo-Fr 08:00-17:00; Sa 09:00-12:00`). Outside them no call is placed. Needs `time-zone`.
 * @attr {string} time-zone - The business's IANA time zone (e.g. `Asia/Jakarta`): the hours are evaluated there.
 * @attr {string} closed-dates - Whole days closed (holidays), `YYYY-MM-DD` separated by spaces.
 * @attr {string} after-hours - What is offered when closed: `message`, `callback`, both (separated by spaces), or `none`. Default: what is set up (`voicemail`, `callback-url`).
 * @attr {CallState} state - The call state, written by the element (setting it has no effect); CSS can select on it.
 * @attr {string} position - With `variant="floating"`: `bottom-right` (default) or `bottom-left`.
 * @attr {string} voicemail - The voicemail box at `sip-domain` (a number or extension): "Leave a message" calls it, when closed and after a busy or unanswered call.
 * @attr {string} callback-url - Where the "Request a callback" form POSTs its JSON (see `voip-call-button/server`'s `callbackHandler`); also offered after a busy or unanswered call.
 *
 * Every accepted `call()` ends with exactly one of `voip-ended` or `voip-error`.
 *
 * @csspart base - The wrapper around the button and the status line.
 * @csspart button - The native `<button>`.
 * @csspart icon - The phone icon inside the button.
 * @csspart label - The button's text.
 * @csspart status - The status line (an ARIA live region).
 * @csspart timer - The call time, shown in the panel while connected.
 * @csspart panel - The in-call controls (shown during a call).
 * @csspart panel-button - Each toggle of the panel; also `mute`, `hold`, `keypad-toggle`, `text-toggle`, `camera`, `share-screen`, `settings-toggle`.
 * @csspart mute - The panel's Mute toggle (`aria-pressed`).
 * @csspart hold - The panel's Hold toggle (`aria-pressed`).
 * @csspart keypad-toggle - The panel's Keypad toggle, which opens the keypad (`aria-expanded`).
 * @csspart message-in - A message from the agent (with `message`).
 * @csspart message-out - A message from the visitor (with `message`).
 * @csspart panel-icon - The icon (inline SVG, hidden from assistive technology) before each toggle's text.
 * @csspart keypad - The keypad grid.
 * @csspart key - Each key of the keypad.
 * @csspart play - The "tap to hear" button, shown when the browser blocks the call audio.
 * @csspart quality-warning - The "poor connection" notice.
 * @csspart settings-toggle - The panel's "Settings" toggle (audio and video devices).
 * @csspart settings - The settings: microphone, speaker and camera choice, level meters.
 * @csspart level - The input and output level meters (`<meter>`).
 * @csspart text-toggle - The panel's "Text" toggle, which opens the Text view (`aria-expanded`).
 * @csspart unread - The unread count next to the "Text" toggle, shown while the view is closed.
 * @csspart text - The Text view: the conversation, then the input.
 * @csspart messages - The conversation's scrolling list.
 * @csspart message - Each message; also `message-in` (the agent's) or `message-out` (the visitor's).
 * @csspart message-meta - Who sent a message, and when.
 * @csspart message-text - A message's text (links only for `https:` URLs).
 * @csspart message-status - An outgoing message's delivery: sending, delivered, not delivered.
 * @csspart retry - The "Retry" button of a message that was not delivered.
 * @csspart message-error - Why the last message was refused or not delivered (`role="alert"`).
 * @csspart message-input - The message input (`<textarea>`: Enter sends, Shift+Enter adds a line).
 * @csspart send - The "Send" button.
 * @csspart transfer-failed - The notice that a transfer the far end asked for did not go through, and why.
 * @csspart camera - The panel's camera toggle (`aria-pressed`).
 * @csspart share-screen - The panel's screen-sharing toggle (`aria-pressed`).
 * @csspart video - The video view: the far end's video, the visitor's own, the full-screen button.
 * @csspart remote-video - The far end's video (`<video>`).
 * @csspart local-video - The visitor's own video, mirrored when it is the camera (`<video>`).
 * @csspart fullscreen - The button that shows the video view full screen.
 * @csspart video-offer - The notice that offers to turn the camera off on a poor connection.
 * @csspart action-error - The last in-call action that was refused or failed, announced (`role="alert"`) for 8 s.
 * @csspart preflight-start - The "Test my connection" button (with `preflight`).
 * @csspart preflight - The pre-call check while it runs and its result; its parts: `preflight-steps`, `preflight-step` (with `data-step` and `data-status`), `preflight-device`, `preflight-hint`, `level`, `preflight-question`, `preflight-yes`, `preflight-no`, `preflight-verdict` (with `data-verdict`), `preflight-actions`, `preflight-cancel`, `preflight-again`, `preflight-close`.
 * @csspart feedback - With `feedback`: the rating form after an answered call.
 * @csspart feedback-status - Its question ("How was the call?"), then "Thank you" for a few seconds (an ARIA live region).
 * @csspart feedback-rating - Each rating, 1 to 5 (a radio button, read as "3 of 5").
 * @csspart feedback-scale - The line that says what 1 and 5 mean.
 * @csspart feedback-problems - What went wrong (below 4): a group of checkboxes.
 * @csspart feedback-problem - Each problem and its checkbox.
 * @csspart feedback-button - The form's Send and Skip buttons; also `feedback-send`, `feedback-skip`.
 * @csspart hours - The "Closed now — opens …" notice.
 * @csspart offers - The row of offers when nobody can answer.
 * @csspart offer - Each offer; also `leave-message`, `request-callback`.
 * @csspart callback - The callback form; its parts: `callback-field`, `callback-label`, `callback-input`, `callback-hint`, `callback-error`, `callback-consent`, `callback-submit`, `callback-cancel`, `callback-confirmation`.
 * @csspart launcher - With `variant="floating"`: the round call button in the corner.
 * @csspart card - With `variant="floating"`: the card it opens; also `card-header`, `card-title`, `close`.
 *
 * @cssproperty [--voip-button-background=#0a7d3b] - Button background when idle. Default `#0a7d3b`.
 * @cssproperty [--voip-button-color=#fff] - Button text color when idle. Default `#fff`.
 * @cssproperty [--voip-hangup-background=#c5221f] - Button background during a call. Default `#c5221f`.
 * @cssproperty [--voip-hangup-color=#fff] - Button text color during a call. Default `#fff`.
 * @cssproperty [--voip-button-radius=999px] - Button corner radius. Default `999px`.
 * @cssproperty [--voip-button-padding=0.7em 1.4em] - Button padding. Default `0.7em 1.4em`.
 * @cssproperty [--voip-focus-ring=3px solid #1a73e8] - Focus outline. Default `3px solid #1a73e8` (dark theme `#8ab4f8`).
 * @cssproperty --voip-font-family - Font family. Default: inherited.
 * @cssproperty [--voip-font-size=1rem] - Font size. Default `1rem`.
 * @cssproperty [--voip-status-color=#444] - Status line color. Default `#444` (dark theme `#c4c7c5`).
 * @cssproperty [--voip-error-color=#b3261e] - Status line color after a failure. Default `#b3261e` (dark theme `#f2b8b5`).
 * @cssproperty [--voip-panel-border=#c4c7c5] - Border of the panel's buttons. Default `#c4c7c5` (dark theme `#747775`).
 * @cssproperty [--voip-panel-background=#fff] - Background of the panel's buttons. Default `#fff` (dark theme `#2d2f31`).
 * @cssproperty [--voip-panel-color=#1f1f1f] - Text color of the panel's buttons. Default `#1f1f1f` (dark theme `#e3e3e3`).
 * @cssproperty [--voip-panel-active-background=#1f1f1f] - A pressed toggle's background. Default `#1f1f1f` (dark theme `#e3e3e3`).
 * @cssproperty [--voip-panel-active-color=#fff] - A pressed toggle's text color. Default `#fff` (dark theme `#1f1f1f`).
 * @cssproperty [--voip-video-background=#111] - Behind the videos (letterbox, no video yet). Default `#111`.
 * @cssproperty [--voip-video-radius=8px] - Corner radius of the video view. Default `8px`.
 * @cssproperty [--voip-video-max-width=640px] - The video view's widest. Default `640px`.
 * @cssproperty [--voip-video-self-width=28%] - Width of the visitor's own video over the far end's. Default `28%`.
 * @cssproperty [--voip-callback-max-width=24em] - The callback form's widest. Default `24em`.
 * @cssproperty [--voip-floating-right=20px] - Floating: distance from the right edge (bottom-right). Default `20px`.
 * @cssproperty [--voip-floating-left=20px] - Floating: distance from the left edge (bottom-left). Default `20px`.
 * @cssproperty [--voip-floating-bottom=20px] - Floating: distance from the bottom edge. Default `20px`.
 * @cssproperty [--voip-floating-z-index=2147483000] - Floating: stacking order. Default `2147483000`.
 * @cssproperty [--voip-floating-shadow=0 2px 10px #0005] - Floating: the round button's and the card's shadow. Default `0 2px 10px #0005`.
 * @cssproperty [--voip-card-width=22em] - Floating: the card's width (never wider than the screen less 24px). Default `22em`.
 * @cssproperty [--voip-card-radius=12px] - Floating: the card's corner radius. Default `12px`.
 * @cssproperty [--voip-card-background=#fff] - Floating: the card's background. Default `#fff` (dark theme `#1f1f1f`).
 * @cssproperty [--voip-card-color=#1f1f1f] - Floating: the card's text color. Default `#1f1f1f` (dark theme `#e3e3e3`).
 */
export class VoipCallButton extends LitElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override properties = {
    server: { reflect: true },
    number: { reflect: true },
    sipDomain: { attribute: 'sip-domain', reflect: true },
    displayName: { attribute: 'display-name', reflect: true },
    disabled: { type: Boolean, reflect: true },
    controls: {},
    dtmfMode: { attribute: 'dtmf-mode' },
    ringback: {},
    tokenUrl: { attribute: 'token-url' },
    context: {},
    lang: {},
    hours: {},
    voicemail: {},
    callbackUrl: { attribute: 'callback-url' },
    // Reflected: the call reads them as attributes when it starts.
    maxDuration: { attribute: 'max-duration', type: Number, reflect: true },
    ringTimeout: { attribute: 'ring-timeout', type: Number, reflect: true },
    permissionTimeout: { attribute: 'permission-timeout', type: Number, reflect: true },
    variant: { reflect: true },
    theme: { reflect: true },
    size: { reflect: true },
    audioConstraints: { attribute: false },
    iceServers: { attribute: false },
    connector: { attribute: false },
  };

  /** Janus gateway URL(s): `wss://`, `ws://`, `https://` or `http://`; several separated by spaces. */
  server = '';

  /** What to dial: a phone number (`+` and digits) or an extension (digits, `*`, `#`). */
  number = '';

  /** The SIP domain (`host[:port]`) the number is dialed at: `sip:<number>@<sip-domain>`. */
  sipDomain = '';

  /** The caller name shown to the callee (optional). */
  displayName = '';

  /** Disables placing calls. A call already under way can still be hung up. */
  disabled = false;

  /**
   * Which in-call controls to show, separated by spaces: `mute`, `hold`, `keypad`, `settings`,
   * `text`, `camera`, `share-screen` (the last two with `video` optional or on;
   * `share-screen` where the browser can share a screen). Default: all that apply (mute from
   * the start of a call, the others once it is answered).
   */
  controls = '';

  /** How keypad tones are sent: `rfc4733` (in the media, default) or `info` (SIP INFO). */
  dtmfMode = 'rfc4733';

  /**
   * The tone heard while the far end rings: `us`, `uk`, `eu`, `id`, `jp`, `au`, or `off`.
   * Default: the one for the element's language.
   */
  ringback = '';

  /**
   * Where to fetch a short-lived Janus token (`{ token, expiresAt }`, see
   * `voip-call-button/server`) before connecting. Fetched with same-origin credentials; kept in
   * memory only.
   */
  tokenUrl = '';

  /**
   * What the agent is told about the visitor, sent as `X-` SIP headers on the INVITE: a record,
   * or as the attribute, URL query text (`page=/checkout&order=1234`). Never put secrets here:
   * the page is public. Keys: letters, digits and `-` (32 at most); values: at most 200
   * characters, non-ASCII percent-encoded on the wire; see docs/in-call.md.
   */
  context: Record<string, string> | string = '';

  /** Language of the visitor-facing text. Default: the document's language, then English. */
  declare lang: string;

  /**
   * Opening hours (the `hours` attribute, with `time-zone` and `closed-dates`): the common
   * subset of OpenStreetMap's `opening_hours` syntax. Outside them no call is placed.
   */
  declare hours: string | undefined;

  /** The voicemail box at `sip-domain` that "Leave a message" calls (a number or extension). */
  declare voicemail: string | undefined;

  /** Where the "Request a callback" form POSTs its JSON. */
  declare callbackUrl: string | undefined;

  /** The longest a call may last, in seconds (read when a call starts). Default: no limit. */
  declare maxDuration: number | undefined;

  /** How long an unanswered call may ring, in seconds, before it is cancelled. Default 60. */
  declare ringTimeout: number | undefined;

  /** How long the microphone (and with `video="on"` the camera) prompt may stay unanswered, in seconds. Default 30. */
  declare permissionTimeout: number | undefined;

  /**
   * `floating`: a round call button in a corner of the page (attribute `position`:
   * `bottom-right` or `bottom-left`) that opens a card with everything the element shows.
   */
  declare variant: 'floating' | undefined;

  /** `light` or `dark` forces a theme; `auto` (the default) follows the visitor's preference. */
  declare theme: 'light' | 'dark' | 'auto' | undefined;

  /** `small`, `medium` (the default) or `large`: the button, the panel and their targets. */
  declare size: 'small' | 'medium' | 'large' | undefined;

  /** Microphone constraints for `getUserMedia` (a property only). Default: echo cancellation, noise suppression, auto gain. */
  audioConstraints: MediaTrackConstraints | boolean | undefined = undefined;

  /**
   * ICE servers (STUN/TURN) for the browser's side of the media path (a property only). Default
   * none: Janus on a public address needs none; add TURN for visitors behind UDP-blocking networks.
   */
  iceServers: RTCIceServer[] = [];

  /** Replaces the built-in Janus connector (a property only): another gateway, or a fake in tests. */
  connector: SipConnector | undefined = undefined;

  private readonly controller = new CallController(this, {
    getConfig: () => ({
      // Every property of the element, by name: the settings use the same names.
      ...(Object.fromEntries(
        Object.keys(VoipCallButton.properties).map((key) => [key, this[key as keyof this]]),
      ) as Pick<
        this,
        Exclude<keyof CallSettings, 'credentialAttribute' | 'attribute' | 'language'>
      >),
      // A SIP password must never be in the page: attributes named like one are refused.
      credentialAttribute: this.getAttributeNames().find((name) => /secret|passw|ha1/i.test(name)),
      language: this.language,
      attribute: (name) => this.getAttribute(name),
    }),
    localize: (key) => this.t(key),
  });

  /** The call state, reflected as the read-only `state` attribute. */
  get state(): CallState {
    return this.controller.state;
  }

  /** The microphone stream of the current call, or `null`. */
  get localStream(): MediaStream | null {
    return this.controller.view?.localStream ?? null;
  }

  /** The far end's audio in the current call, or `null`. */
  get remoteStream(): MediaStream | null {
    return this.controller.view?.remoteStream ?? null;
  }

  /** Time since the callee answered, in milliseconds; 0 when not in a call. */
  get durationMs(): number {
    const at = this.controller.view?.answeredAt;
    return at === undefined ? 0 : performance.now() - at;
  }

  /** Whether the "poor connection" warning is showing (see `voip-quality`). */
  get poorQuality(): boolean {
    return this.controller.view?.poorQuality ?? false;
  }

  /** Whether the microphone is muted in the current call. */
  get muted(): boolean {
    return this.controller.view?.muted ?? false;
  }

  /** Whether the current call is on hold. */
  get onHold(): boolean {
    return this.controller.view?.onHold ?? false;
  }

  /** The current call's text conversation (kept after the call until the next one starts). */
  get messages(): CallView['messages'] {
    return this.controller.view?.messages ?? this.controller.messages;
  }

  /** Sends a text message in the answered call; rejects with a `VoipError` when refused or undelivered. */
  sendMessage(text: string): Promise<void> {
    return this.controller.view?.sendMessage(text) ?? this.controller.refuse();
  }

  /**
   * Turns the camera on (`true`) or off in the answered call (`video="optional"` or `"on"`).
   * Rejects with a `VoipError` (and fires `voip-error`) when refused or the camera cannot open.
   */
  camera(on = true): Promise<void> {
    return this.controller.view?.camera(on) ?? this.controller.refuse();
  }

  /** Shares the screen instead of the camera (`true`), or stops; rejects like `camera()`. */
  shareScreen(on = true): Promise<void> {
    return this.controller.view?.shareScreen(on) ?? this.controller.refuse();
  }

  /**
   * Whether the business is open now by its `hours` (`true` without them, or with invalid ones).
   * Settled once `voip-hours` fired, right after the first render.
   */
  get open(): boolean {
    return this.controller.away?.open ?? true;
  }

  /** Whether the visitor's camera is sent now. */
  get cameraOn(): boolean {
    return this.controller.view?.video.local === 'camera';
  }

  /** Whether the visitor's screen is sent now. */
  get sharingScreen(): boolean {
    return this.controller.view?.video.local === 'screen';
  }

  /** Whether the far end's video is showing. */
  get remoteVideo(): boolean {
    return this.controller.view?.video.remote ?? false;
  }

  /** Mutes (`true`) or unmutes the microphone during a call; the call stays up. */
  mute(on = true): void {
    this.controller.view?.mute(on);
  }

  /** Puts the answered call on hold (`true`) or resumes it. */
  async hold(on = true): Promise<void> {
    await this.controller.view?.hold(on);
  }

  /** Sends keypad tones (0-9, *, #) in the answered call. */
  async sendDtmf(digits: string): Promise<void> {
    await this.controller.view?.sendDtmf(digits);
  }

  /**
   * Places a call to `number`, or with `'voicemail'` to the `voicemail` box. Does nothing during
   * a call or when disabled; outside the `hours` a call to `number` is refused (`closed`).
   */
  call(purpose?: CallPurpose): void {
    this.controller.call(purpose);
  }

  /**
   * Runs the pre-call check (microphone, speaker, gateway, media path; no SIP call), shown in the
   * element. Resolves with the result, also fired as `voip-preflight`; rejects with a `VoipError`
   * during a call or when cancelled.
   */
  preflight(): Promise<VoipPreflightDetail> {
    return this.controller.loadPreflight().then((check) => check.run());
  }

  /** Ends the current call (or cancels it before the answer). Does nothing when idle. */
  hangup(): void {
    this.controller.hangup();
  }

  /** @internal The element's language: its own `lang`, else the nearest ancestor's, else English. */
  get language(): string {
    return (
      this.lang ||
      // On a server (@lit-labs/ssr) there is no DOM to look up: the element's own `lang` only.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      (this.closest && this.closest('[lang]')?.getAttribute('lang')) ||
      'en'
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    onPage.add(this);
    // One observer for every element: a page that switches its language (an ancestor's `lang`)
    // renders them again, without a reload. Their `dir` needs nothing: CSS inherits it.
    languageWatch ??= new MutationObserver(renderAll);
    languageWatch.observe(document.documentElement, {
      attributeFilter: ['lang'],
      subtree: true,
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    onPage.delete(this);
  }

  private t(key: MessageKey): string {
    return translate(this.language, key);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A built-in language other than English loads on first use, then the text re-renders.
    void loadTranslation(this.language)?.then(() => this.requestUpdate());
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The in-call panel and the callback form render from this element's state and text (a new
    // translation too). Each is a plain unknown element until its chunk defines it, hence the
    // optional call.
    for (const inner of this.renderRoot.querySelectorAll<Partial<LitElement> & Element>(
      'voip-call-panel,voip-callback-form',
    )) {
      inner.requestUpdate?.();
    }
    if (this.getAttribute('state') !== this.controller.state) {
      this.setAttribute('state', this.controller.state);
    }
  }

  /**
   * The visitor may be about to click: fetch the call code now. On hover or focus, and at the
   * press itself (`pointerdown`, touch included: a phone has no hover), which comes about
   * 100 ms before its click. With `preconnect`, the gateway session opens too (call/index.ts).
   */
  private readonly onIntent = (event: Event): void => {
    if (this.controller.state === 'idle' && !this.disabled) void this.controller.preload(event);
  };

  /** When the click that started the current call came (`performance.now()`). */
  private clickedAt = 0;

  private readonly onClick = (): void => {
    const now = performance.now();
    if (this.controller.state === 'idle') {
      this.clickedAt = now;
      this.controller.call();
    } else if (now - this.clickedAt >= DOUBLE_CLICK_MS) {
      // The second click of a double-click is not a hang-up.
      this.controller.hangup();
    }
  };

  protected override render() {
    const state = this.controller.state;
    const idle = state === 'idle';
    const outcome = idle ? this.controller.lastOutcome : null;
    const content = html`
      <div part="base">
        <button
          part="button"
          type="button"
          ?data-active=${!idle}
          ?disabled=${state === 'ending' || (idle && (this.disabled || !this.open))}
          @click=${this.onClick}
          @pointerenter=${this.onIntent}
          @pointerdown=${this.onIntent}
          @focus=${this.onIntent}
        >
          <svg part="icon" viewBox="0 0 24 24" aria-hidden="true"><path d=${PHONE_ICON} /></svg>
          <span part="label"
            >${idle ? html`<slot>${this.t('label')}</slot>` : this.t(actionKey(state))}</span
          >
        </button>
        <span part="status" role="status" data-outcome=${outcome?.kind ?? nothing}
          >${this.t(statusKey(state, outcome, this.controller.view?.status))}</span
        >
        ${this.controller.feedback?.render()} ${this.controller.away?.render()}
        ${this.controller.preflight?.render()}
        ${
          idle
            ? nothing
            : html`<voip-call-panel
                .call=${this.controller.view}
                .state=${state}
                .controls=${this.controls}
                .language=${this.language}
              ></voip-call-panel>`
        }
      </div>
    `;
    // Floating: nothing until its chunk is there; inline if it could not load.
    const floating = this.variant === 'floating' ? this.controller.floating : undefined;
    return floating
      ? floating.render(content)
      : this.controller.floatingPending
        ? nothing
        : content;
  }
}

function actionKey(state: CallState): MessageKey {
  if (state === 'in-call') return 'action.hangUp';
  if (state === 'ending') return 'action.ending';
  return 'action.cancel';
}

function statusKey(
  state: CallState,
  outcome: CallOutcome | null,
  status: MessageKey | undefined,
): MessageKey {
  if (outcome?.kind === 'ended') return `ended.${outcome.reason}`;
  if (outcome?.kind === 'error') return `error.${outcome.code}`;
  return status ?? `state.${state}`;
}

// The CDN build's only entry: pages that load it from a script tag add languages with this.
/** The elements on the page: they render again when the page's language or a translation changes. */
const onPage = new Set<VoipCallButton>();
const renderAll = () => onPage.forEach((element) => element.requestUpdate());
let languageWatch: MutationObserver | undefined;
onTranslation(renderAll);

export { registerTranslation } from './i18n/index.js';

// A second copy of the library on the page must not throw: keep the first definition.
if (!customElements.get('voip-call-button')) {
  customElements.define('voip-call-button', VoipCallButton);
}

declare global {
  interface HTMLElementTagNameMap {
    'voip-call-button': VoipCallButton;
  }
}
