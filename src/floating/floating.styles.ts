/**
 * The floating variant's styles, adopted into the element's shadow root by its chunk: a round
 * button in a page corner and the card it opens. Only an element with `variant="floating"`
 * downloads them.
 */
import { css } from 'lit';

export const styles = css`
  /* The card has a background of its own: by default it follows the visitor's preference. */
  :host([variant='floating']:not([theme='light'], [theme='dark'])) {
    color-scheme: light dark;
  }
  :host([variant='floating']) {
    position: fixed;
    z-index: var(--voip-floating-z-index, 2147483000);
    right: var(--voip-floating-right, 20px);
    bottom: var(--voip-floating-bottom, 20px);
  }
  :host([variant='floating'][position='bottom-left']) {
    right: auto;
    left: var(--voip-floating-left, 20px);
  }
  [part='launcher'] {
    display: grid;
    place-items: center;
    width: calc(3.5em * var(--_scale, 1));
    height: calc(3.5em * var(--_scale, 1));
    min-width: 44px;
    min-height: 44px;
    padding: 0;
    border: none;
    border-radius: 50%;
    background: var(--voip-button-background, #0a7d3b);
    color: var(--voip-button-color, #fff);
    box-shadow: var(--voip-floating-shadow, 0 2px 10px #0005);
    cursor: pointer;
  }
  [part='launcher'][data-active] {
    background: var(--voip-hangup-background, #c5221f);
    color: var(--voip-hangup-color, #fff);
  }
  [part='launcher'] svg {
    width: 1.5em;
    height: 1.5em;
    fill: currentColor;
  }
  [part='launcher']:focus-visible,
  [part='close']:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }
  [part='card'] {
    position: absolute;
    right: 0;
    bottom: calc(100% + 12px);
    box-sizing: border-box;
    width: min(var(--voip-card-width, 22em), calc(100vw - 24px));
    max-height: calc(100vh - 100px);
    overflow: auto;
    padding: 0.75em 1em 1em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: var(--voip-card-radius, 12px);
    background: var(--voip-card-background, light-dark(#fff, #1f1f1f));
    color: var(--voip-card-color, light-dark(#1f1f1f, #e3e3e3));
    box-shadow: var(--voip-floating-shadow, 0 2px 10px #0005);
  }
  :host([position='bottom-left']) [part='card'] {
    right: auto;
    left: 0;
  }
  [part='card'][hidden] {
    display: none;
  }
  [part='card-header'] {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    margin-bottom: 0.5em;
    font-weight: 600;
  }
  [part='close'] {
    display: grid;
    place-items: center;
    min-width: 32px;
    min-height: 32px;
    padding: 0;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  [part='close'] svg {
    width: 1.25em;
    height: 1.25em;
    fill: currentColor;
  }
  [part='card'] [part='base'] {
    display: flex;
  }
  .hidden-label {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (forced-colors: active) {
    [part='launcher'],
    [part='card'] {
      border: 2px solid CanvasText;
    }
  }
`;
