// Unit tests: headless Debian Chromium and Firefox ESR, TypeScript through esbuild, a fake session behind the
// project's own SipConnector interface. End-to-end tests live in test/e2e and run separately.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_PATH, chromiumArgs } from './scripts/lib/chromium.mjs';
import { firefoxLaunchOptions } from './scripts/lib/firefox.mjs';
import * as puppeteer from 'puppeteer-core';

/**
 * `executeServerCommand('forced-colors', true|false)`: Windows high contrast for the test's page,
 * through the DevTools protocol (the emulate-media command has no forced colours under puppeteer).
 */
function forcedColorsCommand() {
  /** One DevTools session per test page, kept: its emulation ends when it detaches. */
  const sessions = new Map();
  return {
    name: 'forced-colors-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'forced-colors') return undefined;
      let cdp = sessions.get(session.id);
      if (!cdp) {
        cdp = await session.browser.getPage(session.id).createCDPSession();
        sessions.set(session.id, cdp);
      }
      await cdp.send('Emulation.setEmulatedMedia', {
        features: [{ name: 'forced-colors', value: payload ? 'active' : 'none' }],
      });
      return true;
    },
  };
}

/** `VCB_BROWSER=chromium|firefox` runs the suite in one browser only; by default in both. */
const only = process.env.VCB_BROWSER;

export default {
  files: ['test/**/*.test.ts', '!test/e2e/**', '!test/node/**'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2021' }),
    forcedColorsCommand(),
  ],
  browsers: [
    ...(only === 'firefox'
      ? []
      : [
          chromeLauncher({
            launchOptions: {
              executablePath: CHROMIUM_PATH,
              headless: true,
              args: chromiumArgs({ audioFile: undefined }),
            },
          }),
        ]),
    // Firefox over WebDriver BiDi: puppeteer-core drives it, through the same launcher.
    ...(only === 'chromium'
      ? []
      : [chromeLauncher({ puppeteer, launchOptions: firefoxLaunchOptions() })]),
  ],
  testFramework: { config: { timeout: 5000 } },
  testsFinishTimeout: 120_000,
};
