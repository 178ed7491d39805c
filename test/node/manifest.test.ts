/**
 * The Custom Elements Manifest as published (dist/custom-elements.json, from `npm run build`) and
 * the API tables of docs/reference.md, which are written by hand: this test fails when they drift
 * apart. The
 * manifest has one element (the inner ones are internal), paths to published files, typed events
 * (every one of VoipEventMap), the `state` attribute, and every part and custom property with its
 * default.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Named {
  readonly name: string;
  readonly default?: string;
  readonly type?: { readonly text: string };
}
interface Declaration {
  readonly tagName?: string;
  readonly customElement?: boolean;
  readonly events?: readonly Named[];
  readonly attributes?: readonly Named[];
  readonly cssParts?: readonly Named[];
  readonly cssProperties?: readonly Named[];
}
interface Manifest {
  readonly modules: readonly { readonly path: string; readonly declarations?: Declaration[] }[];
}

const manifest = JSON.parse(readFileSync('dist/custom-elements.json', 'utf8')) as Manifest;
const reference = readFileSync('docs/reference.md', 'utf8');
const elements = manifest.modules.flatMap((m) =>
  (m.declarations ?? []).filter((d) => d.customElement || d.tagName),
);
const element = elements.find((d) => d.tagName === 'voip-call-button')!;

/** The first-column names of the table under docs/reference.md's `heading`, and each row's cells. */
function table(heading: string): Map<string, string[]> {
  const start = reference.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, heading);
  const end = reference.indexOf('\n#', start + heading.length + 2);
  const rows = new Map<string, string[]>();
  for (const line of reference.slice(start, end).split('\n')) {
    const name = /^\| `([^`]+)`/.exec(line)?.[1];
    if (name)
      rows.set(
        name,
        line.split('|').map((cell) => cell.trim()),
      );
  }
  return rows;
}

const names = (list: readonly Named[] | undefined) => (list ?? []).map((n) => n.name).sort();

describe('custom-elements.json and docs/reference.md', () => {
  it('one element, voip-call-button; the inner elements left out; every path published', () => {
    assert.deepEqual(
      elements.map((d) => d.tagName),
      ['voip-call-button'],
    );
    const text = JSON.stringify(manifest);
    for (const inner of ['voip-call-panel', 'voip-callback-form', 'voip-video-view']) {
      assert.ok(!text.includes(`"${inner}"`), inner);
    }
    const missing = manifest.modules.map((m) => m.path).filter((p) => !existsSync(p));
    assert.deepEqual(missing, [], 'module paths that are not in the build');
    assert.ok(manifest.modules.every((m) => m.path.startsWith('dist/lib/')));
  });

  it('every event of VoipEventMap, typed with its detail, and as the reference lists them', () => {
    const events = readFileSync('src/events.ts', 'utf8');
    const map = events.slice(events.indexOf('export interface VoipEventMap'));
    const declared = [...map.slice(0, map.indexOf('}')).matchAll(/'(voip-[a-z-]+)': (\S+);/g)];
    const typed = new Map(element.events!.map((e) => [e.name, e.type?.text]));
    for (const [, name, type] of declared) assert.equal(typed.get(name!), type, name);
    assert.deepEqual(names(element.events), declared.map(([, name]) => name!).sort());
    assert.deepEqual(names(element.events), [...table('## Events').keys()].sort());
  });

  it('the attributes (state included) as the reference lists them', () => {
    assert.ok(names(element.attributes).includes('state'));
    assert.deepEqual(
      names(element.attributes),
      [...table('## Attributes and properties').keys()].sort(),
    );
  });

  it('the parts as the reference lists them', () => {
    assert.deepEqual(names(element.cssParts), [...table('## CSS parts').keys()].sort());
  });

  it('the custom properties with their defaults, as the reference lists them', () => {
    const rows = table('## CSS custom properties');
    assert.deepEqual(names(element.cssProperties), [...rows.keys()].sort());
    const wrong = element
      .cssProperties!.filter(
        (p) => p.default && !rows.get(p.name)![2]!.startsWith(`\`${p.default}\``),
      )
      .map((p) => `${p.name}: ${p.default} / ${rows.get(p.name)![2]}`);
    assert.deepEqual(wrong, [], 'defaults that the reference gives otherwise');
  });
});
