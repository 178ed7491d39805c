// Types for the demo server, used by the TypeScript end-to-end tests.
export function contentSecurityPolicy(janusOrigins: string[]): string;
export function startDemoServer(options?: {
  port?: number;
  janusOrigins?: string[];
}): Promise<{ url: string; close: () => Promise<void> }>;
