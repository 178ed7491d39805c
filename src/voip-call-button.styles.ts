import { css } from 'lit';

/**
 * Styles of `<voip-call-button>`. Pages theme it with the `--voip-*` custom properties and style
 * its inner parts with `::part(...)`; both are listed in the element's doc comment and README.
 */
export const styles = css`
  :host {
    display: inline-block;
    font-family: var(--voip-font-family, inherit);
    font-size: var(--voip-font-size, 1rem);
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
    min-height: 44px; /* touch target */
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
    outline: var(--voip-focus-ring, 3px solid #1a73e8);
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
    color: var(--voip-status-color, #444);
  }

  [part='status'][data-outcome='error'] {
    color: var(--voip-error-color, #b3261e);
  }
`;
