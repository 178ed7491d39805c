/**
 * The call state machine: states, the inputs that move between them, and one transition table.
 * Pure: no DOM, no I/O, no timers. The controller feeds it inputs; the element renders its output.
 *
 * ```
 *            start            invite-sent         ringing          answered
 *   idle ───────────► connecting ──────► calling ───────► ringing ────────► in-call ◄───────┐
 *    ▲                    │                 │    answered    │               ▲  │           │ recovered
 *    │                    │                 └────────────────┼───────────────┘  │ interrupted
 *    │                    │                 │                │                  ├──────► reconnecting
 *    │ released           │ end             │ end            │ end          end │            │ end
 *    │                    ▼                 ▼                ▼                  ▼            ▼
 *    └────────────────────────────────────── ending ◄──────────────────────────────────────────┘
 * ```
 *
 * Every call that leaves `idle` comes back through `ending`, where resources are released, so a
 * page sees the same final two steps whatever ended the call.
 *
 * A transfer the far end asks for (`transfer`, in-call → calling) dials its target: the call
 * then follows the target's states; if the target fails while the transferor's call is still
 * up, `answered` takes the visitor back to that call.
 */

/** Every state a call can be in, as the values of the element's `state` attribute. */
export const CallState = {
  /** No call. A click places one. */
  Idle: 'idle',
  /** Opening the gateway session and the microphone; nothing has been dialed yet. */
  Connecting: 'connecting',
  /** The INVITE is sent; no answer from the far end yet. */
  Calling: 'calling',
  /** The far end is alerting (SIP 180/183). */
  Ringing: 'ringing',
  /** Answered: audio flows both ways. */
  InCall: 'in-call',
  /**
   * Answered, but the connection to the gateway or the media path broke; the call is being
   * recovered (the gateway session reclaimed, or ICE restarted). Back to `in-call`, or `ending`.
   */
  Reconnecting: 'reconnecting',
  /** The call is over; resources are being released. */
  Ending: 'ending',
} as const;

/** A value of {@link CallState}. */
export type CallState = (typeof CallState)[keyof typeof CallState];

/** What can happen to a call. Each input is legal only in some states. */
export type CallInput =
  | 'start'
  | 'invite-sent'
  | 'ringing'
  | 'answered'
  | 'transfer'
  | 'interrupted'
  | 'recovered'
  | 'end'
  | 'released';

/** The whole transition table: for each state, the inputs it accepts and where each leads. */
export const TRANSITIONS: Readonly<
  Record<CallState, Readonly<Partial<Record<CallInput, CallState>>>>
> = {
  idle: { start: 'connecting' },
  connecting: { 'invite-sent': 'calling', end: 'ending' },
  calling: { ringing: 'ringing', answered: 'in-call', end: 'ending' },
  ringing: { answered: 'in-call', end: 'ending' },
  'in-call': { interrupted: 'reconnecting', transfer: 'calling', end: 'ending' },
  reconnecting: { recovered: 'in-call', end: 'ending' },
  ending: { released: 'idle' },
};

/** Thrown when an input is not allowed in the current state: a bug in the caller, never ignored. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: CallState,
    readonly input: CallInput,
  ) {
    super(`${input} in ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The state that `input` leads to from `from`; throws {@link IllegalTransitionError} if not allowed. */
export function nextState(from: CallState, input: CallInput): CallState {
  const to = TRANSITIONS[from][input];
  if (to === undefined) throw new IllegalTransitionError(from, input);
  return to;
}

/** Whether `input` is allowed in `from`. */
export function canTransition(from: CallState, input: CallInput): boolean {
  return TRANSITIONS[from][input] !== undefined;
}

/** Whether a call is under way (anything but `idle`). */
export function isActive(state: CallState): boolean {
  return state !== CallState.Idle;
}
