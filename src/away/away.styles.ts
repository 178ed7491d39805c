import { css } from 'lit';

/**
 * Styles of the away chunk's part of `<voip-call-button>`: the closed notice and the offers. The
 * chunk adds them to the element's shadow root (a constructed stylesheet: allowed under a strict
 * `style-src`), so a page that never uses hours or offers never downloads them. They use the
 * element's `--voip-*` custom properties, like the in-call panel.
 */
export const styles = css`
  [part='hours'] {
    margin: 0;
    font-size: 0.875em;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }

  [part='offers'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  [part~='offer'] {
    min-height: 44px; /* touch target */
    padding: 0.4em 1.1em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
    color: var(--voip-panel-color, light-dark(#1f1f1f, #e3e3e3));
    font: inherit;
    cursor: pointer;
  }

  [part~='offer']:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }

  [part~='offer'][aria-expanded='true'] {
    background: var(--voip-panel-active-background, light-dark(#1f1f1f, #e3e3e3));
    color: var(--voip-panel-active-color, light-dark(#fff, #1f1f1f));
  }
`;
