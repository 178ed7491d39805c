// What `npm test` and `npm start` need before anything else: npm dependencies (npm ci when
// node_modules is missing or older than package-lock.json), the Debian packages of the local
// stack (stack/install.sh), and a fresh build. Uses only Node built-ins until npm ci has run.
import { existsSync, statSync } from 'node:fs';
import { run } from './run.mjs';

export async function ensureNodeModules() {
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
    console.log('[prepare] installing npm dependencies (npm ci)');
    await run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

export async function ensureSystemPackages() {
  await run('bash', ['stack/install.sh']);
}

export async function build() {
  await run('node', ['scripts/build.mjs']);
}
