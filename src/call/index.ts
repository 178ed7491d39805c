/**
 * The call chunk: loaded with the one `import()` of `call-controller.ts` at the first call (or
 * when the visitor points at the button), with the Janus adapter, the in-call panel, the
 * capabilities every call has and the English text shown during and after a call. A page that
 * only shows the button never downloads any of it. Capabilities a call may do without (text,
 * transfers, context) come in chunks of their own (see capabilities.ts).
 */
import type { CallModule, PreflightTools } from '../call-contract.js';
import { VoipError } from '../errors.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { definePanel } from '../panel/call-panel.js';
import { Call } from './call.js';
import { CAPABILITIES } from './capabilities.js';
import { enCall } from './en-call.js';
import { planCall } from './plan.js';
import { janusConnector } from '../janus/index.js';
import { toMs } from './limits.js';
import { fetchToken } from './token.js';
import { rememberedDevices, withDevice } from '../media/devices.js';
import { estimateMos, POOR_MOS, sampleQuality } from '../media/quality.js';
import { parseServers } from '../sip/dial-target.js';
import { sanitizeDisplayName } from '../sip/display-name.js';

export const placeCall: CallModule['placeCall'] = async (settings, host, show) => {
  definePanel();
  addBuiltInTranslation('en', enCall);
  let call: Call;
  try {
    // A bad number, domain or server, then a capability's bad setting (context): refused here,
    // before anything touches the network.
    const plan = planCall(settings);
    const factories = await Promise.all(CAPABILITIES.map(async (entry) => entry(plan)));
    call = new Call(
      plan,
      host,
      factories.filter((f) => f !== undefined),
    );
  } catch (error) {
    const e = error instanceof VoipError ? error : new VoipError('load-failed', String(error));
    return { kind: 'error', code: e.code, detail: e.message };
  }
  show(call);
  host.update(); // the panel shows the call's controls from the start (mute during the prompt)
  return call.run();
};

/**
 * Opens a gateway session ahead of a call (the `preconnect` attribute), at the visitor's
 * `intent` (hover, press, keyboard focus): the token first when the page has a
 * token URL (the call then finds it in memory), then the session, registered as a guest (no
 * microphone, no SIP request). Quiet: settings a call
 * would refuse, an unreachable token URL or gateway are left for the call to report.
 */
export const preconnect: CallModule['preconnect'] = (settings, intent, wanted) => {
  let plan;
  // Only with the attribute, and not for a focus the visitor did not make by keyboard (the focus
  // given back when a call ends); an insecure page gets no call either (`call()` refuses it).
  const chosen =
    intent.type !== 'focus' || (intent.target as Element | null)?.matches(':focus-visible');
  if (settings.attribute('preconnect') === null || !chosen || !isSecureContext) return;
  try {
    plan = planCall(settings);
  } catch {
    return;
  }
  const connector = plan.connector ?? janusConnector;
  if (!connector.preconnect) return;
  const { tokenUrl, servers, iceServers, sipDomain } = plan;
  const displayName = sanitizeDisplayName(plan.displayName);
  const token = tokenUrl
    ? // (Nothing to abort it: fetchToken gives up on its own after tokenTiming.timeoutMs.)
      fetchToken(tokenUrl, toMs(plan.attribute('max-duration')), new AbortController().signal)
    : Promise.resolve(undefined);
  void token.then(
    (held) => {
      // A call that started meanwhile opens its own session: none is left open beside it.
      if (wanted())
        connector.preconnect?.({
          servers,
          iceServers,
          sipDomain,
          ...(displayName ? { displayName } : {}),
          ...(held ? { token: held.token } : {}),
        });
    },
    () => undefined,
  );
};

export const preflightTools: PreflightTools = {
  connector: janusConnector,
  parseServers,
  token: (url, signal) => fetchToken(url, undefined, signal).then((held) => held.token),
  microphone: (given) => withDevice(given, undefined),
  speaker: () => rememberedDevices().speaker,
  sampleQuality,
  estimateMos,
  poorMos: POOR_MOS,
};
