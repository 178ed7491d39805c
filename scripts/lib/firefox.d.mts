// Types for firefox.mjs, used by the TypeScript end-to-end tests.
import type { LaunchOptions } from 'puppeteer-core';

export const FIREFOX_PATH: string;
export function firefoxPrefs(options?: {
  fakeMedia?: boolean;
  autoplay?: boolean;
}): Record<string, string | number | boolean>;
export function firefoxLaunchOptions(options?: {
  fakeMedia?: boolean;
  autoplay?: boolean;
}): LaunchOptions;
