/**
 * The call controller: owns one call at a time for its host element. It holds the call's state,
 * checks that the page and the browser can call at all (the call chunk checks the rest of the
 * settings, call/plan.ts), and is the only thing that moves the state machine. The call itself (microphone, gateway, media, its events) is
 * carried by the call chunk (`call/`), loaded with the one `import()` below and reached only
 * through the types of `call-contract.ts`. It touches nothing of the host but its properties,
 * `requestUpdate()` and `dispatchEvent()`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  Away,
  AwayHost,
  AwayModule,
  CallHost,
  CallModule,
  CallOutcome,
  CallResult,
  CallSettings,
  CallView,
  Floating,
  FloatingModule,
  Feedback,
  PartModule,
  Preflight,
} from './call-contract.js';
import { nextState, type CallInput, type CallState } from './call-state.js';
import { VoipError, type VoipErrorCode } from './errors.js';
import { createVoipEvent, type CallPurpose } from './events.js';
import type { MessageKey } from './i18n/index.js';

/** How the controller reaches its host. */
export interface CallControllerOptions {
  readonly getConfig: () => CallSettings;
  /** The visitor-facing message for a key, in the host's language. */
  readonly localize: (key: MessageKey) => string;
}

export type { CallOutcome } from './call-contract.js';

export class CallController implements ReactiveController, AwayHost {
  /** The current call state. */
  state: CallState = 'idle';
  /** How the last call ended, or `null` before the first one and during a call. */
  lastOutcome: CallOutcome | null = null;
  /** What the current call shows, once the call chunk has started it. */
  view: CallView | undefined;
  /** The last call's text conversation, kept until the next call starts. */
  messages: CallView['messages'] = [];
  /** What the current (or last) call is for; set by `call()` (`undefined` before the first). */
  purpose!: CallPurpose;
  /** Opening hours and the offers when nobody can answer, set by their chunk once loaded. */
  away: Away | undefined;
  /** The away chunk's load: a call waits for it (the hours may forbid it). */
  private awaiting: Promise<unknown> | undefined;
  /** The round button and its card (`variant="floating"`), set by their chunk once loaded. */
  floating: Floating | undefined;
  /** Whether the floating chunk is on its way (the element waits for it). */
  floatingPending = false;
  private floatingLoad: Promise<unknown> | undefined;
  /** The rating form after a call (`feedback`), once its chunk is loaded. */
  feedback: Feedback | undefined;
  private feedbackLoad: Promise<unknown> | undefined;
  /** The pre-call check (`preflight`, `preflight()`), once its chunk is loaded. */
  preflight: Preflight | undefined;
  private preflightLoad: Promise<Preflight> | undefined;
  private abort: AbortController | undefined;

  constructor(
    readonly host: ReactiveControllerHost & HTMLElement,
    readonly options: CallControllerOptions,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    // Only a page that uses hours, voicemail or callbacks downloads their chunk, which sets
    // `away` and re-renders. A failed load is tried again at the next update.
    const { hours, voicemail, callbackUrl, variant, attribute } = this.options.getConfig();
    if (hours || voicemail || callbackUrl) {
      this.awaiting ??= import('./away/index.js').then(
        (chunk: AwayModule) => chunk.attachAway(this),
        () => void (this.awaiting = undefined),
      );
    }
    // Likewise the rating form after a call and the pre-call check, for their attributes.
    if (attribute('feedback') !== null) {
      this.feedbackLoad ??= import('./feedback/index.js').then(
        (chunk: PartModule<Feedback>) => (this.feedback = chunk.attach(this)),
        () => void (this.feedbackLoad = undefined),
      );
    }
    if (attribute('preflight') !== null) void this.loadPreflight().catch(() => undefined);
    // The floating variant's chunk: the element shows nothing until it is there, and shows
    // itself inline if it cannot load (not tried again: offline, it would fail on every update).
    if (variant === 'floating' && !this.floatingLoad) {
      this.floatingPending = true;
      this.floatingLoad = import('./floating/index.js')
        .then(
          (chunk: FloatingModule) => chunk.attachFloating(this),
          () => undefined,
        )
        .then(() => {
          this.floatingPending = false;
          this.host.requestUpdate();
        });
    }
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
  call(purpose: CallPurpose = 'call'): void {
    if (this.state !== 'idle') return;
    if (!this.away && this.awaiting) {
      // Unless the element went away meanwhile. A chunk that did not load leaves no hours.
      void this.awaiting.then(() => this.host.isConnected && this.call(purpose));
      return;
    }
    const config = this.options.getConfig();
    if (config.disabled || this.away?.refuses(purpose)) return;
    // Found before anything is downloaded; the rest of the settings are checked by the call
    // chunk (call/plan.ts), before anything touches the network.
    if (!window.isSecureContext) return this.fail('insecure-context', 'not https');
    // The DOM types say these always exist; in old browsers and insecure contexts they do not.
    /* eslint-disable @typescript-eslint/no-unnecessary-condition */
    if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      return this.fail('unsupported-browser', 'no WebRTC');
    }
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    const settings = { ...config, number: purpose === 'call' ? config.number : config.voicemail };
    const abort = (this.abort = new AbortController());
    this.purpose = purpose;
    this.lastOutcome = null;
    this.messages = [];
    this.move('start');
    const state = () => this.state;
    const host: CallHost = {
      signal: abort.signal,
      get state() {
        return state();
      },
      move: (input) => this.move(input),
      emit: (event) => this.host.dispatchEvent(event),
      refused: (code, detail) => this.fail(code, detail, false),
      update: () => this.host.requestUpdate(),
      localize: (key) => this.options.localize(key),
    };
    const failed = (code: VoipErrorCode) => (error: unknown) =>
      ({ kind: 'error', code, detail: String(error) }) as const;
    void loadCall()
      .then(
        (chunk) => chunk.placeCall(settings, host, (view) => (this.view = view)),
        failed('load-failed'),
      )
      // A bug in the call must not leave the button stuck: it ends the call all the same.
      .catch(failed('failed'))
      .then((result) => this.finish(result));
  }

  /**
   * Starts downloading the call chunk (the Janus client) ahead of a click, e.g. when the visitor
   * points at or focuses the button (`intent`: that event); the chunk then opens the gateway
   * session too when the element asks for it (`preconnect`). Quiet: a failure is left to `call()`.
   */
  preload(intent?: Event): Promise<unknown> {
    return loadCall()
      .then(
        (chunk) =>
          intent && chunk.preconnect(this.options.getConfig(), intent, () => this.state === 'idle'),
      )
      .catch(() => undefined);
  }

  /** Loads the pre-call check's chunk once (again after a failed load). */
  loadPreflight(): Promise<Preflight> {
    return (this.preflightLoad ??= import('./preflight/index.js').then(
      (chunk: PartModule<Preflight>) => {
        this.host.requestUpdate();
        return (this.preflight = chunk.attach(this));
      },
      (error: unknown) => {
        this.preflightLoad = undefined;
        throw new VoipError('load-failed', String(error));
      },
    ));
  }

  /** Ends the current call: BYE once answered, CANCEL before. Does nothing when idle. */
  hangup(): void {
    this.abort?.abort();
  }

  /** The call is over and released: back to idle, then its one terminal event. */
  private finish(result: CallResult): void {
    // A call chunk that failed to load (or a call that broke) never moved to `ending`.
    if (this.state !== 'ending') this.move('end');
    this.messages = this.view?.messages ?? [];
    this.abort = this.view = undefined;
    this.move('released');
    if (result.kind === 'error') {
      this.fail(result.code, result.detail);
      return;
    }
    const { kind, reason, ...detail } = result;
    this.lastOutcome = { kind, reason };
    this.host.requestUpdate();
    this.host.dispatchEvent(createVoipEvent('voip-ended', { reason, ...detail }));
  }

  /**
   * An in-call action asked for with no call (idle): refused with `not-in-call`, once the call
   * chunk (with its English text for the message) is there.
   */
  async refuse(): Promise<never> {
    await this.preload();
    this.fail('not-in-call', 'idle', false);
    throw new VoipError('not-in-call');
  }

  /**
   * Fires `voip-error`, the one place it is built: for a call that could not start (its
   * terminal event, shown in the status line) or, with `ends` false, an in-call action refused
   * or a bad setting found at the first render (naming its `attribute`).
   */
  fail(code: VoipErrorCode, detail: string, ends = true, attribute?: string): void {
    console.warn(`<voip-call-button> ${code}: ${detail}`);
    if (ends) this.lastOutcome = { kind: 'error', code };
    this.host.requestUpdate();
    const message = this.options.localize(`error.${code}`);
    this.host.dispatchEvent(
      createVoipEvent('voip-error', { code, message, ...(attribute && { attribute }) }),
    );
  }

  /** Moves the state machine and fires `voip-state-change`. */
  private move(input: CallInput): void {
    const previous = this.state;
    this.state = nextState(previous, input);
    this.host.requestUpdate();
    this.host.dispatchEvent(
      createVoipEvent('voip-state-change', { state: this.state, previous, purpose: this.purpose }),
    );
  }
}

let chunk: Promise<CallModule> | undefined;

/** Loads the call chunk once; a failed load is retried on the next call. */
function loadCall(): Promise<CallModule> {
  chunk ??= import('./call/index.js').catch((error: unknown) => {
    chunk = undefined;
    throw error;
  });
  return chunk;
}
