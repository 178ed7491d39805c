// A Rollup plugin for the CDN build: shrinks the static text of Lit's css`` and html``
// templates (comments, indentation and line breaks), which terser leaves as written. Parses each
// module with TypeScript's parser, so only the literal parts of those tagged templates change.
import ts from 'typescript';

/** CSS: no comments, no whitespace runs, none around punctuation. */
const minifyCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .replace(/([\s:(,])0\.(\d)/g, '$1.$2');

/**
 * HTML: a run of whitespace that holds a line break goes between two tags (the templates only
 * break lines there for layout) and is one space elsewhere (the same to the rendering).
 */
const minifyHtml = (text) => text.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ');

export function minifyTemplates() {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!id.endsWith('.js') || !/\b(css|html)\s*`/.test(code) || id.includes('node_modules')) {
        return null;
      }
      const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
      const edits = [];
      const visit = (node) => {
        if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag)) {
          const minify = { css: minifyCss, html: minifyHtml }[node.tag.text];
          const t = node.template;
          const parts = ts.isNoSubstitutionTemplateLiteral(t)
            ? [t]
            : [t.head, ...t.templateSpans.map((s) => s.literal)];
          if (minify) {
            for (const part of parts) {
              // Each part's text sits between ` or } and ` or ${.
              const start = part.getStart(file) + 1;
              const end = part.end - (ts.isTemplateHead(part) || ts.isTemplateMiddle(part) ? 2 : 1);
              // A whole template (no \${}) can lose its outer whitespace too.
              const text = minify(code.slice(start, end));
              edits.push([start, end, parts.length === 1 ? text.trim() : text]);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
        out = out.slice(0, start) + text + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}
