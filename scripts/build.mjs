// npm run build: the npm build (dist/lib: ES2021 modules + .d.ts, from tsc), the CDN build
// (dist/voip-call-button.js + dist/chunks/, from rollup) and dist/custom-elements.json.
import { rmSync } from 'node:fs';
import { run } from './lib/run.mjs';

rmSync('dist', { recursive: true, force: true });
await run('tsc', ['-p', 'tsconfig.build.json']);
await run('tsc', ['-p', 'tsconfig.server.json']);
await run('rollup', ['-c', 'rollup.config.mjs', '--silent']);
// Settings and the plugin that fits it to the published package: custom-elements-manifest.config.mjs.
await run('cem', ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']);
console.log('[build] dist/lib (npm), dist/voip-call-button.js (CDN), dist/custom-elements.json');
