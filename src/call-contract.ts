/**
 * The contract between the two halves of the element, types only: what the controller (first
 * load) gives a call, what a call (loaded with `import()` at the first click) reports back, and
 * what the in-call panel and a capability see. The first-load code reaches the call half through
 * these types and the one `import()` in `call-controller.ts`; the call half never imports the
 * controller.
 */
import type { nothing, ReactiveControllerHost, TemplateResult } from 'lit';
import type { CallInput, CallState } from './call-state.js';
import type { EndReason, VoipError, VoipErrorCode } from './errors.js';
import type { MessageKey } from './i18n/index.js';
import type { QualityCounters, QualitySample } from './media/quality.js';
import type {
  CallPurpose,
  VideoFigures,
  VoipCallSummaryDetail,
  VoipMessageDetail,
  VoipPreflightDetail,
  VoipVideoDetail,
} from './events.js';
import type { CallOptions, SessionEvent, SipConnector, SipSession } from './sip/session.js';

/** The element's settings when a call starts, as the page set them. */
export interface CallSettings {
  readonly server: string | null;
  /** What to dial (for a voicemail call: the `voicemail` box). */
  readonly number: string | null | undefined;
  readonly sipDomain: string | null;
  /** As the page gave it; made safe for a SIP header by the call. */
  readonly displayName: string | null;
  readonly disabled: boolean;
  /** Opening hours (`hours`; with the `time-zone` and `closed-dates` attributes). */
  readonly hours: string | undefined;
  /** Read by the call as the attributes they reflect to (`max-duration` …). */
  readonly maxDuration: number | undefined;
  readonly ringTimeout: number | undefined;
  readonly permissionTimeout: number | undefined;
  /** `floating`: a round button in a corner that opens a card (floating/). */
  readonly variant: string | undefined;
  /** The voicemail box "Leave a message" calls (`voicemail`). */
  readonly voicemail: string | undefined;
  /** Where the callback form POSTs (`callback-url`). */
  readonly callbackUrl: string | undefined;
  /** Microphone constraints; `undefined`: echo cancellation, noise suppression, auto gain. */
  readonly audioConstraints: MediaTrackConstraints | boolean | undefined;
  /** The name of an attribute on the element that looks like a credential, if any. */
  readonly credentialAttribute: string | undefined;
  /** STUN/TURN servers for the browser's peer connection. */
  readonly iceServers: readonly RTCIceServer[];
  /** Replaces the built-in Janus connector (tests, other gateways). */
  readonly connector: SipConnector | undefined;
  /** How keypad tones travel: the `dtmf-mode` attribute (`info`; anything else is `rfc4733`). */
  readonly dtmfMode: string;
  /**
   * Where to fetch a Janus token before connecting (the `token-url` attribute; empty: none).
   * String attributes the page removed are `null`.
   */
  readonly tokenUrl: string | null;
  /** The `ringback` attribute (a preset, `off`, or empty for the language's preset). */
  readonly ringback: string | null;
  /** The element's language. */
  readonly language: string;
  /**
   * What the agent is told about the visitor (`context`): the property's record, or the
   * attribute's URL query text; validated by the call before anything is sent.
   */
  readonly context: Readonly<Record<string, string>> | string | null;
  /**
   * The element's attribute `name` (`null` when absent), for the settings a call reads only as
   * attributes, when it needs them: `max-duration`, `ring-timeout`, `permission-timeout`
   * (seconds), `transfers` (`off` declines them), `video` (`on`, `optional`; anything else is a
   * voice call), `video-quality` (`low`, `high`; anything else is `standard`) and `server-order`
   * (`random`; anything else is `ordered`), `preconnect` (present or not), `codecs` (voice codecs,
   * best first); those of the away chunk: `time-zone`, `closed-dates`, `after-hours`; and
   * `feedback` (present or not). A function, not a method: the controller takes it out of the
   * settings (`{ attribute }`).
   */
  readonly attribute: (name: AttributeSetting) => string | null;
}

/** The settings read as attributes (see `CallSettings.attribute`). */
export type AttributeSetting =
  | 'codecs'
  | 'max-duration'
  | 'preconnect'
  | 'preflight'
  | 'server-order'
  | 'ring-timeout'
  | 'permission-timeout'
  | 'transfers'
  | 'video'
  | 'video-quality'
  | 'time-zone'
  | 'closed-dates'
  | 'after-hours'
  | 'feedback';

/** How the last call ended, for the status line. */
export type CallOutcome =
  | { readonly kind: 'ended'; readonly reason: EndReason }
  | { readonly kind: 'error'; readonly code: VoipErrorCode };

/**
 * What the away chunk (`away/`: opening hours, leave a message, request a callback) reaches of
 * its element: the call controller, which loads it when the element has one of its attributes.
 */
export interface AwayHost {
  readonly host: ReactiveControllerHost & HTMLElement;
  /** Set by the away chunk when it attaches. */
  away: Away | undefined;
  readonly state: CallState;
  readonly lastOutcome: CallOutcome | null;
  /** What the current (or last) call is for; `undefined` before the first. */
  readonly purpose: CallPurpose | undefined;
  readonly options: {
    readonly getConfig: () => CallSettings;
    readonly localize: (key: MessageKey) => string;
  };
  /** Places a call (`voicemail`: to the voicemail box, whatever the hours). */
  call(purpose?: CallPurpose): void;
  /**
   * Fires `voip-error` (`ends` false: the status line does not show it), naming the `attribute`
   * at fault when given.
   */
  fail(code: VoipErrorCode, detail: string, ends?: boolean, attribute?: string): void;
}

/** The away chunk's part of the element. */
export interface Away {
  /** Whether the business is open now by its hours (always, without them or with bad ones). */
  readonly open: boolean;
  /**
   * Whether a call for `purpose` must not be placed now (to `number` while closed); then it
   * fired `voip-error` `closed`.
   */
  refuses(purpose: CallPurpose): boolean;
  /** What it adds to the status area: the closed notice, the offers, the callback form. */
  render(): TemplateResult | undefined;
}

/** What the floating chunk sees of the controller. */
export interface FloatingHost {
  readonly host: ReactiveControllerHost & HTMLElement;
  /** Set by the floating chunk when it attaches. */
  floating: Floating | undefined;
  readonly state: CallState;
  readonly options: { readonly localize: (key: MessageKey) => string };
}

/** The floating variant's part of the element (`variant="floating"`). */
export interface Floating {
  /** The round button and the card around what the element shows inline (`content`). */
  render(content: TemplateResult): TemplateResult;
}

/** The floating chunk's entry, loaded by the controller with `import()`. */
export interface FloatingModule {
  /** Sets the controller's `floating` and renders the element again. */
  attachFloating(controller: FloatingHost): void;
}

/**
 * What an optional part of the element in a chunk of its own (`feedback/`, `preflight/`) reaches
 * of it: the call controller, which loads the chunk for the part's attribute, or on demand.
 */
export interface PartHost {
  readonly host: ReactiveControllerHost & HTMLElement;
  readonly state: CallState;
  readonly options: {
    readonly getConfig: () => CallSettings;
    readonly localize: (key: MessageKey) => string;
  };
  /** Fires `voip-error` without ending anything (see {@link AwayHost.fail}). */
  fail(code: VoipErrorCode, detail: string, ends?: boolean, attribute?: string): void;
}

/** An optional part of the element: what it adds below the status line. */
export interface Part {
  render(): TemplateResult | typeof nothing;
}

/** The rating form after an answered call, then its thanks (the `feedback` attribute). */
export type Feedback = Part;

/** The pre-call check ("Test my connection"; the `preflight` attribute, `preflight()`). */
export interface Preflight extends Part {
  /**
   * Runs the check, showing its progress (a run under way is joined, not restarted). Resolves
   * with the result, also fired as `voip-preflight`; rejects with a `VoipError` when a call is
   * under way, the settings are bad, or the check is cancelled (by the visitor or a call).
   */
  run(): Promise<VoipPreflightDetail>;
}

/** A part's chunk entry, loaded by the controller with `import()`: makes the element's part. */
export interface PartModule<P extends Part> {
  attach(controller: PartHost): P;
}

/** The away chunk's entry, loaded by the controller with `import()`. */
export interface AwayModule {
  /** Sets the controller's `away` and renders the element again. */
  attachAway(controller: AwayHost): void;
}

/** A call to place: the element's settings, with where to call validated (call/plan.ts). */
export interface CallPlan extends Omit<CallSettings, 'sipDomain'> {
  /** The SIP URI to dial. */
  readonly uri: string;
  /** The gateway URLs, tried in order. */
  readonly servers: readonly string[];
  readonly sipDomain: string;
}

/** How a call reaches its element: the controller's side of the contract. */
export interface CallHost {
  /** Aborted when the visitor hangs up or the element goes away. */
  readonly signal: AbortSignal;
  /** Where the call is: the controller's state machine, the only record of it. */
  readonly state: CallState;
  /** Feeds the state machine (fires `voip-state-change`); an illegal input throws. */
  move(input: CallInput): void;
  /** Fires a `voip-*` event on the element. */
  emit(event: Event): void;
  /** An in-call action was refused or failed: one `voip-error`; the call goes on. */
  refused(code: VoipErrorCode, detail: string): void;
  /** Something the element or its panel shows changed. */
  update(): void;
  /** The visitor-facing message for a key, in the element's language. */
  localize(key: MessageKey): string;
}

/** What the quality capability tells `voip-call-summary` of a call. */
export type CallFigures = Omit<
  VoipCallSummaryDetail,
  'reason' | 'sipCode' | 'durationMs' | 'microphones'
>;

/** How a call ended, once everything it opened is released. */
export type CallResult =
  | {
      readonly kind: 'ended';
      readonly reason: EndReason;
      readonly sipCode?: number;
      readonly durationMs: number;
      /** How many text messages the conversation held. */
      readonly messages: number;
    }
  | { readonly kind: 'error'; readonly code: VoipErrorCode; readonly detail: string };

/**
 * What the element and its panel show of the current call, and what they can do with it. Each
 * action fires its `voip-*` event; one that is refused (before the answer: `not-in-call`; bad
 * digits: `invalid-digits`) or fails (`action-failed`) fires `voip-error` and changes nothing.
 */
export interface CallView {
  readonly localStream: MediaStream | null;
  readonly remoteStream: MediaStream | null;
  readonly muted: boolean;
  readonly onHold: boolean;
  /** When the far end answered (`performance.now()`), or `undefined`. */
  readonly answeredAt: number | undefined;
  /** Whether the "poor connection" warning is showing. */
  readonly poorQuality: boolean;
  /** The panel sections of the call's capabilities, in order. */
  readonly sections: readonly PanelSection[];
  /** What the status line says now when it is not the state's own text (on hold, transferring). */
  readonly status: MessageKey | undefined;
  /** The text conversation of the call, oldest first. */
  readonly messages: readonly ChatMessage[];
  /**
   * Sends a text message in the answered call. Rejects with a `VoipError` (and fires
   * `voip-error`): `invalid-message`, `not-in-call`, `rate-limited`, or `message-failed` when
   * the far end did not take it.
   */
  sendMessage(text: string): Promise<void>;
  /** Mutes or unmutes the microphone (its track is disabled; the call stays up). Any time. */
  mute(on: boolean): void;
  /** Puts the answered call on hold (re-INVITE a=sendonly; the microphone is silenced) or resumes it. */
  hold(on: boolean): Promise<void>;
  /** Sends keypad tones (0-9, *, #) in the answered call. */
  sendDtmf(digits: string): Promise<void>;
  /** Switches to another microphone mid-call (the track is replaced; the call stays up). */
  useMicrophone(deviceId: string): Promise<void>;
  /** The video the call carries now (`local` sent, `remote` showing); see `voip-video`. */
  readonly video: VoipVideoDetail;
  /**
   * Turns the camera on or off in the answered call (`video` optional or on). Refused with
   * `invalid-config` in a voice-only call; a camera that cannot open fires `camera-denied`,
   * `no-camera` or `camera-unavailable`, and the call goes on as it was.
   */
  camera(on: boolean): Promise<void>;
  /** Shares the screen instead of the camera, or stops (`screen-denied` when refused). */
  shareScreen(on: boolean): Promise<void>;
}

/** One message of a call's conversation. */
export interface ChatMessage extends VoipMessageDetail {
  /** An outgoing message's delivery: `sending`, then `delivered` or `failed`. */
  readonly status?: 'sending' | 'delivered' | 'failed';
  /** The far end's SIP status for a failed delivery, when it gave one. */
  readonly sipCode?: number;
}

/** What a capability can reach of its call. */
export interface CallContext {
  readonly plan: CallPlan;
  readonly host: CallHost;
  /** The gateway session, once connected. */
  readonly session: SipSession | undefined;
  readonly onHold: boolean;
  /** Whether the far end holds the call (it sends nothing, or music). */
  readonly remoteHold: boolean;
  /** Whether the "poor connection" warning is showing. */
  readonly poorQuality: boolean;
  /** The video figures of a statistics report (from the video capability; none without it). */
  videoFigures(
    report: RTCStatsReport,
  ): { sent?: VideoFigures; received?: VideoFigures } | undefined;
  /**
   * Runs an action that needs the answered call: refused with `not-in-call` otherwise; a
   * `VoipError` it throws with `invalid-*` or a camera or screen code is reported as is, any
   * other failure as `action-failed`. Never rejects: resolves with the error it reported (one
   * `voip-error`), or `undefined` when done (or cut short by the end of the call).
   */
  act(action: (session: SipSession) => Promise<void>): Promise<VoipError | undefined>;
  /**
   * Follows a transfer the far end asked for: dials `uri` on a new gateway session with the
   * transfer's `referId`, keeping the microphone. The call's state goes back to `calling`, then
   * follows the new call; if the target fails while the old call is still up, the call returns
   * to it. Resolves once the target answered (`undefined`) or failed (why).
   */
  follow(uri: string, referId: number): Promise<EndReason | undefined>;
}

/**
 * An in-call capability (the keypad, call quality; next: text, video, transfer). The call
 * creates one per call and tells it when the state changes; it may add a section to the panel.
 * Registered in `call/capabilities.ts`; one the page does not enable is not downloaded.
 */
export interface Capability {
  /** The call's state changed (the call is over once it is `ending`). */
  onState?(state: CallState): void;
  /** The visitor put the call on hold (the far end confirmed) or resumed it. */
  onHold?(on: boolean): void;
  /** What the capability shows in the panel, if anything. */
  readonly section?: PanelSection;
  /** Extra view state it offers (merged into the call's view by name). */
  readonly poorQuality?: boolean;
  /** The quality capability's figures of the call so far (see `CallFigures`). */
  readonly figures?: () => CallFigures;
  /** Sends keypad tones: the keypad capability's action. */
  readonly sendDtmf?: (digits: string) => Promise<void>;
  /** Sends a text message: the text capability's action (see `CallView.sendMessage`). */
  readonly sendMessage?: (text: string) => Promise<void>;
  /** The text capability's conversation. */
  readonly messages?: readonly ChatMessage[];
  /**
   * What the capability adds to the call's INVITE (context headers, the camera), once it is
   * ready; awaited when the microphone and gateway are, so a failure must not reject it.
   */
  readonly callOptions?: Promise<CallOptions>;
  /** The video capability's actions and state (see `CallView`). */
  readonly camera?: (on: boolean) => Promise<void>;
  readonly shareScreen?: (on: boolean) => Promise<void>;
  readonly video?: VoipVideoDetail;
  /** Video figures for `voip-quality`, from the same statistics report. */
  readonly videoFigures?: (
    report: RTCStatsReport,
  ) => { sent?: VideoFigures; received?: VideoFigures } | undefined;
  /** The status line's text while the capability has something to say (e.g. transferring). */
  readonly status?: MessageKey | undefined;
  /**
   * An event from the gateway session, seen before the call handles it: `true` when the
   * capability took it (text messages, transfer requests). Only while the call is not over.
   */
  onEvent?(event: SessionEvent): boolean;
  /** Stops its timers and releases what it holds. Called once, when the call is over. */
  stop(): void;
}

/** A module that makes a capability for a call. */
export type CapabilityFactory = (call: CallContext) => Capability;

/** What the panel gives a section to render with. */
export interface PanelContext {
  readonly state: CallState;
  /** Whether the `controls` attribute lets this control show (empty attribute: all). */
  shows(control: string): boolean;
  t(key: MessageKey): string;
  /** Re-renders the panel. */
  refresh(): void;
  /** The media devices, listed when the settings open (labels once permission was given). */
  readonly devices: readonly MediaDeviceInfo[];
  /**
   * A toggle button of the panel: `aria-pressed`, or `aria-expanded` plus `aria-controls` when
   * it opens the view with id `controls`.
   */
  toggle(
    part: string,
    label: MessageKey,
    on: boolean,
    onClick: () => void,
    controls?: string,
  ): TemplateResult;
}

/** A capability's part of the panel: a notice above the controls, a toggle, a view below. */
export interface PanelSection {
  notice?(panel: PanelContext): TemplateResult | undefined;
  toggle?(panel: PanelContext): TemplateResult | undefined;
  view?(panel: PanelContext): TemplateResult | undefined;
  /** What the section adds to the open audio/video settings (the camera choice). */
  settings?(panel: PanelContext): TemplateResult | undefined;
  /** A key pressed while the panel has focus; `true` when it was handled. */
  key?(panel: PanelContext, event: KeyboardEvent): boolean;
}

/** The call chunk's entry, loaded by the controller with its one `import()`. */
export interface CallModule {
  /**
   * Places the call; resolves once it is over and everything it opened is released. Never
   * rejects. `show` receives the call's view right at the start.
   */
  placeCall(
    settings: CallSettings,
    host: CallHost,
    show: (view: CallView) => void,
  ): Promise<CallResult>;
  /**
   * Opens a gateway session ahead of a call when the element has the `preconnect` attribute, at
   * the visitor's `intent` (the event), unless `wanted()` says otherwise by then (a call started
   * meanwhile); never throws.
   */
  preconnect(settings: CallSettings, intent: Event, wanted: () => boolean): void;
  /**
   * What the pre-call check (`preflight/`) takes from the call code, so that a call's code stays
   * one chunk (the check loads it, as the call after it would).
   */
  readonly preflightTools: PreflightTools;
}

/** The call code's parts the pre-call check uses (see {@link CallModule.preflightTools}). */
export interface PreflightTools {
  readonly connector: SipConnector;
  readonly parseServers: (input: string | null | undefined) => string[] | null;
  /** The Janus token of `token-url` (call/token.ts). */
  readonly token: (url: string, signal: AbortSignal) => Promise<string>;
  /** The microphone constraints a call would use (media/devices.ts). */
  readonly microphone: (
    given: MediaTrackConstraints | boolean | undefined,
  ) => MediaTrackConstraints | boolean;
  /** The speaker the visitor chose for the site, if any. */
  readonly speaker: () => string | undefined;
  /** The quality model of `voip-quality` (media/quality.ts). */
  readonly sampleQuality: (
    report: RTCStatsReport,
    previous: QualityCounters | undefined,
  ) => { sample: QualitySample; counters: QualityCounters } | undefined;
  readonly estimateMos: (rttMs: number, jitterMs: number, lossPct: number) => number;
  readonly poorMos: number;
}
