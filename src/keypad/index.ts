/**
 * The keypad, an in-call capability: sends keypad tones (`sendDtmf`, `voip-dtmf`) in the
 * answered call, in the media (RFC 4733) or as SIP INFO, and adds the keypad to the panel: a
 * toggle, the keys, and digits typed while the panel has focus.
 */
import { html } from 'lit';
import type { CapabilityFactory, PanelContext } from '../call-contract.js';
import { VoipError } from '../errors.js';
import { createVoipEvent } from '../events.js';

/** Keypad digits a call can send: one or more of 0-9, * and #. */
const DIGITS = /^[0-9*#]{1,32}$/;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

export const keypad: CapabilityFactory = (call) => {
  let open = false;
  const sendDtmf = async (digits: string) => {
    await call.act(async (session) => {
      if (!DIGITS.test(digits)) {
        throw new VoipError('invalid-digits', `not keypad digits: ${JSON.stringify(digits)}`);
      }
      await session.sendDtmf(digits, call.plan.dtmfMode === 'info' ? 'info' : 'rfc4733');
      call.host.emit(createVoipEvent('voip-dtmf', { digits }));
    });
  };
  /** The keypad shows once the call is answered, when `controls` lets it. */
  const shown = (panel: PanelContext) => panel.state === 'in-call' && panel.shows('keypad');
  return {
    sendDtmf,
    section: {
      toggle: (panel) =>
        shown(panel)
          ? panel.toggle(
              'keypad-toggle',
              'panel.keypad',
              open,
              () => {
                open = !open;
                panel.refresh();
              },
              'keypad',
            )
          : undefined,
      view: (panel) =>
        shown(panel) && open
          ? html`<div
              id="keypad"
              part="keypad"
              role="group"
              aria-label=${panel.t('panel.keypad-label')}
            >
              ${KEYS.map(
                (key) =>
                  html`<button part="key" type="button" @click=${() => void sendDtmf(key)}>
                    ${key}
                  </button>`,
              )}
            </div>`
          : undefined,
      key: (panel, event) => {
        if (!shown(panel) || !/^[0-9*#]$/.test(event.key)) return false;
        event.preventDefault();
        void sendDtmf(event.key);
        return true;
      },
    },
    stop: () => undefined,
  };
};
