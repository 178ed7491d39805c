// Unit tests: headless Debian Chromium, TypeScript through esbuild, a fake session behind the
// project's own SipConnector interface. End-to-end tests live in test/e2e and run separately.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_PATH, chromiumArgs } from './scripts/lib/chromium.mjs';

export default {
  files: ['test/**/*.test.ts', '!test/e2e/**', '!test/node/**'],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2021' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: chromiumArgs({ audioFile: undefined }),
      },
    }),
  ],
  testFramework: { config: { timeout: 5000 } },
  testsFinishTimeout: 120_000,
};
