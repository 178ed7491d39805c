/**
 * `voip-call-button/react` at run time, rendered by React 19 (react-dom) in the browser: props
 * reach the element as properties, each `onVoip…` prop receives its event (the bug this component
 * exists for: React 19 alone wants `onvoip-ended`, and `onVoipEnded` on the raw tag never fires),
 * and an updated handler replaces the old one. A fake session behind the element.
 */
import { expect } from '@open-wc/testing';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { VoipCallButton } from '../../src/react/index.js';
import type { VoipStateChangeDetail } from '../../src/events.js';
import type { VoipCallButton as Element } from '../../src/voip-call-button.js';
import { FakeConnector, answeredCall, until } from '../support/fake-connector.js';

describe('voip-call-button/react, rendered by React', () => {
  it('passes props (an object too) as properties and calls onVoip… handlers with the events, the newest one', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    const seen: string[] = [];
    const connector = new FakeConnector();
    const render = (tag: string) =>
      flushSync(() =>
        root.render(
          React.createElement(
            VoipCallButton,
            {
              server: 'wss://janus.example.com/ws',
              sipDomain: 'pbx.example.com',
              number: '2000',
              ringTimeout: 30,
              connector, // an object: only a property can carry it
              onVoipStateChange: (event: CustomEvent<VoipStateChangeDetail>) =>
                seen.push(`${tag}:${event.detail.state}`),
              onVoipEnded: (event: CustomEvent<{ reason: string }>) =>
                seen.push(`${tag}:ended ${event.detail.reason}`),
            },
            'Call us',
          ),
        ),
      );
    try {
      render('first');
      const el = host.querySelector('voip-call-button') as Element;
      expect(el.number).to.equal('2000');
      expect(el.ringTimeout).to.equal(30);
      expect(el.sipDomain).to.equal('pbx.example.com');
      expect(el.textContent).to.equal('Call us');
      expect(el.connector === connector, 'the connector prop set as a property').to.equal(true);
      await answeredCall(el, connector);
      render('second'); // a new handler, as a re-render with a new closure gives
      el.hangup();
      await until(() => el.state === 'idle');
      expect(seen.filter((s) => s.startsWith('first:'))).to.deep.equal([
        'first:connecting',
        'first:calling',
        'first:ringing',
        'first:in-call',
      ]);
      expect(seen.filter((s) => s.startsWith('second:'))).to.deep.equal([
        'second:ending',
        'second:idle',
        'second:ended local-hangup',
      ]);
    } finally {
      flushSync(() => root.unmount());
      host.remove();
    }
  });
});
