import { css } from 'lit';

/**
 * Styles of `<voip-callback-form>`, in its own shadow root (CSP safe), loaded with its chunk. They
 * use the element's `--voip-*` custom properties, so a page's theme applies here too.
 */
export const styles = css`
  :host {
    display: block;
    max-width: var(--voip-callback-max-width, 24em);
    color: var(--voip-panel-color, light-dark(#1f1f1f, #e3e3e3));
  }

  :host([hidden]) {
    display: none;
  }
  [part='callback'],
  [part='callback-confirmation'] {
    display: grid;
    gap: 0.75em;
    padding: 0.75em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: 8px;
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
  }
  [part='callback-field'] {
    display: grid;
    gap: 0.25em;
  }
  [part='callback-label'] {
    font-weight: 600;
    font-size: 0.875em;
  }
  [part='callback-input'] {
    box-sizing: border-box;
    width: 100%;
    min-height: 44px; /* touch target */
    padding: 0.4em 0.6em;
    font: inherit;
    color: inherit;
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: 6px;
  }
  textarea[part='callback-input'] {
    resize: vertical;
  }
  [part='callback-input'][aria-invalid='true'] {
    border-color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }
  [part='callback-hint'],
  [part='callback-consent'] {
    margin: 0;
    font-size: 0.8em;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }
  [part='callback-error'] {
    margin: 0;
    font-size: 0.875em;
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
  button {
    min-height: 44px; /* touch target */
    padding: 0.5em 1.2em;
    font: inherit;
    border-radius: var(--voip-button-radius, 999px);
    cursor: pointer;
  }
  [part='callback-submit'] {
    border: none;
    font-weight: 600;
    background: var(--voip-button-background, #0a7d3b);
    color: var(--voip-button-color, #fff);
  }
  [part='callback-submit'][aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }
  [part='callback-cancel'] {
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    background: transparent;
    color: inherit;
  }
  button:focus-visible,
  [part='callback-input']:focus-visible,
  [part='callback-confirmation']:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }
  p {
    margin: 0;
  }
`;
