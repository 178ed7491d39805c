// npm run lint (depcruise): the import rules of the two halves (docs/development.md, "How the
// code is laid out"). A file directly in src/ (and i18n/) loads with the page; every other
// folder of src/ loads with the call.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycles, type imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'eager-reaches-lazy-only-by-type-or-import()',
      comment:
        'First-load code (src/*.ts, src/i18n/) reaches the call half only with `import type` or ' +
        'the one import() of call-controller.ts.',
      severity: 'error',
      // The npm entry (index.ts) is no part of the first load (the CDN bundle starts at
      // voip-call-button.ts): it re-exports the dial-string parsers of sip/ for an app's own use.
      from: { path: '^src/([^/]+\\.ts|i18n/.+)$', pathNot: '^src/index\\.ts$' },
      to: {
        path: '^src/(?!i18n/)[^/]+/',
        dependencyTypesNot: ['type-only', 'dynamic-import'],
      },
    },
    {
      name: 'one-dynamic-import-of-the-call',
      comment: 'Only the controller loads the call half with import() (languages aside).',
      severity: 'error',
      from: { path: '^src/([^/]+\\.ts|i18n/.+)$', pathNot: '^src/call-controller\\.ts$' },
      to: { path: '^src/(?!i18n/)[^/]+/', dependencyTypes: ['dynamic-import'] },
    },
    {
      name: 'call-half-never-imports-the-controller',
      severity: 'error',
      from: { path: '^src/(?!i18n/)[^/]+/' },
      to: { path: '^src/call-controller\\.ts$' },
    },
    {
      name: 'only-janus-imports-janus-gateway',
      severity: 'error',
      from: { pathNot: '^src/janus/' },
      to: { path: 'node_modules/(janus-gateway|webrtc-adapter)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    exclude: { path: '^src/server/' },
  },
};
