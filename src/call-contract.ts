/**
 * The contract between the two halves of the element, types only: what the controller (first
 * load) gives a call, what a call (loaded with `import()` at the first click) reports back, and
 * what the in-call panel and a capability see. The first-load code reaches the call half through
 * these types and the one `import()` in `call-controller.ts`; the call half never imports the
 * controller.
 */
import type { TemplateResult } from 'lit';
import type { CallInput, CallState } from './call-state.js';
import type { EndReason, VoipErrorCode } from './errors.js';
import type { MessageKey } from './i18n/index.js';
import type { DtmfMode, SipConnector, SipSession } from './sip/session.js';

/** The element's settings when a call starts, as the page set them. */
export interface CallSettings {
  readonly server: string | null;
  readonly number: string | null;
  readonly sipDomain: string | null;
  /** As the page gave it; made safe for a SIP header by the call. */
  readonly displayName: string | null;
  readonly disabled: boolean;
  /** Microphone constraints; `undefined`: echo cancellation, noise suppression, auto gain. */
  readonly audioConstraints: MediaTrackConstraints | boolean | undefined;
  /** The name of an attribute on the element that looks like a credential, if any. */
  readonly credentialAttribute: string | undefined;
  /** STUN/TURN servers for the browser's peer connection. */
  readonly iceServers: readonly RTCIceServer[];
  /** Replaces the built-in Janus connector (tests, other gateways). */
  readonly connector: SipConnector | undefined;
  /** How keypad tones travel. */
  readonly dtmfMode: DtmfMode;
  /**
   * Where to fetch a Janus token before connecting (the `token-url` attribute; empty: none).
   * String attributes the page removed are `null`.
   */
  readonly tokenUrl: string | null;
  /** The `ringback` attribute (a preset, `off`, or empty for the language's preset). */
  readonly ringback: string | null;
  /** The element's language. */
  readonly language: string;
  /** The `max-duration` attribute: the longest a call may last, in seconds. */
  readonly maxDuration: string | null;
  /** The `ring-timeout` attribute: how long an unanswered call may ring, in seconds. */
  readonly ringTimeout: string | null;
  /** The `permission-timeout` attribute: how long the microphone prompt may wait, in seconds. */
  readonly permissionTimeout: string | null;
}

/** A call to place: the element's settings, with where to call validated by the controller. */
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

/** How a call ended, once everything it opened is released. */
export type CallResult =
  | {
      readonly kind: 'ended';
      readonly reason: EndReason;
      readonly sipCode?: number;
      readonly durationMs: number;
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
  /** Mutes or unmutes the microphone (its track is disabled; the call stays up). Any time. */
  mute(on: boolean): void;
  /** Puts the answered call on hold (re-INVITE a=sendonly; the microphone is silenced) or resumes it. */
  hold(on: boolean): Promise<void>;
  /** Sends keypad tones (0-9, *, #) in the answered call. */
  sendDtmf(digits: string): Promise<void>;
  /** Switches to another microphone mid-call (the track is replaced; the call stays up). */
  useMicrophone(deviceId: string): Promise<void>;
}

/** What a capability can reach of its call. */
export interface CallContext {
  readonly plan: CallPlan;
  readonly host: CallHost;
  /** The gateway session, once connected. */
  readonly session: SipSession | undefined;
  readonly onHold: boolean;
  /**
   * Runs an action that needs the answered call: refused with `not-in-call` otherwise; a
   * `VoipError` it throws with `invalid-*` is reported as is, any other failure as
   * `action-failed`. Never rejects.
   */
  act(action: (session: SipSession) => Promise<void>): Promise<void>;
}

/**
 * An in-call capability (the keypad, call quality; next: text, video, transfer). The call
 * creates one per call and tells it when the state changes; it may add a section to the panel.
 * Registered in `call/capabilities.ts`; one the page does not enable is not downloaded.
 */
export interface Capability {
  /** The call's state changed (the call is over once it is `ending`). */
  onState?(state: CallState): void;
  /** What the capability shows in the panel, if anything. */
  readonly section?: PanelSection;
  /** Extra view state it offers (merged into the call's view by name). */
  readonly poorQuality?: boolean;
  /** Sends keypad tones: the keypad capability's action. */
  readonly sendDtmf?: (digits: string) => Promise<void>;
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
  /** A key pressed while the panel has focus; `true` when it was handled. */
  key?(panel: PanelContext, event: KeyboardEvent): boolean;
}

/** The call chunk's entry, loaded by the controller with its one `import()`. */
export interface CallModule {
  /**
   * Places the call; resolves once it is over and everything it opened is released. Never
   * rejects. `show` receives the call's view right at the start.
   */
  placeCall(plan: CallPlan, host: CallHost, show: (view: CallView) => void): Promise<CallResult>;
}
