/**
 * `voip-call-button/server`: Node helpers for the site's backend, no dependency beyond Node's
 * own modules. Short-lived Janus tokens (`token.ts`), so the page never holds a long-lived
 * secret; and the endpoint of the callback form (`callback.ts`).
 */
export * from './token.js';
export * from './callback.js';
