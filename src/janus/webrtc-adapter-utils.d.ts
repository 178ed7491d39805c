// Types for the one webrtc-adapter module the Janus adapter imports (the package types only its
// default export).
declare module 'webrtc-adapter/src/js/utils.js' {
  export interface BrowserDetails {
    browser: string | null;
    version: number | null;
    supportsUnifiedPlan?: boolean;
  }
  export function detectBrowser(window: Window): BrowserDetails;
}
