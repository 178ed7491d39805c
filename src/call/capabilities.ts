/**
 * The in-call capabilities, in the order their panel sections show. Each makes its part of a
 * call (see `Capability` in call-contract.ts). Both here serve every call (`voip-quality` and
 * `sendDtmf()` work whatever the panel shows), so they ship in the call chunk. A capability the
 * page enables only sometimes (text, video, ...) returns its own `import()` from its entry, so a
 * page that does not enable it never downloads it.
 */
import type { CallPlan, CapabilityFactory } from '../call-contract.js';
import { keypad } from '../keypad/index.js';
import { quality } from '../quality/index.js';

/**
 * A capability for a call's plan: its factory, or `undefined` when the plan does not enable it.
 * One loaded on demand returns `import('../chat/index.js').then((m) => m.chat)` when enabled.
 */
export type CapabilityEntry = (
  plan: CallPlan,
) => CapabilityFactory | Promise<CapabilityFactory> | undefined;

export const CAPABILITIES: readonly CapabilityEntry[] = [() => keypad, () => quality];
