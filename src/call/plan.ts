/**
 * The checks of where to call, done by the call chunk before anything touches the network: a
 * credential attribute on the element, the number, the SIP domain and the gateway URLs. In this
 * chunk rather than the first load: a page that only shows the button needs none of it.
 */
import type { CallPlan, CallSettings } from '../call-contract.js';
import { parseDialString, parseServers, parseSipDomain, toSipUri } from '../sip/dial-target.js';
import { VoipError } from '../errors.js';

/**
 * The gateways in the order a call tries them: as listed (`server-order` `ordered`, the
 * default), or, with `random`, from a random one on and then round the list, so that each call
 * still fails over to every other gateway. `random` is `Math.random` but in tests.
 */
export function orderServers(
  servers: readonly string[],
  order: string | null,
  random: () => number = Math.random,
): string[] {
  if (order?.trim().toLowerCase() !== 'random') return [...servers];
  const first = Math.floor(random() * servers.length) % servers.length;
  return [...servers.slice(first), ...servers.slice(0, first)];
}

/** Validates the settings of a call; throws the `VoipError` its one `voip-error` carries. */
export function planCall(config: CallSettings): CallPlan {
  if (config.credentialAttribute) {
    // The name only: the value may be a secret and must not reach the console.
    throw new VoipError('invalid-config', `remove the "${config.credentialAttribute}" attribute`);
  }
  const target = parseDialString(config.number);
  // The details name the attribute only: docs/reference.md says what each one takes.
  if (!target) throw new VoipError('invalid-number', 'bad "number"');
  const sipDomain = parseSipDomain(config.sipDomain);
  if (!sipDomain) throw new VoipError('invalid-config', 'bad "sip-domain"');
  const servers = parseServers(config.server);
  if (!servers) throw new VoipError('invalid-config', 'bad "server"');
  return {
    ...config,
    uri: toSipUri(target, sipDomain),
    servers: orderServers(servers, config.attribute('server-order')),
    sipDomain,
  };
}
