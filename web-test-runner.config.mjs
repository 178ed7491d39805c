// Unit tests: headless Debian Chromium and Firefox ESR, TypeScript through esbuild, a fake session behind the
// project's own SipConnector interface. End-to-end tests live in test/e2e and run separately.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

/**
 * React for the React test (test/react/render.test.ts): React ships CommonJS only, so esbuild
 * bundles react, react-dom and react-dom/client (production builds) into one ES module, served
 * at /__react__/bundle.js, and `react`, `react-dom` and `react-dom/client` resolve to small
 * modules that re-export its parts by name (one React instance for all three).
 */
function reactForTests() {
  const parts = { react: 'React', 'react-dom': 'ReactDOM', 'react-dom/client': 'ReactDOMClient' };
  const production = {
    react: 'react/cjs/react.production.js',
    'react-dom': 'react-dom/cjs/react-dom.production.js',
    'react-dom/client': 'react-dom/cjs/react-dom-client.production.js',
  };
  let bundle;
  return {
    name: 'react-for-tests',
    resolveImport({ source }) {
      return parts[source] ? `/__react__/${source.replace('/', '-')}.js` : undefined;
    },
    async serve({ path: url }) {
      if (!url.startsWith('/__react__/')) return undefined;
      if (url === '/__react__/bundle.js') {
        bundle ??= build({
          stdin: {
            contents: Object.entries(parts)
              .map(([name, part]) => `export * as ${part} from '${name}';`)
              .join('\n'),
            resolveDir: process.cwd(),
          },
          bundle: true,
          format: 'esm',
          write: false,
          define: { 'process.env.NODE_ENV': '"production"' },
        }).then((out) => out.outputFiles[0].text);
        return { body: await bundle, type: 'js' };
      }
      const [name, part] = Object.entries(parts).find(
        ([name]) => url === `/__react__/${name.replace('/', '-')}.js`,
      );
      // The names, read off the production file (`exports.name = …`; none of it is run here).
      const text = readFileSync(path.resolve('node_modules', production[name]), 'utf8');
      const names = [...new Set([...text.matchAll(/^exports\.(\w+) =/gm)].map((m) => m[1]))];
      return {
        body: [
          `import { ${part} } from '/__react__/bundle.js';`,
          `export default ${part}.default ?? ${part};`,
          `export const { ${names.join(', ')} } = ${part}.default ?? ${part};`,
        ].join('\n'),
        type: 'js',
      };
    },
  };
}

export default {
  files: ['test/**/*.test.ts', '!test/e2e/**', '!test/node/**'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2021' }),
    forcedColorsCommand(),
    reactForTests(),
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
