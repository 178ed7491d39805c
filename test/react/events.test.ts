/**
 * The React component's event props (src/react/events.ts): one `onVoip…` prop for each event the
 * element fires, named as React users write it, mapped to the event's own name.
 */
import { expect } from '@open-wc/testing';
import { eventProps } from '../../src/react/events.js';

describe('voip-call-button/react: event props', () => {
  it('onVoipEnded for voip-ended, onVoipStateChange for voip-state-change, every event once', () => {
    const props = eventProps() as unknown as Record<string, string>;
    expect(props['onVoipEnded']).to.equal('voip-ended');
    expect(props['onVoipStateChange']).to.equal('voip-state-change');
    expect(props['onVoipMessageStatus']).to.equal('voip-message-status');
    expect(props['onVoipCallbackRequest']).to.equal('voip-callback-request');
    expect(Object.keys(props)).to.have.length(20);
    for (const [prop, name] of Object.entries(props)) {
      expect(prop).to.match(/^onVoip([A-Z][a-z]+)+$/);
      const kebab = prop
        .slice(2)
        .replace(/[A-Z]/g, (c, at: number) => `${at ? '-' : ''}${c.toLowerCase()}`);
      expect(kebab, prop).to.equal(name);
    }
  });
});
