/**
 * A compile-only test (tsc, npm run typecheck) of what a React app writes: the component from
 * `voip-call-button/react` with typed `onVoip…` props, and the raw tag in TSX with React 19's
 * `onvoip-…` listeners. The `@ts-expect-error` lines must stay errors: with untyped events they
 * would not be, and tsc fails on an unused one.
 */
import type { VoipEndedDetail, VoipErrorDetail } from '../../src/events.js';
import { VoipCallButton } from '../../src/react/index.js';

export function Widget({ onEnded }: { onEnded: (reason: VoipEndedDetail['reason']) => void }) {
  return (
    <>
      <VoipCallButton
        server="wss://janus.example.com/ws"
        sipDomain="pbx.example.com"
        number="+62215550100"
        theme="dark"
        ringTimeout={30}
        onVoipEnded={(event) => onEnded(event.detail.reason)}
        onVoipStateChange={(event) => console.log(event.detail.state, event.detail.previous)}
        onVoipError={(event) => {
          const detail: VoipErrorDetail = event.detail;
          console.log(detail.code);
        }}
      >
        Call us
      </VoipCallButton>
      <voip-call-button
        server="wss://janus.example.com/ws"
        sip-domain="pbx.example.com"
        number="2000"
        variant="floating"
        position="bottom-left"
        onvoip-ended={(event) => onEnded(event.detail.reason)}
      />
    </>
  );
}

export const wrong = [
  // @ts-expect-error the element fires no voip-ringing
  <VoipCallButton onVoipRinging={() => undefined} />,
  // @ts-expect-error the detail of voip-ended has no state
  <VoipCallButton onVoipEnded={(event) => event.detail.state} />,
  // @ts-expect-error theme is light, dark or auto
  <VoipCallButton theme="blue" />,
  // @ts-expect-error the raw tag's listener gets the voip-ended event
  <voip-call-button onvoip-ended={(event: CustomEvent<{ state: string }>) => event.detail.state} />,
];
