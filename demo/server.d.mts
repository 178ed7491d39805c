// Types for the demo server, used by the TypeScript end-to-end tests.
export function contentSecurityPolicy(janusOrigins: string[]): string;
export function startDemoServer(options?: {
  port?: number;
  janusOrigins?: string[];
  /** The older name of `testing`. */
  testTokens?: boolean;
  /**
   * Also serve the tests' routes: bad tokens (/token/expired, /token/tampered,
   * /token/other-plugin, ...) and the callback controls (GET /test/callbacks,
   * POST /test/callbacks/fail?count=N&status=S).
   */
  testing?: boolean;
  /** Where each callback request is appended as a JSON line; default VCB_CALLBACK_LOG or the temp dir. */
  callbackLog?: string;
  /** More files to serve, by path: their content type and body. */
  extra?: Record<string, { type: string; body: string }>;
}): Promise<{ url: string; callbackLog: string; close: () => Promise<void> }>;
