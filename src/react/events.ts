/**
 * The React component's event props (index.ts): `onVoipStateChange` for `voip-state-change`, and
 * so on for every `voip-*` event. Apart from React, so that a unit test can check the names.
 */
import type { EventName } from '@lit/react';
import type { VoipEventMap, VoipEventName } from '../events.js';

/** `state-change` → `StateChange`. */
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${Pascal<Tail>}`
  : Capitalize<S>;

/** `voip-state-change` → `onVoipStateChange`. */
export type VoipEventProp<K extends VoipEventName> = K extends `voip-${infer Rest}`
  ? `onVoip${Pascal<Rest>}`
  : never;

/** Every event of the element as a React prop name, with its event type. */
export type VoipEventProps = {
  [K in VoipEventName as VoipEventProp<K>]: EventName<VoipEventMap[K]>;
};

/** Every `voip-*` event, at run time (checked against VoipEventMap below). */
const EVENTS = [
  'voip-reconnecting',
  'voip-reconnected',
  'voip-quality',
  'voip-mute',
  'voip-hold',
  'voip-dtmf',
  'voip-message',
  'voip-message-status',
  'voip-transfer',
  'voip-video',
  'voip-state-change',
  'voip-hours',
  'voip-connected',
  'voip-ended',
  'voip-call-summary',
  'voip-feedback',
  'voip-preflight',
  'voip-error',
  'voip-callback-request',
  'voip-callback-sent',
] as const satisfies readonly VoipEventName[];

/** Compiles only when every event of VoipEventMap is in EVENTS. */
export const EVERY_EVENT: Exclude<VoipEventName, (typeof EVENTS)[number]> extends never
  ? true
  : never = true;

/** `voip-state-change` → `onVoipStateChange`, at run time. */
function propName(name: VoipEventName): string {
  return `on${name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}`;
}

/** Every event's prop name → the event's name, for `createComponent`. */
export function eventProps(): VoipEventProps {
  return Object.fromEntries(EVENTS.map((name) => [propName(name), name])) as VoipEventProps;
}
