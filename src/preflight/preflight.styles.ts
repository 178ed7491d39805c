import { css } from 'lit';

/**
 * Styles of the pre-call check's part of `<voip-call-button>`, added by its chunk to the
 * element's shadow root (a constructed stylesheet), with the element's `--voip-*` properties.
 */
export const styles = css`
  [part='preflight'] {
    max-width: var(--voip-callback-max-width, 24em);
    font-size: 0.875em;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }

  [part='preflight-steps'] {
    margin: 0.25em 0;
    padding-inline-start: 1.4em;
  }

  [part='preflight-step'][data-status='failed'] {
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }

  [part='preflight-question'],
  [part='preflight-hint'],
  [part='preflight-verdict'] {
    margin: 0.25em 0;
  }

  [part='preflight-verdict'] {
    font-weight: 600;
  }

  [part='preflight-actions'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  [part^='preflight-'][type='button'] {
    min-height: 44px; /* touch target */
    padding: 0.4em 1.1em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
    color: var(--voip-panel-color, light-dark(#1f1f1f, #e3e3e3));
    font: inherit;
    cursor: pointer;
  }

  [part^='preflight-'][type='button']:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }
`;
