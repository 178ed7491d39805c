/**
 * The seam between a call (`call/`) and a signalling gateway. The call only knows these
 * types; `janus/` implements them over janus.js, and unit tests implement them with
 * a fake. Every method here reports failures as a `VoipError` with a code.
 */

/** Something the gateway reports about the call. */
export type SessionEvent =
  /** The INVITE is out (the gateway said "calling"). */
  | { readonly type: 'calling' }
  /**
   * The far end is alerting (180), or sent session progress (183). `earlyMedia` is set when the
   * far end sends audio before answering (183 with SDP): then the page hears it, not a ringback.
   */
  | { readonly type: 'ringing'; readonly sipCode?: number; readonly earlyMedia?: boolean }
  /** The far end answered (200 OK to the INVITE). */
  | { readonly type: 'accepted' }
  /** Remote audio is available (it may arrive before the answer, with early media). */
  | { readonly type: 'remote-stream'; readonly stream: MediaStream }
  /**
   * The far end's video started (`stream` holds its one video track) or stopped (`null`), for a
   * call that allows video (`CallOptions.video`).
   */
  | { readonly type: 'remote-video'; readonly stream: MediaStream | null }
  /**
   * The call is over: the far end hung up or refused, or our hangup completed. `byGateway`: the
   * gateway hung up on its own, having lost the call's media path.
   */
  | {
      readonly type: 'hangup';
      readonly sipCode?: number;
      readonly reason?: string;
      readonly byGateway?: boolean;
    }
  /**
   * The signalling connection to the gateway broke; the session is trying to get it back (the
   * call's media may still flow). Followed by `connection-restored` or `connection-lost`.
   */
  | { readonly type: 'connection-interrupted' }
  /** The signalling connection is back, with the same gateway session and call. */
  | { readonly type: 'connection-restored' }
  /** The signalling connection to the gateway is gone for good; nothing further will be reported. */
  | { readonly type: 'connection-lost' }
  /** The browser's ICE connection state of the call's media path changed. */
  | { readonly type: 'ice-state'; readonly state: string }
  /** The gateway gave up on the call's media path (for Janus: "ICE failed"). */
  | { readonly type: 'media-failed'; readonly reason: string }
  /**
   * A text message (SIP MESSAGE, `text/plain`) reached this session while it has a call.
   * `text` and `sender` come from the far end: untrusted text, never markup.
   */
  | { readonly type: 'message'; readonly text: string; readonly sender: string }
  /**
   * The far end asks to transfer the call (SIP REFER): `target` is its Refer-To URI, untrusted.
   * Follow it with a call on another session (`CallOptions.referId`), or decline it.
   */
  | {
      readonly type: 'transfer';
      readonly referId: number;
      readonly target: string;
      /** An attended transfer: the Call-ID of the call the new one is to replace. */
      readonly replaces?: string;
    }
  /**
   * The far end put the call on hold (a re-INVITE making its media `sendonly` or `inactive`),
   * or resumed it. The session has already answered the re-INVITE.
   */
  | { readonly type: 'remote-hold'; readonly onHold: boolean };

/** Extras of an outgoing call. */
export interface CallOptions {
  /** Headers for the INVITE, already validated (`X-` names only, printable values). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The transfer this call follows (the `referId` of a `transfer` event of another session). */
  readonly referId?: number;
  /**
   * Video is allowed in this call: the far end may add it, the page may send it. Without this,
   * the call is voice only and video the far end offers is refused.
   */
  readonly video?: VideoOptions;
  /**
   * The voice codecs to offer, best first (`codecOrder` in codecs.ts); the browser's own order
   * without it.
   */
  readonly codecs?: readonly string[];
}

/** How a call's video is sent. */
export interface VideoOptions {
  /** The camera to send from the start (the INVITE offers video); none: voice first. */
  readonly track?: MediaStreamTrack;
  /** The INVITE offers to receive video even without a track to send. */
  readonly offer?: boolean;
  /** The highest video bitrate to send, bits per second. */
  readonly maxBitrate: number;
}

/** What {@link SipConnector.connect} needs. */
export interface ConnectOptions {
  /** Gateway URLs, tried in order until one answers. */
  readonly servers: readonly string[];
  /** The SIP domain the guest identity belongs to. */
  readonly sipDomain: string;
  /** A Janus token (`token_auth`), when the page has a token endpoint. */
  readonly token?: string;
  /** STUN/TURN servers for the browser's peer connection (none by default). */
  readonly iceServers: readonly RTCIceServer[];
  /** Already made safe for a SIP header (see `sanitizeDisplayName`). */
  readonly displayName?: string;
  /** Aborted when the visitor gives up before the session is ready. */
  readonly signal: AbortSignal;
  /** Receives every {@link SessionEvent} until {@link SipSession.close}. */
  readonly onEvent: (event: SessionEvent) => void;
  /**
   * After a call that ended cleanly, `close()` keeps the session (registered, no call) for the
   * next `connect` with the same options, a while (the `preconnect` attribute), instead of
   * releasing it. A connector may ignore it.
   */
  readonly keep?: boolean;
}

/** What opening a gateway session ahead of a call needs (see {@link SipConnector.preconnect}). */
export type PreconnectOptions = Pick<
  ConnectOptions,
  'servers' | 'iceServers' | 'token' | 'sipDomain' | 'displayName'
>;

/** How keypad tones travel: in the media (RFC 4733) or as SIP INFO. */
export type DtmfMode = 'rfc4733' | 'info';

/** One connected gateway session, able to place one call at a time. */
export interface SipSession {
  /** Sends the INVITE with `stream`'s audio; resolves once the gateway reports "calling". */
  call(uri: string, stream: MediaStream, options?: CallOptions): Promise<void>;
  /** Hangs up (BYE, or CANCEL before the answer); resolves when the gateway confirms, or soon after. */
  hangup(): Promise<void>;
  /** Puts the answered call on hold (re-INVITE with a=sendonly) or resumes it (a=sendrecv). */
  hold(on: boolean): Promise<void>;
  /**
   * Sends keypad tones in the answered call: RFC 4733 telephone-events in the media (`rfc4733`),
   * or one SIP INFO (application/dtmf-relay) per digit (`info`). `digits` is already validated.
   */
  sendDtmf(digits: string, mode: DtmfMode): Promise<void>;
  /** Replaces the microphone track mid-call without renegotiating. */
  replaceAudioTrack(track: MediaStreamTrack): Promise<void>;
  /**
   * Sends `track` as the answered call's video, or stops sending video (`null`; the far end's
   * video still comes). Starting or stopping renegotiates (a re-INVITE through the gateway);
   * swapping one track for another while video is sent does not. Only in a call with
   * `CallOptions.video`.
   */
  setVideo(track: MediaStreamTrack | null, options: VideoOptions): Promise<void>;
  /**
   * Restarts ICE on the answered call's media path (a new offer with new ICE credentials; for
   * Janus, the SIP plugin's `update`). Resolves once the gateway's answer is applied.
   */
  restartMedia(): Promise<void>;
  /**
   * Sends a text message (SIP MESSAGE, `text/plain`, UTF-8) in the call; resolves with the far
   * end's final SIP status (2xx: delivered). Rejects when the gateway refuses to send it.
   */
  sendMessage(text: string): Promise<number>;
  /** Declines a transfer the far end asked for (`transfer` event) with 603 Decline. */
  declineTransfer(referId: number): Promise<void>;
  /** The WebRTC statistics of the call's peer connection, or `null` when there is none. */
  getStats(): Promise<RTCStatsReport | null>;
  /**
   * Releases the plugin handle and the gateway session (or, connected with
   * {@link ConnectOptions.keep} and after a clean end, hands them back to the connector for the
   * next call). Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/** What {@link SipConnector.echoTest} needs. */
export interface EchoOptions extends Pick<
  ConnectOptions,
  'servers' | 'iceServers' | 'token' | 'signal'
> {
  /** The audio sent to the gateway and back (its track is not stopped by the test). */
  readonly stream: MediaStream;
}

/**
 * A media path to the gateway and back, with no SIP: the gateway echoes the audio it receives
 * (for Janus, its EchoTest plugin). Read its statistics, then close it.
 */
export interface EchoTest {
  /** The peer connection's WebRTC statistics, or `null` once it is gone. */
  getStats(): Promise<RTCStatsReport | null>;
  /** Whether the gateway gave up on the media path (for Janus: ICE failed). */
  readonly failed: boolean;
  /** Releases the peer connection, the plugin handle and the gateway session. Never rejects. */
  close(): Promise<void>;
}

/** Opens gateway sessions. The element's `connector` property takes any implementation. */
export interface SipConnector {
  /** Connects, attaches to the SIP service and registers as a guest. */
  connect(options: ConnectOptions): Promise<SipSession>;
  /**
   * Opens a gateway session ahead of a call and registers it as a guest (no SIP request, no
   * microphone), for the next `connect` with the same options to take; closed when unused for a
   * while (the `preconnect` attribute). Optional: a connector without it connects at the call.
   */
  preconnect?(options: PreconnectOptions): void;
  /**
   * Time to the gateway's answer to an information request at one `server` URL, in ms; rejects
   * with `server-unreachable` when it does not answer (the pre-call check).
   */
  probe?(server: string, signal: AbortSignal): Promise<number>;
  /**
   * Opens a media path to the first gateway that answers and back (no SIP), once it carries audio
   * (the pre-call check). Rejects with a code: `server-unreachable`, `unauthorized`, `failed`.
   */
  echoTest?(options: EchoOptions): Promise<EchoTest>;
}
