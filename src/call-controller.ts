/**
 * The call controller: owns one call at a time for its host element. It holds the call's state,
 * validates the host's configuration before anything touches the network, and is the only thing
 * that moves the state machine. The work of a call (microphone, gateway, media, its events) is
 * done by `call-runner.ts`, loaded on first use, which reports back through the `@internal`
 * members below. It touches nothing of the host but its properties,
 * `requestUpdate()` and `dispatchEvent()`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallControls, CallPlan } from './call-runner.js';
import { CallState, nextState, type CallInput } from './call-state.js';
import { parseDialString, parseServers, parseSipDomain, toSipUri } from './dial-target.js';
import { VoipError, type EndReason, type VoipErrorCode } from './errors.js';
import { createVoipEvent } from './events.js';
import type { MessageKey } from './i18n/index.js';
import type { DtmfMode, SipConnector } from './sip/session.js';

/** What the controller reads from its host when a call starts. */
export interface CallConfig {
  readonly server: string | null;
  readonly number: string | null;
  readonly sipDomain: string | null;
  readonly displayName: string | null;
  readonly disabled: boolean;
  /** Microphone constraints passed to `getUserMedia`. */
  readonly audioConstraints: MediaTrackConstraints | boolean | undefined;
  /** The name of an attribute on the host that looks like a credential, if any. */
  readonly credentialAttribute: string | undefined;
  /** STUN/TURN servers for the browser's peer connection. */
  readonly iceServers: readonly RTCIceServer[];
  /** Replaces the built-in Janus connector (tests, other gateways). */
  readonly connector: SipConnector | undefined;
  /** How keypad tones travel. */
  readonly dtmfMode: DtmfMode;
  /** The `token-url` attribute. */
  readonly tokenUrl: string;
  /** The `ringback` attribute, resolved by the call chunk. */
  readonly ringback: string;
  /** The host's language. */
  readonly language: string;
}

/** How the controller reaches its host. */
export interface CallControllerOptions {
  readonly getConfig: () => CallConfig;
  /** The visitor-facing message for a key, in the host's language. */
  readonly localize: (key: MessageKey) => string;
}

/** How the last call ended, for the status line. */
export type CallOutcome =
  | { readonly kind: 'ended'; readonly reason: EndReason }
  | { readonly kind: 'error'; readonly code: VoipErrorCode };

export class CallController implements ReactiveController {
  /** The current call state. */
  state: CallState = CallState.Idle;
  /** How the last call ended, or `null` before the first one and during a call. */
  lastOutcome: CallOutcome | null = null;
  /** The microphone stream of the current call. */
  localStream: MediaStream | null = null;
  /** The far end's audio in the current call. */
  remoteStream: MediaStream | null = null;
  /** @internal The current call's controls (set by the call chunk). */
  controls: CallControls | undefined;
  /** @internal When the current call was answered (`performance.now()`). */
  answeredAt: number | undefined;
  private abort: AbortController | undefined;

  constructor(
    readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: CallControllerOptions,
  ) {
    host.addController(this);
  }

  /** Whether the microphone is muted in the current call. */
  get muted(): boolean {
    return this.controls?.muted ?? false;
  }

  /** Whether the current call is on hold. */
  get onHold(): boolean {
    return this.controls?.onHold ?? false;
  }

  /** Time since the answer, in milliseconds; 0 when not in a call. */
  get durationMs(): number {
    return this.answeredAt === undefined ? 0 : performance.now() - this.answeredAt;
  }

  hostDisconnected(): void {
    // Moving the element (remove + insert in one task) must not drop the call: check afterwards.
    void Promise.resolve().then(() => {
      if (!this.host.isConnected) this.hangup();
    });
  }

  /**
   * Places a call to the configured number. Does nothing while a call is under way or when the
   * host is disabled. Failures are reported with `voip-error`; a started call with `voip-ended`.
   */
  call(): void {
    if (this.state !== CallState.Idle) return;
    const config = this.options.getConfig();
    if (config.disabled) return;
    let plan: CallPlan;
    try {
      plan = this.plan(config);
    } catch (error) {
      const e = error as VoipError;
      this.fail(e.code, e.message);
      return;
    }
    const abort = (this.abort = new AbortController());
    this.lastOutcome = null;
    this.move('start');
    loadRunner().then(
      (runner) => runner.driveCall(this, plan, abort.signal),
      (error: unknown) => {
        this.move('end');
        this.released();
        this.fail('load-failed', String(error));
      },
    );
  }

  /**
   * Starts downloading the call chunk (the Janus client) ahead of a click, e.g. when the visitor
   * points at or focuses the button. It talks to no gateway; a failure is left to `call()`.
   */
  preload(): void {
    loadRunner().catch(() => undefined);
  }

  /** Ends the current call: BYE once answered, CANCEL before. Does nothing when idle. */
  hangup(): void {
    this.abort?.abort();
  }

  /** Mutes or unmutes the microphone (from `connecting` on). Does nothing when idle. */
  mute(on: boolean): void {
    this.controls?.mute(on);
  }

  /** Puts the answered call on hold or resumes it. Does nothing when idle. */
  async hold(on: boolean): Promise<void> {
    await this.controls?.hold(on);
  }

  /** Sends keypad tones in the answered call. Does nothing when idle. */
  async sendDtmf(digits: string): Promise<void> {
    await this.controls?.sendDtmf(digits);
  }

  /** Validates the configuration; throws a VoipError before anything touches the network. */
  private plan(config: CallConfig): CallPlan {
    if (!window.isSecureContext) throw new VoipError('insecure-context');
    // The DOM types say these always exist; in old browsers and insecure contexts they do not.
    /* eslint-disable @typescript-eslint/no-unnecessary-condition */
    if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      throw new VoipError('unsupported-browser');
    }
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    if (config.credentialAttribute) {
      // The name only: the value may be a secret and must not reach the console.
      throw new VoipError('invalid-config', `remove the "${config.credentialAttribute}" attribute`);
    }
    const target = parseDialString(config.number);
    if (!target)
      throw new VoipError('invalid-number', '"number" is not a phone number or extension');
    const sipDomain = parseSipDomain(config.sipDomain);
    if (!sipDomain) throw new VoipError('invalid-config', '"sip-domain" is not a host[:port]');
    const servers = parseServers(config.server);
    if (!servers)
      throw new VoipError('invalid-config', '"server" needs ws(s):// or http(s):// URLs');
    return {
      uri: toSipUri(target, sipDomain),
      servers,
      sipDomain,
      ...(config.displayName ? { displayName: config.displayName } : {}),
      audioConstraints: config.audioConstraints,
      iceServers: config.iceServers,
      ringback: config.ringback,
      ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
      language: config.language,
      dtmfMode: config.dtmfMode,
      ...(config.connector ? { connector: config.connector } : {}),
    };
  }

  /** @internal Ends a call that ran: back to idle, nothing of it left. */
  released(): void {
    this.abort = this.controls = this.answeredAt = undefined;
    this.move('released');
  }

  /** @internal Records a failure and fires its `voip-error` (the call's one terminal event). */
  fail(code: VoipErrorCode, detail: string): void {
    console.warn(`<voip-call-button> ${code}: ${detail}`);
    this.lastOutcome = { kind: 'error', code };
    this.host.requestUpdate();
    const message = this.localize(`error.${code}`);
    this.host.dispatchEvent(createVoipEvent('voip-error', { code, message }));
  }

  /** @internal The visitor-facing text for a key, in the host's language. */
  localize(key: MessageKey): string {
    return this.options.localize(key);
  }

  /** @internal Moves the state machine and fires `voip-state-change`. */
  move(input: CallInput): void {
    const previous = this.state;
    this.state = nextState(previous, input);
    this.host.requestUpdate();
    this.host.dispatchEvent(createVoipEvent('voip-state-change', { state: this.state, previous }));
  }
}

let runner: Promise<typeof import('./call-runner.js')> | undefined;

/** Loads the call chunk once; a failed load is retried on the next call. */
function loadRunner(): Promise<typeof import('./call-runner.js')> {
  runner ??= import('./call-runner.js').catch((error: unknown) => {
    runner = undefined;
    throw error;
  });
  return runner;
}
