/**
 * The call chunk: loaded with the one `import()` of `call-controller.ts` at the first call (or
 * when the visitor points at the button), with the Janus adapter, the in-call panel, the
 * capabilities every call has and the English text shown during and after a call. A page that
 * only shows the button never downloads any of it. Capabilities a call may do without (text,
 * transfers, context) come in chunks of their own (see capabilities.ts).
 */
import type { CallModule } from '../call-contract.js';
import { VoipError } from '../errors.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { definePanel } from '../panel/call-panel.js';
import { Call } from './call.js';
import { CAPABILITIES } from './capabilities.js';
import { enCall } from './en-call.js';
import { planCall } from './plan.js';

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
