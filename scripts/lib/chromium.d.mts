// Types for chromium.mjs, used by the TypeScript end-to-end tests.
export const CHROMIUM_PATH: string;
export function chromiumArgs(options?: {
  fakeMicrophone?: boolean;
  noCamera?: boolean;
  allowMicrophone?: boolean;
  audioFile?: string;
  autoplay?: boolean;
}): string[];
