/**
 * `voip-call-button/react`: the element as a React component (made with `@lit/react`), with a
 * typed `onVoip…` prop for each `voip-*` event (`onVoipEnded` for `voip-ended`, …) and every
 * property of the element as a prop. Importing it also declares the raw `<voip-call-button>` tag
 * for TSX (./jsx.ts), for React 19 pages that use the tag itself.
 *
 * ```tsx
 * import { VoipCallButton } from 'voip-call-button/react';
 * <VoipCallButton server="wss://janus.example.com/ws" sipDomain="pbx.example.com"
 *   number="+62215550100" onVoipEnded={(e) => console.log(e.detail.reason)}>Call us</VoipCallButton>
 * ```
 */
import { createComponent } from '@lit/react';
import * as React from 'react';
import { VoipCallButton as VoipCallButtonElement } from '../voip-call-button.js';
import { eventProps } from './events.js';
import './jsx.js';

export type { VoipEventProp, VoipEventProps } from './events.js';

/** `<voip-call-button>` as a React component; see the module comment. */
export const VoipCallButton = createComponent({
  tagName: 'voip-call-button',
  elementClass: VoipCallButtonElement,
  react: React,
  events: eventProps(),
  displayName: 'VoipCallButton',
});
