/**
 * The in-call capabilities, in the order their panel sections show. Each makes its part of a
 * call (see `Capability` in call-contract.ts). Those every call has ship in the call chunk: the
 * keypad and call quality (`voip-quality` and `sendDtmf()` work whatever the panel shows), text
 * (`sendMessage()` likewise) and transfers (which also declines them under `transfers="off"`: a
 * transfer asked for must be answered). In chunks of their own they cost every call a round trip
 * after the call chunk and 1 KB (measured: a voice call 42,264 -> 41,229 B without them). The
 * others come in chunks of their own, loaded when a call starts: the context headers only when
 * the page set some; video (the camera, screen sharing, the video view) only when the page
 * allows it (`video` optional or on), so a voice call downloads none of it. A page that never
 * calls downloads none of them.
 */
import type { CallPlan, CapabilityFactory } from '../call-contract.js';
import { keypad } from '../keypad/index.js';
import { quality } from '../quality/index.js';
import { chat } from '../chat/index.js';
import { transfer } from '../transfer/index.js';

/** A capability for a call's plan: its factory, or `undefined` when the plan does not enable it. */
export type CapabilityEntry = (
  plan: CallPlan,
) => CapabilityFactory | Promise<CapabilityFactory> | undefined;

export const CAPABILITIES: readonly CapabilityEntry[] = [
  (plan) => (plan.context ? import('../context/index.js').then((m) => m.context) : undefined),
  (plan) => (allowsVideo(plan) ? import('../video/index.js').then((m) => m.video) : undefined),
  () => keypad,
  () => chat,
  () => transfer,
  () => quality,
];

/** Whether the `video` attribute allows video (`on`, `optional`; anything else: voice only). */
const allowsVideo = (plan: CallPlan) =>
  /^\s*(on|optional)\s*$/i.test(plan.attribute('video') ?? '');
