/**
 * The raw `<voip-call-button>` tag in TSX, for React 19 (which sets properties and listens to
 * events itself: `onvoip-ended`, the event's own name after `on`). Its attributes, its
 * properties, and a listener prop for each `voip-*` event.
 */
import type { VoipEventMap } from '../events.js';
import type { VoipCallButton } from '../voip-call-button.js';

/** `voip-ended` → `onvoip-ended`, as React 19 names a custom element's event listener. */
type Listeners = {
  [K in keyof VoipEventMap as `on${K}`]?: (event: VoipEventMap[K]) => void;
};

/** What the tag takes in TSX besides React's own HTML attributes. */
export type VoipCallButtonTagProps = Partial<
  Pick<
    VoipCallButton,
    | 'server'
    | 'number'
    | 'disabled'
    | 'controls'
    | 'context'
    | 'hours'
    | 'voicemail'
    | 'theme'
    | 'size'
    | 'variant'
    | 'maxDuration'
    | 'ringTimeout'
    | 'permissionTimeout'
    | 'audioConstraints'
    | 'iceServers'
  >
> &
  Listeners & {
    'sip-domain'?: string;
    'display-name'?: string;
    'dtmf-mode'?: 'rfc4733' | 'info';
    ringback?: string;
    'token-url'?: string;
    'callback-url'?: string;
    'time-zone'?: string;
    'closed-dates'?: string;
    'after-hours'?: string;
    'max-duration'?: number | string;
    'ring-timeout'?: number | string;
    'permission-timeout'?: number | string;
    position?: 'bottom-right' | 'bottom-left';
    transfers?: 'off';
    video?: 'off' | 'optional' | 'on';
    'video-quality'?: 'low' | 'standard' | 'high';
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'voip-call-button': React.DetailedHTMLProps<
        React.HTMLAttributes<VoipCallButton>,
        VoipCallButton
      > &
        VoipCallButtonTagProps;
    }
  }
}
