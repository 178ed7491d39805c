import { css } from 'lit';

/**
 * Styles of `<voip-call-button>`. Pages theme it with the `--voip-*` custom properties and style
 * its inner parts with `::part(...)`; both are listed in the element's doc comment and in
 * docs/reference.md.
 */
export const styles = css`
  /*
   * Themes: the default colours are light-dark() pairs, resolved by the color-scheme. By default
   * (theme="auto") the page's own: dark on a page that declares "light dark" for a visitor who
   * prefers dark, light on a light-only page (the status line has no background of its own).
   * theme="light|dark" forces one.
   */
  :host {
    display: inline-block;
    font-family: var(--voip-font-family, inherit);
    font-size: calc(var(--voip-font-size, 1rem) * var(--_scale, 1));
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }

  /* Sizes scale everything in em; the button keeps a 44 px target, 32 px when small. */
  :host([size='small']) {
    --_scale: 0.875;
    --_target: 32px;
  }

  :host([size='large']) {
    --_scale: 1.25;
  }

  :host([hidden]) {
    display: none;
  }

  [part='base'] {
    display: inline-flex;
    flex-direction: column;
    /* Start-aligned: a status line that changes width must not move the button. */
    align-items: flex-start;
    gap: 0.5em;
  }

  [part='button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    min-height: var(--_target, 44px);
    padding: var(--voip-button-padding, 0.7em 1.4em);
    border: none;
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-button-background, #0a7d3b);
    color: var(--voip-button-color, #fff);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  [part='button']:hover {
    filter: brightness(1.1);
  }

  [part='button']:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }

  [part='button'][data-active] {
    background: var(--voip-hangup-background, #c5221f);
    color: var(--voip-hangup-color, #fff);
  }

  [part='button']:disabled {
    cursor: not-allowed;
    opacity: 0.6;
    filter: none;
  }

  [part='icon'] {
    width: 1.2em;
    height: 1.2em;
    flex: none;
    fill: currentColor;
  }

  [part='status'] {
    min-height: 1.4em;
    font-size: 0.875em;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }

  [part='status'][data-outcome='error'] {
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }

  /* Windows high contrast: the system colours, and a border that shows the button's shape. */
  @media (forced-colors: active) {
    [part='button'] {
      border: 2px solid ButtonText;
    }
    [part='button']:disabled {
      color: GrayText;
      border-color: GrayText;
    }
  }
`;
