/**
 * The in-call capabilities, in the order their panel sections show. Each makes its part of a
 * call (see `Capability` in call-contract.ts). The keypad and call quality serve every call
 * (`voip-quality` and `sendDtmf()` work whatever the panel shows), so they ship in the call
 * chunk. The others come in chunks of their own, loaded when a call starts: the context headers
 * only when the page set some; transfers (which also declines them under `transfers="off"`: a
 * transfer asked for must be answered) and the text conversation (`sendMessage()` works whatever
 * the panel shows) for every call; video (the camera, screen sharing, the video view) only when
 * the page allows it (`video` optional or on), so a voice call downloads none of it. A page that
 * never calls downloads none of them.
 */
import type { CallPlan, CapabilityFactory } from '../call-contract.js';
import { keypad } from '../keypad/index.js';
import { quality } from '../quality/index.js';

/** A capability for a call's plan: its factory, or `undefined` when the plan does not enable it. */
export type CapabilityEntry = (
  plan: CallPlan,
) => CapabilityFactory | Promise<CapabilityFactory> | undefined;

export const CAPABILITIES: readonly CapabilityEntry[] = [
  (plan) => (plan.context ? import('../context/index.js').then((m) => m.context) : undefined),
  (plan) => (allowsVideo(plan) ? import('../video/index.js').then((m) => m.video) : undefined),
  () => keypad,
  () => import('../chat/index.js').then((m) => m.chat),
  () => import('../transfer/index.js').then((m) => m.transfer),
  () => quality,
];

/** Whether the `video` attribute allows video (`on`, `optional`; anything else: voice only). */
const allowsVideo = (plan: CallPlan) =>
  /^\s*(on|optional)\s*$/i.test(plan.attribute('video') ?? '');
