import { css } from 'lit';

/**
 * Styles of the rating form after a call (`feedback`). The chunk adds them to the element's
 * shadow root (a constructed stylesheet: allowed under a strict `style-src`), so a page without
 * `feedback` never downloads them. Logical properties only: the form mirrors under `dir="rtl"`.
 */
export const styles = css`
  [part='feedback-status'] {
    margin: 0;
    font-size: 0.875em;
  }

  /* Empty, the live region stays in the page but takes no room (nor a gap of the column). */
  [part='feedback-status']:empty {
    position: absolute;
  }

  [part='feedback'] {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0.5em;
    font-size: 0.875em;
  }

  /* The row of ratings, and the row of Send and Skip. */
  [part='feedback'] > div {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  [part='feedback-rating'] {
    position: relative;
  }

  /* The native radio stays (arrow keys, form semantics), drawn by the span after it. */
  [part='feedback-rating'] input {
    position: absolute;
    inset: 0;
    margin: 0;
    opacity: 0;
    cursor: pointer;
  }

  [part='feedback-rating'] span,
  [part~='feedback-button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    box-sizing: border-box;
    min-width: 44px;
    min-height: 44px; /* touch target */
    padding-inline: 0.9em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
    color: var(--voip-panel-color, light-dark(#1f1f1f, #e3e3e3));
    font: inherit;
    cursor: pointer;
  }

  [part='feedback-rating'] input:checked + span {
    background: var(--voip-panel-active-background, light-dark(#1f1f1f, #e3e3e3));
    color: var(--voip-panel-active-color, light-dark(#fff, #1f1f1f));
  }

  [part='feedback-rating'] input:focus-visible + span,
  [part~='feedback-button']:focus-visible,
  [part='feedback-problem'] input:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }

  [part~='feedback-button']:disabled {
    opacity: 0.5;
    cursor: default;
  }

  [part='feedback-scale'] {
    margin: 0;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }

  [part='feedback-problems'] {
    display: flex;
    flex-direction: column;
    gap: 0.25em;
    margin: 0;
    padding: 0;
    border: 0;
  }

  [part='feedback-problems'] legend {
    margin-block-end: 0.25em;
    padding: 0;
  }

  [part='feedback-problem'] {
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-height: 32px;
    cursor: pointer;
  }

  [part='feedback-problem'] input {
    margin: 0;
    inline-size: 1.1em;
    block-size: 1.1em;
  }

  /* Windows high contrast flattens the colours: the chosen rating keeps a thick border. */
  @media (forced-colors: active) {
    [part='feedback-rating'] input:checked + span {
      border: 3px solid Highlight;
      font-weight: 700;
    }
  }
`;
