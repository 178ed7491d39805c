/**
 * Transfers asked for by the far end, an in-call capability: when the agent transfers the
 * visitor (SIP REFER, the gateway's `transfer` event), the call follows it to the target, or
 * declines it (603) and keeps its call. The target comes from the far end, so it is held to the
 * rules of the page's own `number` and `sip-domain`: a dialable number at the page's SIP domain,
 * nothing else (no other domain, no URI parameters or headers); the URI dialled is rebuilt from
 * the parsed parts, never passed on as received. `transfers="off"` declines every transfer.
 */
import { html } from 'lit';
import type { CallContext, CapabilityFactory } from '../call-contract.js';
import { parseDialString, parseSipDomain, toSipUri } from '../sip/dial-target.js';
import type { EndReason } from '../errors.js';
import { createVoipEvent, type VoipTransferDetail } from '../events.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { startTone } from '../media/ringback.js';
import { sleep } from '../util/time.js';
import { enTransfer } from './en-transfer.js';

/** What the visitor hears when a transfer fails: the busy tone (480 + 620 Hz, 0.5 s on/off). */
const FAILED_TONE = { frequencies: [480, 620], pattern: [500, 500] };
const FAILED_TONE_MS = 3000;

/** `sip:USER@HOST[:PORT]`, nothing more: no display name, parameters or headers. */
const SIP_URI = /^sips?:([^@;?<>\s]+)@([^;?<>\s]+)$/i;

/**
 * The URI to dial for a transfer target, or `undefined` when the call must not follow it: not
 * a SIP URI, not a dialable number (the `number` grammar), or not at the page's SIP domain.
 */
export function transferTarget(target: string, sipDomain: string): string | undefined {
  const [, user = '', host = ''] = SIP_URI.exec(target) ?? [];
  let number;
  try {
    number = parseDialString(decodeURIComponent(user));
  } catch {
    return undefined; // a malformed %-escape
  }
  if (!number || parseSipDomain(host) !== sipDomain) return undefined;
  return toSipUri(number, sipDomain);
}

export const transfer: CapabilityFactory = (call: CallContext) => {
  addBuiltInTranslation('en', enTransfer);
  let following = false;
  /** Why the last transfer failed, shown until the next one (or the end of the call). */
  let failed: EndReason | undefined;
  const tell = (target: string, outcome: VoipTransferDetail['outcome']) =>
    call.host.emit(createVoipEvent('voip-transfer', { target, outcome }));

  const handle = async (referId: number, target: string, replaces?: string) => {
    // Attended transfers (Replaces) are not followed.
    const uri =
      call.plan.attribute('transfers') === 'off' || replaces !== undefined
        ? undefined
        : transferTarget(target, call.plan.sipDomain);
    // Only the answered call is transferred (not while reconnecting, nor during a transfer).
    if (!uri || following || call.host.state !== 'in-call') {
      // Declined: the far end is told (603) and the visitor keeps the call.
      tell(target, 'declined');
      await call.session?.declineTransfer(referId).catch((error: unknown) => {
        console.warn('<voip-call-button> transfer decline failed:', error);
      });
      return;
    }
    following = true;
    failed = undefined;
    tell(target, 'following');
    call.host.update();
    const failure = await call.follow(uri, referId);
    following = false;
    failed = failure;
    tell(target, failure ? 'failed' : 'connected');
    // The busy tone tells the visitor the target failed, not that they hung up themselves.
    if (failure && failure !== 'local-hangup') {
      const stop = startTone(FAILED_TONE);
      // At most 3 s, and no longer than the visitor stays (a hang-up stops it).
      void sleep(FAILED_TONE_MS, call.host.signal).then(stop);
    }
    call.host.update();
  };

  return {
    get status() {
      return following ? 'transfer.following' : undefined;
    },
    onEvent(event) {
      if (event.type !== 'transfer') return false;
      void handle(event.referId, event.target, event.replaces);
      return true;
    },
    section: {
      notice: (panel) =>
        failed && panel.state === 'in-call'
          ? html`<p part="transfer-failed" role="status">
              ${panel.t('transfer.failed')} ${panel.t(`ended.${failed}`)}
            </p>`
          : undefined,
    },
    stop() {
      following = false;
    },
  };
};
