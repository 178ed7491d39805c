/**
 * The call chunk: loaded with the one `import()` of `call-controller.ts` at the first call (or
 * when the visitor points at the button), with the Janus adapter, the in-call panel, the
 * capabilities and the English text shown during and after a call. A page that only shows the
 * button never downloads any of it.
 */
import type { CallModule } from '../call-contract.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { definePanel } from '../panel/call-panel.js';
import { Call } from './call.js';
import { CAPABILITIES } from './capabilities.js';
import { enCall } from './en-call.js';

export const placeCall: CallModule['placeCall'] = async (plan, host, show) => {
  definePanel();
  addBuiltInTranslation('en', enCall);
  const factories = await Promise.all(CAPABILITIES.map(async (entry) => entry(plan)));
  const call = new Call(
    plan,
    host,
    factories.filter((f) => f !== undefined),
  );
  show(call);
  host.update(); // the panel shows the call's controls from the start (mute during the prompt)
  return call.run();
};
