/**
 * The package as npm would publish it: `npm pack` (its file list, without running scripts: the
 * test run built dist/ already) ships the built files every `exports` entry points to, the
 * README, changelog and licence, and none of the project's tests, stack or scripts; `prepack`
 * builds, so a pack from a fresh clone has them too.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

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
      files.filter((f) => /^(test|stack|demo|scripts|bench|docs|\.ci)\//.test(f)),
      [],
      'no tests, stack, demo or scripts',
    );
  });
});
