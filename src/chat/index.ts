import type { CapabilityFactory } from '../call-contract.js';

// TEMPORARY skeleton while the capability is written.
export const chat: CapabilityFactory = () => ({ stop: () => undefined });
