// Types for the demo server, used by the TypeScript end-to-end tests.
export function contentSecurityPolicy(janusOrigins: string[]): string;
export function startDemoServer(options?: {
  port?: number;
  janusOrigins?: string[];
  /** Also serve bad tokens for tests: /token/expired, /token/tampered, /token/other-plugin. */
  testTokens?: boolean;
}): Promise<{ url: string; close: () => Promise<void> }>;
