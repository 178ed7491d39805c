// The CDN build: one self-contained ES module for a <script type="module"> tag. Lit is bundled in;
// the Janus client (janus-gateway + webrtc-adapter) lands in a separate chunk that the element
// loads with import() on the first call. Input is the tsc output in dist/lib (see scripts/build.mjs).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { minifyTemplates } from './scripts/lib/minify-templates.mjs';

/**
 * janus-gateway's module wraps a UMD factory: on a page with an AMD `define` (RequireJS) it
 * registers itself there and exports `undefined`. In our bundle it must always run the factory.
 */
function janusUmdFix() {
  return {
    name: 'janus-umd-fix',
    transform(code, id) {
      if (!/janus-gateway[\\/].*janus\.es\.js$/.test(id)) return null;
      const amd = "typeof define === 'function' && define.amd";
      const cjs = "typeof module === 'object' && module.exports";
      if (!code.includes(amd) || !code.includes(cjs)) {
        this.error(
          'janus-gateway changed its UMD wrapper; update janusUmdFix in rollup.config.mjs',
        );
      }
      return { code: code.replace(amd, 'false').replace(cjs, 'false'), map: null };
    },
  };
}

/** janus.js's logging functions (no-ops under `debug: false`), as its source calls them. */
const JANUS_LOGGING = ['trace', 'debug', 'vdebug', 'log', 'warn', 'error'].map((f) => `Janus.${f}`);

export default {
  input: 'dist/lib/voip-call-button.js',
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: 'voip-call-button.js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  // Let the Janus chunk import shared code straight from the entry file (no facade chunk).
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    janusUmdFix(),
    minifyTemplates(),
    nodeResolve({ browser: true }),
    // webrtc-adapter imports the CommonJS package `sdp`.
    commonjs(),
    terser({
      ecma: 2021,
      module: true,
      compress: {
        passes: 3,
        pure_getters: true,
        unsafe_arrows: true,
        // janus.js's logging: the connector starts it with `debug: false`, which makes every one
        // of these a no-op, yet its 300 calls with their message strings would ship (2 KB).
        pure_funcs: JANUS_LOGGING,
      },
      format: { comments: false },
    }),
  ],
  onwarn(warning, warn) {
    // janus.js is written as a script and uses `this` at top level; harmless in the bundle.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
