// The Custom Elements Manifest (dist/custom-elements.json, `cem analyze`, run by
// scripts/build.mjs): what a page can use, as published. The element's inner elements (the
// in-call panel, the callback form, the video view) are internal: left out. Module paths point
// at the published JavaScript (dist/lib/*.js), not at the TypeScript sources.
const INTERNAL = new Set(['voip-call-panel', 'voip-callback-form', 'voip-video-view']);

/** A cem plugin: drops the internal elements and points every path at dist/lib. */
function published() {
  const toDist = (path) => path.replace(/^src\//, 'dist/lib/').replace(/\.ts$/, '.js');
  return {
    name: 'voip-call-button-published',
    packageLinkPhase({ customElementsManifest }) {
      const internalClasses = new Set();
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (INTERNAL.has(declaration.tagName)) internalClasses.add(declaration.name);
        }
      }
      customElementsManifest.modules = customElementsManifest.modules
        .map((mod) => ({
          ...mod,
          path: toDist(mod.path),
          declarations: (mod.declarations ?? []).filter((d) => !internalClasses.has(d.name)),
          exports: (mod.exports ?? [])
            .filter((e) => !INTERNAL.has(e.name) && !internalClasses.has(e.declaration?.name))
            .map((e) =>
              e.declaration?.module
                ? { ...e, declaration: { ...e.declaration, module: toDist(e.declaration.module) } }
                : e,
            ),
        }))
        .filter((mod) => mod.declarations.length > 0 || mod.exports.length > 0);
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.d.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [published()],
};
