/**
 * Server-side rendering with @lit-labs/ssr (its DOM shim, as a Node server renders Lit): importing
 * the element and rendering it does not throw, and the HTML holds the declarative shadow root
 * with the call button, its label and the status line, ready for the browser to take over.
 */
import '@lit-labs/ssr/lib/install-global-dom-shim.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from '@lit-labs/ssr';
import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
import { html } from 'lit';

/** The element rendered to HTML on the server, with these attributes' template. */
async function renderToString(template: ReturnType<typeof html>): Promise<string> {
  await import('../../src/voip-call-button.js');
  return collectResult(render(template));
}

describe('server-side rendering (@lit-labs/ssr)', () => {
  it('renders the element (no lang anywhere) into a declarative shadow root', async () => {
    const out = await renderToString(
      html`<voip-call-button
        server="wss://janus.example.com/ws"
        sip-domain="pbx.example.com"
        number="+62215550100"
      ></voip-call-button>`,
    );
    assert.match(out, /<voip-call-button[^>]* number="\+62215550100"/);
    assert.match(out, /<template shadowroot="open" shadowrootmode="open"/);
    assert.match(out, /<button[^>]*part="button"[^>]*type="button"/);
    assert.match(out, /<slot>(<!--[^>]*-->)*Call us(<!--[^>]*-->)*<\/slot>/);
    assert.match(out, /part="status" role="status"/);
  });

  it('with its own lang, a slotted label, a theme and a size', async () => {
    const out = await renderToString(
      html`<voip-call-button lang="en" theme="dark" size="large" number="2000"
        >Talk to sales</voip-call-button
      >`,
    );
    assert.match(out, / theme="dark"/);
    assert.match(out, / size="large"/);
    assert.match(out, /Talk to sales/);
  });
});
