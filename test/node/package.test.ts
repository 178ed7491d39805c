/**
 * The package as npm would publish it: `npm pack` (its file list, without running scripts: the
 * test run built dist/ already) ships the built files every `exports` entry points to, the
 * README, the docs pages it links to, changelog and licence, and none of the project's tests,
 * stack or scripts; `prepack` builds, so a pack from a fresh clone has them too. Then a new
 * consumer project installs the packed tarball (offline: its dependencies come from npm's cache,
 * which `npm ci` filled; no test reaches the network) and type-checks code that uses every entry
 * point, with strict settings and the package's own declarations checked (no skipLibCheck).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

interface Packed {
  readonly files: readonly { readonly path: string }[];
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

/** The paths `npm pack` would put in the tarball. */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
  });
  const [packed] = JSON.parse(out) as Packed[];
  return packed!.files.map((f) => f.path);
}

describe('the published package', () => {
  it('prepack builds; the tarball holds every exported file and no project tooling', () => {
    assert.equal(pkg.scripts['prepack'], 'node scripts/build.mjs');
    const files = packedFiles();
    const targets = Object.values(pkg.exports)
      .flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)))
      .filter((target) => !target.includes('*'))
      .map((target) => target.replace(/^\.\//, ''));
    assert.deepEqual(
      targets.filter((target) => !files.includes(target)),
      [],
      'every exports target is packed',
    );
    for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE', 'dist/lib/i18n/de.js']) {
      assert.ok(files.includes(file), file);
    }
    assert.ok(
      files.some((f) => /^dist\/chunks\/floating-[\w-]+\.js$/.test(f)),
      'the CDN build with its chunks',
    );
    assert.deepEqual(
      files.filter((f) => /^(test|stack|demo|scripts|bench|\.ci)\//.test(f)),
      [],
      'no tests, stack, demo or scripts',
    );
    // README links to the docs pages: they ship (the screenshots do not).
    const docs = readdirSync('docs').filter((f) => f.endsWith('.md'));
    assert.ok(docs.length > 0);
    assert.deepEqual(
      files.filter((f) => f.startsWith('docs/')).sort(),
      docs.map((f) => `docs/${f}`).sort(),
      'every docs page, nothing else from docs/',
    );
  });
});

/** A consumer's code: each entry point, typed events, the React component, the server helper. */
const CONSUMER = `
import { VoipCallButton, VoipError, ERROR_CODES, type VoipEndedDetail } from 'voip-call-button';
import { VoipCallButton as ReactButton } from 'voip-call-button/react';
import { createJanusToken } from 'voip-call-button/server';
import { createElement } from 'react';

const el = document.createElement('voip-call-button');
const same: VoipCallButton = el;
el.number = '+62215550100';
el.ringTimeout = 30;
el.addEventListener('voip-ended', (event) => {
  const reason: VoipEndedDetail['reason'] = event.detail.reason;
  console.log(reason, same.state);
});
el.addEventListener('voip-error', (event) => console.log(event.detail.code, ERROR_CODES.length));
console.log(new VoipError('failed', 'x').code);
// @ts-expect-error: not a state
el.state === 'dialing';

export const widget = createElement(ReactButton, {
  server: 'wss://janus.example.com/ws',
  number: '2000',
  onVoipEnded: (event) => console.log(event.detail.reason),
});
export const token = createJanusToken({ secret: 's', ttlSeconds: 60 });
`;

/** An entry of package-lock.json's `packages`. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optional?: boolean;
  dev?: boolean;
  [key: string]: unknown;
}

/**
 * The consumer's package-lock.json: the packed tarball, and every package it (and React) needs,
 * pinned as this project's own lock pins them, so that `npm ci --offline` needs only the
 * tarballs `npm ci` left in npm's cache (an install without a lock would ask the registry).
 */
function consumerLock(tarball: string, integrity: string): object {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const own = JSON.parse(readFileSync('package.json', 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, unknown>;
  };
  /** What the consumer adds: React for the component, Node's types for the server helper. */
  const extra = ['react', '@types/react', '@types/node'];
  const version = (name: string) => lock.packages[`node_modules/${name}`]!.version!;
  const packages: Record<string, LockEntry> = {
    '': {
      name: 'consumer',
      version: '1.0.0',
      dependencies: {
        'voip-call-button': `file:${tarball}`,
        ...Object.fromEntries(extra.map((name) => [name, version(name)])),
      },
    },
    'node_modules/voip-call-button': {
      version: own.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: own.dependencies,
      peerDependencies: own.peerDependencies,
      peerDependenciesMeta: own.peerDependenciesMeta,
    },
  };
  /** Where node would find `name` from the package at `from` (its own node_modules, then up). */
  const locate = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const at = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[at]) return at;
      if (!dir) return undefined;
    }
  };
  const queue = [...Object.keys(own.dependencies), ...extra].map((name) => ({
    from: '',
    name,
  }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const at = locate(next.from, next.name);
    if (!at || packages[at]) continue;
    // The consumer installs them as its own (production) dependencies.
    const entry = { ...lock.packages[at]! };
    delete entry.dev;
    delete entry['devOptional'];
    packages[at] = entry;
    for (const name of Object.keys(entry.dependencies ?? {})) queue.push({ from: at, name });
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

describe('the packed tarball in a consumer project', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcb-consumer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs offline and type-checks code that uses every entry point', () => {
    const out = execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
      {
        encoding: 'utf8',
      },
    );
    const [packed] = JSON.parse(out) as { filename: string; integrity: string }[];
    const lock = consumerLock(packed!.filename, packed!.integrity) as {
      packages: Record<string, LockEntry>;
    };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(lock.packages['']));
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
    const installed = execFileSync(
      'npm',
      ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    assert.match(installed, /added \d+ packages/);
    writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['es2022', 'dom', 'dom.iterable'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = path.resolve('node_modules/typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stdout } = error as { stdout: string };
      assert.fail(`the consumer does not type-check against the packed package:\n${stdout}`);
    }
  });
});
